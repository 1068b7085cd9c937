package wxface

// #include "calls.h"
import "C"

import (
	"time"
)

// PushEvent is a push WeChat sent to the business server, opened and
// checked. It is a hint: call V1Verify on VerifyResult for the verdict.
type PushEvent struct {
	ToUserName   string
	FromUserName string
	CreateTime   time.Time
	MsgType      string
	Event        string // "face_identify"
	OpenID       string
	OutSeqNo     string
	VerifyResult string
	Fields       map[string]string // every field, under WeChat's names
}

// SealedPush is a push as WeChat would send it: POST Body to the URL with
// "?" + Query appended.
type SealedPush struct {
	Query string
	Body  []byte
}

// Push formats and modes for PushSeal.
const (
	PushJSON       = "json"
	PushXML        = "xml"
	PushPlain      = "plain"
	PushCompatible = "compatible"
	PushSafe       = "safe"
)

// PushCheckURL answers the GET handshake WeChat makes when the push URL is
// configured: query is the raw query string received. It checks the
// signature and the timestamp window, and returns the echostr to send back
// as the response body, as is.
func (c *Client) PushCheckURL(query string) (echostr string, err error) {
	k, err := newCall(required("query", query))
	if err != nil {
		return "", err
	}
	defer k.release()
	if err := c.doConst(k, func(h *C.wxface_client, k *call) C.int32_t {
		t, tn, tlen := k.texts()
		return C.wxface_go_push_url_echo(h, k.arg(0), &k.out, &k.err, t, tn, tlen)
	}); err != nil {
		return "", err
	}
	return readResponse(k, func(f map[string]string) string { return f["echostr"] }), nil
}

// PushOpen opens a push POST: query is the raw query string, body the raw
// body (at most 64 KiB). It checks the signature (msg_signature for
// encrypted bodies), the timestamp window and the appid, decrypts, and
// parses JSON or XML.
func (c *Client) PushOpen(query string, body []byte) (*PushEvent, error) {
	k, err := newCall(required("query", query))
	if err != nil {
		return nil, err
	}
	defer k.release()
	bodyPtr, bodyLen := bytesPtr(body)
	if err := c.doConst(k, func(h *C.wxface_client, k *call) C.int32_t {
		t, tn, tlen := k.texts()
		return C.wxface_go_push_open(h, k.arg(0), bodyPtr, bodyLen, &k.out, &k.err, t, tn, tlen)
	}); err != nil {
		return nil, err
	}
	event := &PushEvent{}
	event.Fields = readFields(k, event.set)
	return event, nil
}

// set fills the typed field WeChat calls name, if there is one; the
// others are in Fields only. An absent CreateTime stays zero.
func (e *PushEvent) set(name, value string) {
	switch name {
	case "ToUserName":
		e.ToUserName = value
	case "FromUserName":
		e.FromUserName = value
	case "CreateTime":
		e.CreateTime = time.Unix(parseInteger(value), 0)
	case "MsgType":
		e.MsgType = value
	case "Event":
		e.Event = value
	case "openid":
		e.OpenID = value
	case "out_seq_no":
		e.OutSeqNo = value
	case "verify_result":
		e.VerifyResult = value
	}
}

// PushSeal builds a push as WeChat would send it, with this client's
// push_token, push_aes_key and appid: format PushJSON or PushXML, mode
// PushPlain, PushCompatible or PushSafe. For a server's own tests.
func (c *Client) PushSeal(format, mode string, message []byte, timestamp time.Time, nonce string) (*SealedPush, error) {
	k, err := newCall(required("format", format), required("mode", mode), required("nonce", nonce))
	if err != nil {
		return nil, err
	}
	defer k.release()
	msgPtr, msgLen := bytesPtr(message)
	if err := c.doConst(k, func(h *C.wxface_client, k *call) C.int32_t {
		t, tn, tlen := k.texts()
		return C.wxface_go_push_seal(h, k.arg(0), k.arg(1), msgPtr, msgLen, C.int64_t(timestamp.Unix()), k.arg(2), &k.out, &k.err, t, tn, tlen)
	}); err != nil {
		return nil, err
	}
	return readResponse(k, func(f map[string]string) *SealedPush {
		return &SealedPush{Query: f["query"], Body: []byte(f["body"])}
	}), nil
}
