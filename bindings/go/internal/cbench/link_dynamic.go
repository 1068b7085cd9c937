//go:build wxface_dynamic

package cbench

// #cgo LDFLAGS: -lwxface
import "C"
