package wxface

// #include <wxface.h>
import "C"

import "fmt"

// Error is every failure this package returns: the C library's code and
// the details of its wxface_error. Messages never hold a full name, ID
// number, secret, token or verify_result.
type Error struct {
	// Code is the wxface result code; match it with errors.Is and the
	// Err* sentinels, or compare it with the Code* constants.
	Code Code
	// CodeName is the constant's name, e.g. "WXFACE_ERR_NAME_MISMATCH".
	CodeName string
	// WechatErrcode is WeChat's errcode when it sent one, else 0.
	WechatErrcode int
	// VerifyRet is identify_ret (1.0) or verify_ret (2.0) when the result
	// was judged, else 0.
	VerifyRet int
	// HTTPStatus is the HTTP status when a response was received, else 0.
	HTTPStatus int
	// Message is one English line from the library.
	Message string

	closed bool  // set only on errors of a closed Client
	cause  error // a context error behind a timeout, for errors.Is
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "wxface: " + e.CodeName
	}
	return fmt.Sprintf("wxface: %s: %s", e.CodeName, e.Message)
}

// Is reports whether target is a sentinel (or any *Error) of the same code;
// ErrClosed matches only the errors of a closed Client.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	if t.closed {
		return e.closed
	}
	return t.Code == e.Code
}

// Unwrap gives the context error behind a Timeout raised by a ...Context
// call whose deadline passed, so errors.Is(err, context.DeadlineExceeded)
// holds as well.
func (e *Error) Unwrap() error { return e.cause }

// check turns a C return code and its wxface_error into a Go error.
func check(rc C.int32_t, cerr *C.wxface_error) error {
	if rc == C.WXFACE_OK {
		return nil
	}
	code := Code(rc)
	return &Error{
		Code:          code,
		CodeName:      code.String(),
		WechatErrcode: int(cerr.wechat_errcode),
		VerifyRet:     int(cerr.verify_ret),
		HTTPStatus:    int(cerr.http_status),
		Message:       C.GoString(&cerr.message[0]),
	}
}

// invalidArgument is the binding's own refusal of an argument the C ABI
// cannot even receive (a Go string with a NUL byte).
func invalidArgument(format string, args ...any) *Error {
	return &Error{
		Code:     CodeInvalidArgument,
		CodeName: CodeInvalidArgument.String(),
		Message:  fmt.Sprintf(format, args...),
	}
}

// configError is the binding's own refusal of a Config it cannot pass on.
func configError(format string, args ...any) *Error {
	return &Error{Code: CodeConfig, CodeName: CodeConfig.String(), Message: fmt.Sprintf(format, args...)}
}

// notCreatedError is the error of a call on a Client{} that did not come
// from NewClient (a zero value, or a copy's zero value).
func notCreatedError() *Error {
	return invalidArgument("this wxface.Client was not created with NewClient")
}

func closedError() *Error {
	e := *ErrClosed
	return &e
}
