//go:build wxface_external

package wxface

// With `-tags wxface_external` the package adds no linker flags: name the
// library yourself, e.g. the static library of a release archive, so that
// the program needs nothing at run time:
//
//	CGO_CFLAGS=-I/opt/wxface/include \
//	CGO_LDFLAGS="/opt/wxface/lib/libwxface.a -ldl -lm -lpthread" \
//	go build -tags wxface_external

import "C"
