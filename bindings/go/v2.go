package wxface

// #include <wxface.h>
import "C"

import (
	"context"
	"time"
)

// VerifyID is getverifyid's answer. Keep VerifyID, CertHash and the
// out_seq_no and openid you passed for V2Query; the raw name and number
// are no longer needed.
type VerifyID struct {
	VerifyID  string // for wx.requestFacialVerify({verifyId})
	ExpiresIn time.Duration
	CertHash  string
	Fields    map[string]string // every field, under WeChat's names
}

// QueryResult is a passed 2.0 verification (queryverifyinfo).
type QueryResult struct {
	VerifyRet int               // 10000
	Fields    map[string]string // every field, under WeChat's names
}

// V2GetVerifyID starts a 2.0 verification for the mini-program user openID.
func (c *Client) V2GetVerifyID(outSeqNo, openID, name, idCardNumber string) (*VerifyID, error) {
	return c.V2GetVerifyIDContext(context.Background(), outSeqNo, openID, name, idCardNumber)
}

// V2GetVerifyIDContext is V2GetVerifyID bounded by ctx's deadline.
func (c *Client) V2GetVerifyIDContext(ctx context.Context, outSeqNo, openID, name, idCardNumber string) (*VerifyID, error) {
	s, err := toC(required("out_seq_no", outSeqNo), required("openid", openID), required("name", name), required("id_card_number", idCardNumber))
	if err != nil {
		return nil, err
	}
	var out *C.wxface_response
	if err := c.do(ctx, func(h *C.wxface_client, e *C.wxface_error) C.int32_t {
		return C.wxface_v2_get_verify_id(h, s.ptr(0), s.ptr(1), s.ptr(2), s.ptr(3), &out, e)
	}); err != nil {
		return nil, err
	}
	return readResponse(out, func(f map[string]string) *VerifyID {
		return &VerifyID{VerifyID: f["verify_id"], ExpiresIn: seconds(f, "expires_in"), CertHash: f["cert_hash"], Fields: f}
	}), nil
}

// V2Query is the 2.0 verdict: nil error only if WeChat answered errcode 0
// and verify_ret 10000; ErrNotPassed with Error.VerifyRet otherwise.
// WeChat itself refuses a cert_hash, openid or out_seq_no other than
// getverifyid's (ErrWechat with Error.WechatErrcode).
func (c *Client) V2Query(verifyID, outSeqNo, openID, certHash string) (*QueryResult, error) {
	return c.V2QueryContext(context.Background(), verifyID, outSeqNo, openID, certHash)
}

// V2QueryContext is V2Query bounded by ctx's deadline.
func (c *Client) V2QueryContext(ctx context.Context, verifyID, outSeqNo, openID, certHash string) (*QueryResult, error) {
	s, err := toC(required("verify_id", verifyID), required("out_seq_no", outSeqNo), required("openid", openID), required("cert_hash", certHash))
	if err != nil {
		return nil, err
	}
	var out *C.wxface_response
	if err := c.do(ctx, func(h *C.wxface_client, e *C.wxface_error) C.int32_t {
		return C.wxface_v2_query(h, s.ptr(0), s.ptr(1), s.ptr(2), s.ptr(3), &out, e)
	}); err != nil {
		return nil, err
	}
	return readResponse(out, func(f map[string]string) *QueryResult {
		return &QueryResult{VerifyRet: int(integer(f, "verify_ret")), Fields: f}
	}), nil
}
