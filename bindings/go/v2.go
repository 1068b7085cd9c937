package wxface

// #include "calls.h"
import "C"

import (
	"context"
	"errors"
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
// outSeqNo: 5 to 32 of 0-9 A-Z a-z _ -, never used before (OutSeqNoNew
// makes one); ErrInvalidArgument otherwise, ErrOutSeqNoUsed if WeChat saw
// it before.
func (c *Client) V2GetVerifyID(outSeqNo, openID, name, idCardNumber string) (*VerifyID, error) {
	return c.V2GetVerifyIDContext(context.Background(), outSeqNo, openID, name, idCardNumber)
}

// V2GetVerifyIDContext is V2GetVerifyID bounded by ctx's deadline.
func (c *Client) V2GetVerifyIDContext(ctx context.Context, outSeqNo, openID, name, idCardNumber string) (*VerifyID, error) {
	k, err := newCall(required("out_seq_no", outSeqNo), required("openid", openID), required("name", name), required("id_card_number", idCardNumber))
	if err != nil {
		return nil, err
	}
	defer k.release()
	if err := c.do(ctx, k, func(h *C.wxface_client, k *call) C.int32_t {
		t, tn, tlen := k.texts()
		return C.wxface_go_v2_get_verify_id(h, k.arg(0), k.arg(1), k.arg(2), k.arg(3), &k.out, &k.err, t, tn, tlen)
	}); err != nil {
		return nil, err
	}
	return readResponse(k, func(f map[string]string) *VerifyID {
		return &VerifyID{VerifyID: f["verify_id"], ExpiresIn: seconds(f, "expires_in"), CertHash: f["cert_hash"], Fields: f}
	}), nil
}

// V2Query is the 2.0 verdict: nil error only if WeChat answered errcode 0
// and verify_ret 10000. ErrPending (verify_ret 10300 or 10005): the user
// has not finished, ask again (V2Wait). ErrNotPassed with Error.VerifyRet
// and the reason otherwise. WeChat refuses a cert_hash, openid or
// out_seq_no other than getverifyid's: ErrCertHashMismatch,
// ErrOpenIDMismatch, ErrOutSeqNoMismatch; an expired verify_id:
// ErrVerifyIDExpired.
func (c *Client) V2Query(verifyID, outSeqNo, openID, certHash string) (*QueryResult, error) {
	return c.V2QueryContext(context.Background(), verifyID, outSeqNo, openID, certHash)
}

// V2QueryContext is V2Query bounded by ctx's deadline.
func (c *Client) V2QueryContext(ctx context.Context, verifyID, outSeqNo, openID, certHash string) (*QueryResult, error) {
	k, err := newCall(required("verify_id", verifyID), required("out_seq_no", outSeqNo), required("openid", openID), required("cert_hash", certHash))
	if err != nil {
		return nil, err
	}
	defer k.release()
	if err := c.do(ctx, k, func(h *C.wxface_client, k *call) C.int32_t {
		t, tn, tlen := k.texts()
		return C.wxface_go_v2_query(h, k.arg(0), k.arg(1), k.arg(2), k.arg(3), &k.out, &k.err, t, tn, tlen)
	}); err != nil {
		return nil, err
	}
	return readResponse(k, func(f map[string]string) *QueryResult {
		return &QueryResult{VerifyRet: int(integer(f, "verify_ret")), Fields: f}
	}), nil
}

// maxWait bounds V2Wait under a context without a deadline: a verify_id
// lives one hour.
const maxWait = time.Hour

// V2Wait is V2Query asked again while the answer is ErrPending, with
// growing pauses (Config.WaitInterval, doubling up to 8 times it), until
// ctx's deadline (one hour without one), never past the verify_id's life
// when this client started it. It returns the first answer that is not
// ErrPending; ErrPending if the deadline came first; ErrVerifyIDExpired if
// the verify_id's life ended first. Cancelling ctx ends the wait at once
// (after the query in flight): the error is ErrPending and also matches
// ctx.Err() with errors.Is.
func (c *Client) V2Wait(ctx context.Context, verifyID, outSeqNo, openID, certHash string) (*QueryResult, error) {
	k, err := newCall(required("verify_id", verifyID), required("out_seq_no", outSeqNo), required("openid", openID), required("cert_hash", certHash))
	if err != nil {
		return nil, err
	}
	defer k.release()
	timeoutMs := C.uint32_t(maxWait / time.Millisecond)
	if deadline, ok := ctx.Deadline(); ok {
		ms, ok := millisUntil(deadline)
		if !ok {
			return nil, contextError(context.DeadlineExceeded)
		}
		timeoutMs = ms
	}
	cancel := C.wxface_cancel_new()
	if cancel == nil {
		return nil, &Error{Code: CodeInternal, CodeName: CodeInternal.String(), Message: "out of memory"}
	}
	done := make(chan struct{})
	watcher := make(chan struct{})
	go func() {
		defer close(watcher)
		select {
		case <-ctx.Done():
			C.wxface_cancel_fire(cancel)
		case <-done:
		}
	}()
	err = c.do(ctx, k, func(h *C.wxface_client, k *call) C.int32_t {
		t, tn, tlen := k.texts()
		return C.wxface_go_v2_wait(h, k.arg(0), k.arg(1), k.arg(2), k.arg(3), timeoutMs, cancel, &k.out, &k.err, t, tn, tlen)
	})
	close(done)
	<-watcher // the token is freed only once nothing can fire it
	C.wxface_cancel_free(cancel)
	var e *Error
	if errors.As(err, &e) && e.Code == CodePending && ctx.Err() != nil {
		e.cause = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	return readResponse(k, func(f map[string]string) *QueryResult {
		return &QueryResult{VerifyRet: int(integer(f, "verify_ret")), Fields: f}
	}), nil
}
