//go:build !wxface_dynamic && !wxface_external

package wxface

// By default the package links the static library built in this checkout
// (`cargo build` at the repository root), so programs and test binaries
// need no LD_LIBRARY_PATH and carry no rpath into a module cache. Build
// with `-tags wxface_dynamic` to link an installed libwxface instead.

// #cgo LDFLAGS: ${SRCDIR}/../../target/debug/libwxface.a -ldl -lm -lpthread -lgcc_s -lc
import "C"
