//go:build wxface_dynamic

package wxface

// With `-tags wxface_dynamic` the package links an installed libwxface
// (e.g. /usr/local/lib/libwxface.so). Point the tools at it when it is
// not in the default search path:
//
//	CGO_CFLAGS=-I/opt/wxface/include CGO_LDFLAGS=-L/opt/wxface/lib go build -tags wxface_dynamic

// #cgo LDFLAGS: -lwxface
import "C"
