package wxface

// #include <wxface.h>
import "C"

import "context"

// Image is the photo WeChat took during a verification (getimage): the
// bytes as WeChat sent them (a JPEG) and their content type.
//
// The photo is biometric data: store it only where the law allows, and
// never put it in a log line or an error report.
type Image struct {
	Data        []byte // a copy owned by the caller
	ContentType string // e.g. "image/jpeg"
}

// V1GetImage fetches the photo of a finished 1.0 verification. WeChat's
// JSON answers are errors: an unknown verify_result gives
// ErrVerifyResultInvalid (WechatErrcode 84001). It does not judge the
// verification: use V1Verify for a verdict.
func (c *Client) V1GetImage(verifyResult string) (*Image, error) {
	return c.V1GetImageContext(context.Background(), verifyResult)
}

// V1GetImageContext is V1GetImage bounded by ctx's deadline.
func (c *Client) V1GetImageContext(ctx context.Context, verifyResult string) (*Image, error) {
	k, err := newCall(required("verify_result", verifyResult))
	if err != nil {
		return nil, err
	}
	defer k.release()
	if err := c.do(ctx, k, func(h *C.wxface_client, k *call) C.int32_t {
		return C.wxface_v1_get_image(h, k.arg(0), &k.out, &k.err)
	}); err != nil {
		return nil, err
	}
	return readImage(k)
}

// readImage copies the photo and its content type, then frees k's response.
func readImage(k *call) (*Image, error) {
	defer C.wxface_response_free(k.out)
	data, err := response{k.out}.bytes("image")
	if err != nil {
		return nil, err
	}
	return &Image{Data: data, ContentType: k.fields(nil)["content_type"]}, nil
}
