package wxface

// The header is read from the checkout; for an installed library add its
// include directory through CGO_CFLAGS (a missing -I directory is ignored).

// #cgo CFLAGS: -I${SRCDIR}/../../include
import "C"
