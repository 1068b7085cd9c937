package wxface_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	wxface "github.com/wxface/wxface/bindings/go"
)

var jpegSignature = []byte{0xFF, 0xD8, 0xFF}

// wantJPEG fails unless img is a JPEG labelled image/jpeg. It never prints
// the photo: it is biometric data.
func wantJPEG(t *testing.T, img *wxface.Image) {
	t.Helper()
	if !bytes.HasPrefix(img.Data, jpegSignature) {
		t.Fatalf("photo of %d bytes does not start with FF D8 FF", len(img.Data))
	}
	if img.ContentType != "image/jpeg" {
		t.Fatalf("content type %q, want image/jpeg", img.ContentType)
	}
}

func TestV1ImageOfAFinishedVerificationIsAJPEG(t *testing.T) {
	client := newClient(t, sandboxConfig())
	key, err := client.V1GetUserIDKey(zhangName, zhangID, "")
	if err != nil {
		t.Fatal(err)
	}
	verifyResult, _ := completeV1(t, key.UserIDKey, nil)
	img, err := client.V1GetImage(verifyResult)
	if err != nil {
		t.Fatal(err)
	}
	wantJPEG(t, img)

	// The bytes are the caller's own copy: changing them changes no later answer.
	img.Data[0] = 0
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	again, err := client.V1GetImageContext(ctx, verifyResult)
	if err != nil {
		t.Fatal(err)
	}
	wantJPEG(t, again)
}

func TestV1ImageOfAnUnknownVerifyResultIsVerifyResultInvalid(t *testing.T) {
	client := newClient(t, sandboxConfig())
	_, err := client.V1GetImage("forged-by-the-front-end-0000")
	e := wantCode(t, err, wxface.CodeVerifyResultInvalid)
	if e.WechatErrcode != 84001 {
		t.Fatalf("wechat_errcode %d, want 84001", e.WechatErrcode)
	}
}
