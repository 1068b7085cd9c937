package wxface

// #include "calls.h"
import "C"

import (
	"context"
	"time"
)

// UserIDKey is getuseridkey's answer: the key for
// wx.startFacialRecognitionVerify({userIdKey}).
type UserIDKey struct {
	UserIDKey string
	ExpiresIn time.Duration
	Fields    map[string]string // every field, under WeChat's names
}

// Info is WeChat's record of a 1.0 verification (getinfo), not judged.
type Info struct {
	IdentifyRet     int
	IdentifyTime    time.Time
	ValidateData    string // the digits read aloud; may be empty
	OpenID          string
	UserIDKey       string
	FinishTime      time.Time
	IDCardNumberMD5 string
	NameUTF8MD5     string
	Fields          map[string]string // every field, under WeChat's names
}

// VerifyResult is a 1.0 verification that passed every check of V1Verify.
type VerifyResult struct {
	Info
}

// Expected is the person (and session) a 1.0 verification must match.
type Expected struct {
	Name         string
	IDCardNumber string // any accepted form: lower-case x, full-width digits
	// UserIDKey and OpenID are checked when not empty. Leave one empty
	// only when you truly have nothing to compare with.
	UserIDKey string
	OpenID    string
}

// set fills the typed field WeChat calls name, if there is one; the
// others are in Fields only. Absent numbers and times stay zero.
func (x *Info) set(name, value string) {
	switch name {
	case "identify_ret":
		x.IdentifyRet = int(parseInteger(value))
	case "identify_time":
		x.IdentifyTime = time.Unix(parseInteger(value), 0)
	case "validate_data":
		x.ValidateData = value
	case "openid":
		x.OpenID = value
	case "user_id_key":
		x.UserIDKey = value
	case "finish_time":
		x.FinishTime = time.Unix(parseInteger(value), 0)
	case "id_card_number_md5":
		x.IDCardNumberMD5 = value
	case "name_utf8_md5":
		x.NameUTF8MD5 = value
	}
}

// V1GetUserIDKey registers the person to verify (getuseridkey). outSeqNo
// may be empty; when given, WeChat pushes a face_identify event.
func (c *Client) V1GetUserIDKey(name, idCardNumber, outSeqNo string) (*UserIDKey, error) {
	return c.V1GetUserIDKeyContext(context.Background(), name, idCardNumber, outSeqNo)
}

// V1GetUserIDKeyContext is V1GetUserIDKey bounded by ctx's deadline.
func (c *Client) V1GetUserIDKeyContext(ctx context.Context, name, idCardNumber, outSeqNo string) (*UserIDKey, error) {
	k, err := newCall(required("name", name), required("id_card_number", idCardNumber), optional("out_seq_no", outSeqNo))
	if err != nil {
		return nil, err
	}
	defer k.release()
	if err := c.do(ctx, k, func(h *C.wxface_client, k *call) C.int32_t {
		t, tn, tlen := k.texts()
		return C.wxface_go_v1_get_user_id_key(h, k.arg(0), k.arg(1), k.arg(2), &k.out, &k.err, t, tn, tlen)
	}); err != nil {
		return nil, err
	}
	return readResponse(k, func(f map[string]string) *UserIDKey {
		return &UserIDKey{UserIDKey: f["user_id_key"], ExpiresIn: seconds(f, "expires_in"), Fields: f}
	}), nil
}

// V1GetInfo fetches WeChat's record of a verification (getinfo) WITHOUT
// judging it: a nil error means only that WeChat answered errcode 0. Use
// V1Verify for a verdict.
func (c *Client) V1GetInfo(verifyResult string) (*Info, error) {
	return c.V1GetInfoContext(context.Background(), verifyResult)
}

// V1GetInfoContext is V1GetInfo bounded by ctx's deadline.
func (c *Client) V1GetInfoContext(ctx context.Context, verifyResult string) (*Info, error) {
	k, err := newCall(required("verify_result", verifyResult))
	if err != nil {
		return nil, err
	}
	defer k.release()
	if err := c.do(ctx, k, func(h *C.wxface_client, k *call) C.int32_t {
		t, tn, tlen := k.texts()
		return C.wxface_go_v1_get_info(h, k.arg(0), &k.out, &k.err, t, tn, tlen)
	}); err != nil {
		return nil, err
	}
	info := &Info{}
	info.Fields = readFields(k, info.set)
	return info, nil
}

// V1Verify is the 1.0 verdict: nil error only if WeChat answered errcode 0
// and identify_ret 0, the result is that of the expected person (and
// user_id_key and openid, when given), it is recent, and this client has
// not accepted it before. Each failed check has its own code, e.g.
// ErrNotPassed (see Error.VerifyRet), ErrNameMismatch, ErrReplayed.
func (c *Client) V1Verify(verifyResult string, expected Expected) (*VerifyResult, error) {
	return c.V1VerifyContext(context.Background(), verifyResult, expected)
}

// V1VerifyContext is V1Verify bounded by ctx's deadline.
func (c *Client) V1VerifyContext(ctx context.Context, verifyResult string, expected Expected) (*VerifyResult, error) {
	k, err := newCall(
		required("verify_result", verifyResult),
		required("name", expected.Name),
		required("id_card_number", expected.IDCardNumber),
		optional("user_id_key", expected.UserIDKey),
		optional("openid", expected.OpenID),
	)
	if err != nil {
		return nil, err
	}
	defer k.release()
	if err := c.do(ctx, k, func(h *C.wxface_client, k *call) C.int32_t {
		t, tn, tlen := k.texts()
		return C.wxface_go_v1_verify(h, k.arg(0), k.arg(1), k.arg(2), k.arg(3), k.arg(4), &k.out, &k.err, t, tn, tlen)
	}); err != nil {
		return nil, err
	}
	r := &VerifyResult{}
	r.Fields = readFields(k, r.set)
	return r, nil
}
