package wxface

// #include <wxface.h>
import "C"

// Code is a wxface result code: the WXFACE_* constants of wxface.h.
// Values are stable forever; CodeName gives the constant's name.
type Code int32

// Result codes, one per WXFACE_* constant of wxface.h.
const (
	CodeOK                  Code = C.WXFACE_OK
	CodeInvalidArgument     Code = C.WXFACE_ERR_INVALID_ARGUMENT
	CodeInvalidEncoding     Code = C.WXFACE_ERR_INVALID_ENCODING
	CodeInvalidIDCard       Code = C.WXFACE_ERR_INVALID_ID_CARD
	CodeConfig              Code = C.WXFACE_ERR_CONFIG
	CodeNotFound            Code = C.WXFACE_ERR_NOT_FOUND
	CodeFieldRejected       Code = C.WXFACE_ERR_FIELD_REJECTED
	CodeNetwork             Code = C.WXFACE_ERR_NETWORK
	CodeTimeout             Code = C.WXFACE_ERR_TIMEOUT
	CodeTLS                 Code = C.WXFACE_ERR_TLS
	CodeHTTP                Code = C.WXFACE_ERR_HTTP
	CodeBadResponse         Code = C.WXFACE_ERR_BAD_RESPONSE
	CodeProxy               Code = C.WXFACE_ERR_PROXY
	CodeStateStore          Code = C.WXFACE_ERR_STATE_STORE
	CodeWechat              Code = C.WXFACE_ERR_WECHAT
	CodeAccessToken         Code = C.WXFACE_ERR_ACCESS_TOKEN
	CodeRateLimited         Code = C.WXFACE_ERR_RATE_LIMITED
	CodeSystemBusy          Code = C.WXFACE_ERR_SYSTEM_BUSY
	CodeVerifyResultInvalid Code = C.WXFACE_ERR_VERIFY_RESULT_INVALID
	CodeVerifyResultExpired Code = C.WXFACE_ERR_VERIFY_RESULT_EXPIRED
	CodeUserInfoNotFound    Code = C.WXFACE_ERR_USER_INFO_NOT_FOUND
	CodeVerifyIDExpired     Code = C.WXFACE_ERR_VERIFY_ID_EXPIRED
	CodeOutSeqNoUsed        Code = C.WXFACE_ERR_OUT_SEQ_NO_USED
	CodeNotPassed           Code = C.WXFACE_ERR_NOT_PASSED
	CodeIDMismatch          Code = C.WXFACE_ERR_ID_MISMATCH
	CodeNameMismatch        Code = C.WXFACE_ERR_NAME_MISMATCH
	CodeUserIDKeyMismatch   Code = C.WXFACE_ERR_USER_ID_KEY_MISMATCH
	CodeOpenIDMismatch      Code = C.WXFACE_ERR_OPENID_MISMATCH
	CodeStaleResult         Code = C.WXFACE_ERR_STALE_RESULT
	CodeReplayed            Code = C.WXFACE_ERR_REPLAYED
	CodeCertHashMismatch    Code = C.WXFACE_ERR_CERT_HASH_MISMATCH
	CodeOutSeqNoMismatch    Code = C.WXFACE_ERR_OUT_SEQ_NO_MISMATCH
	CodePending             Code = C.WXFACE_ERR_PENDING
	CodePushSignature       Code = C.WXFACE_ERR_PUSH_SIGNATURE
	CodePushDecrypt         Code = C.WXFACE_ERR_PUSH_DECRYPT
	CodePushAppID           Code = C.WXFACE_ERR_PUSH_APPID
	CodePushFormat          Code = C.WXFACE_ERR_PUSH_FORMAT
	CodePushStale           Code = C.WXFACE_ERR_PUSH_STALE
	CodePushTooLarge        Code = C.WXFACE_ERR_PUSH_TOO_LARGE
	CodeInternal            Code = C.WXFACE_ERR_INTERNAL
)

// Sentinels for errors.Is, one per failure code:
//
//	if errors.Is(err, wxface.ErrNameMismatch) { ... }
//
// Every error this package returns for that code matches its sentinel.
var (
	ErrInvalidArgument     = sentinel(CodeInvalidArgument)
	ErrInvalidEncoding     = sentinel(CodeInvalidEncoding)
	ErrInvalidIDCard       = sentinel(CodeInvalidIDCard)
	ErrConfig              = sentinel(CodeConfig)
	ErrNotFound            = sentinel(CodeNotFound)
	ErrFieldRejected       = sentinel(CodeFieldRejected)
	ErrNetwork             = sentinel(CodeNetwork)
	ErrTimeout             = sentinel(CodeTimeout)
	ErrTLS                 = sentinel(CodeTLS)
	ErrHTTP                = sentinel(CodeHTTP)
	ErrBadResponse         = sentinel(CodeBadResponse)
	ErrProxy               = sentinel(CodeProxy)
	ErrStateStore          = sentinel(CodeStateStore)
	ErrWechat              = sentinel(CodeWechat)
	ErrAccessToken         = sentinel(CodeAccessToken)
	ErrRateLimited         = sentinel(CodeRateLimited)
	ErrSystemBusy          = sentinel(CodeSystemBusy)
	ErrVerifyResultInvalid = sentinel(CodeVerifyResultInvalid)
	ErrVerifyResultExpired = sentinel(CodeVerifyResultExpired)
	ErrUserInfoNotFound    = sentinel(CodeUserInfoNotFound)
	ErrVerifyIDExpired     = sentinel(CodeVerifyIDExpired)
	ErrOutSeqNoUsed        = sentinel(CodeOutSeqNoUsed)
	ErrNotPassed           = sentinel(CodeNotPassed)
	ErrIDMismatch          = sentinel(CodeIDMismatch)
	ErrNameMismatch        = sentinel(CodeNameMismatch)
	ErrUserIDKeyMismatch   = sentinel(CodeUserIDKeyMismatch)
	ErrOpenIDMismatch      = sentinel(CodeOpenIDMismatch)
	ErrStaleResult         = sentinel(CodeStaleResult)
	ErrReplayed            = sentinel(CodeReplayed)
	ErrCertHashMismatch    = sentinel(CodeCertHashMismatch)
	ErrOutSeqNoMismatch    = sentinel(CodeOutSeqNoMismatch)
	ErrPending             = sentinel(CodePending)
	ErrPushSignature       = sentinel(CodePushSignature)
	ErrPushDecrypt         = sentinel(CodePushDecrypt)
	ErrPushAppID           = sentinel(CodePushAppID)
	ErrPushFormat          = sentinel(CodePushFormat)
	ErrPushStale           = sentinel(CodePushStale)
	ErrPushTooLarge        = sentinel(CodePushTooLarge)
	ErrInternal            = sentinel(CodeInternal)
)

// ErrClosed matches the error of any call on a closed Client. Such an
// error also matches ErrInvalidArgument: a closed client is an argument
// the C library can no longer take.
var ErrClosed = &Error{
	Code:     CodeInvalidArgument,
	CodeName: CodeInvalidArgument.String(),
	Message:  "client is closed",
	closed:   true,
}

func sentinel(c Code) *Error {
	return &Error{Code: c, CodeName: c.String(), Message: c.Description()}
}

// CodeName is the constant's name for code, e.g. "WXFACE_ERR_NAME_MISMATCH";
// "WXFACE_ERR_UNKNOWN" for a value that is not a code.
func CodeName(code Code) string {
	return C.GoString(C.wxface_code_name(C.int32_t(code)))
}

// String is CodeName(c).
func (c Code) String() string { return CodeName(c) }

// Description is one English sentence: what the code means and what to do.
func (c Code) Description() string {
	return C.GoString(C.wxface_code_description(C.int32_t(c)))
}
