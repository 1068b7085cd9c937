package wxface

import "C"

import (
	"strings"
	"unsafe"
)

// arg is one string argument on its way to C.
type arg struct {
	name     string // the C parameter's name, for error messages
	value    string
	optional bool // "" means absent: NULL is passed
}

func required(name, value string) arg { return arg{name: name, value: value} }
func optional(name, value string) arg { return arg{name: name, value: value, optional: true} }

// cstrings holds NUL-terminated copies of a call's string arguments in one
// Go byte slice. Passing pointers into it is allowed by cgo's rules (the
// memory holds no Go pointers) and C keeps none of them after the call, so
// nothing has to be freed on any path.
type cstrings struct {
	buf []byte
	at  [maxArgs]int // offset of each argument in buf, -1 for NULL
}

// maxArgs is the most string arguments a C function of the library takes
// (wxface_v1_verify's five); in an array, the offsets cost no allocation.
const maxArgs = 5

// toC copies args, refusing a NUL byte inside a value: C would silently
// read a shorter string than the caller gave.
func toC(args ...arg) (*cstrings, error) {
	s := &cstrings{}
	if err := s.set(args...); err != nil {
		return nil, err
	}
	return s, nil
}

// set copies args into s, reusing its buffer when it is large enough (the
// client calls take s from a pool).
func (s *cstrings) set(args ...arg) error {
	size := 0
	for _, a := range args {
		if strings.IndexByte(a.value, 0) >= 0 {
			return invalidArgument("%s contains a NUL byte", a.name)
		}
		size += len(a.value) + 1
	}
	if cap(s.buf) < size {
		s.buf = make([]byte, 0, size)
	}
	s.buf = s.buf[:0]
	for i, a := range args {
		if a.optional && a.value == "" {
			s.at[i] = -1
			continue
		}
		s.at[i] = len(s.buf)
		s.buf = append(s.buf, a.value...)
		s.buf = append(s.buf, 0)
	}
	return nil
}

// ptr is argument i for C; valid while s is reachable (callers keep s
// alive across the C call by using it there).
func (s *cstrings) ptr(i int) *C.char {
	if s.at[i] < 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&s.buf[s.at[i]]))
}

// noBytes backs empty byte arguments: C gets a valid pointer and length 0,
// so an empty body meets the library's own check rather than a NULL one.
var noBytes [1]byte

// bytesPtr gives C a view of b for a (pointer, length) parameter.
func bytesPtr(b []byte) (*C.char, C.size_t) {
	if len(b) == 0 {
		return (*C.char)(unsafe.Pointer(&noBytes[0])), 0
	}
	return (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}
