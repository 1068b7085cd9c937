// Package wxface is the Go binding of libwxface: WeChat face verification
// (微信人脸核身) 1.0 and 2.0, with the checks WeChat asks integrators to
// make, message-push handling, and the offline ID-number and digest
// helpers. It is a thin cgo layer over include/wxface.h: every rule lives
// in the C library, and every failure is an *Error carrying the library's
// code, matched with errors.Is against the Err* sentinels.
//
// A Client is safe for concurrent use; Close it when done. Calls block,
// bounded by the configured timeouts, or by a context's deadline with the
// ...Context methods. C never keeps a Go pointer: callbacks are reached
// through runtime/cgo handles and string arguments are copied per call.
//
// Linking: by default the static library of the repository checkout
// (target/debug/libwxface.a, made by `cargo build`); with the build tag
// wxface_dynamic, an installed libwxface found through CGO_CFLAGS and
// CGO_LDFLAGS. See README.md.
package wxface
