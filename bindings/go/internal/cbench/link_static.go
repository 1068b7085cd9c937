//go:build !wxface_dynamic

package cbench

// Linked as the wxface package is; see its link_static.go.

// #cgo LDFLAGS: ${SRCDIR}/../../../../target/debug/libwxface.a -ldl -lm -lpthread -lgcc_s -lc
import "C"
