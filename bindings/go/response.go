package wxface

// #include <wxface.h>
import "C"

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// response reads one wxface_response into Go values; the caller frees r.
type response struct{ r *C.wxface_response }

// fields copies every field of k.out, under WeChat's names, as text: one C
// call (wxface_response_texts: name NUL value NUL ...) split here, with k's
// memory for its out-parameters. Binary fields (getimage's `image`) have no
// text form and are left out: read them with bytes.
func (k *call) fields(set func(name, value string)) map[string]string {
	rc := C.wxface_response_texts(k.out, &k.data, &k.n, &k.err)
	if rc != 0 || k.n == 0 {
		return map[string]string{}
	}
	return split(C.GoStringN(k.data, C.int(k.n-1)), set)
}

// split makes the fields of a texts block without its last NUL, and hands
// each to set (when not nil) as well, in the block's order. The map's keys
// and values are slices of block, so the block is copied only once, into
// block.
func split(block string, set func(name, value string)) map[string]string {
	out := make(map[string]string, strings.Count(block, "\x00")/2+1)
	for len(block) > 0 {
		name, value := block, ""
		if i := strings.IndexByte(block, 0); i < 0 {
			block = ""
		} else {
			name, block = block[:i], block[i+1:]
			if j := strings.IndexByte(block, 0); j < 0 {
				value, block = block, ""
			} else {
				value, block = block[:j], block[j+1:]
			}
		}
		out[name] = value
		if set != nil {
			set(name, value)
		}
	}
	return out
}

// bytes copies field name's bytes: binary fields as they are, others as
// their text.
func (x response) bytes(name string) ([]byte, error) {
	s, err := toC(required("field", name))
	if err != nil {
		return nil, err
	}
	var data *C.uint8_t
	var n C.size_t
	var cerr C.wxface_error
	if err := check(C.wxface_response_bytes(x.r, s.ptr(0), &data, &n, &cerr), &cerr); err != nil {
		return nil, err
	}
	if n == 0 {
		return []byte{}, nil
	}
	// The n bytes at data belong to x.r until it is freed, so they are
	// copied into Go memory before the caller frees it.
	return bytes.Clone(unsafe.Slice((*byte)(unsafe.Pointer(data)), n)), nil
}

// Typed views of the copied fields: absent or unparsable numbers read as 0,
// the fields map keeping the raw text.

func integer(f map[string]string, name string) int64 {
	return parseInteger(f[name])
}

// parseInteger reads WeChat's usual numbers (plain digits, fewer than 19 so
// they fit) itself, strconv.ParseInt everything else.
func parseInteger(s string) int64 {
	if len(s) > 0 && len(s) < 19 {
		var n int64
		for i := 0; i < len(s); i++ {
			d := s[i] - '0'
			if d > 9 {
				return parseIntegerSlowly(s)
			}
			n = n*10 + int64(d)
		}
		return n
	}
	return parseIntegerSlowly(s)
}

func parseIntegerSlowly(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

func seconds(f map[string]string, name string) time.Duration {
	return time.Duration(integer(f, name)) * time.Second
}

// readResponse makes the answer of k's call with read.
func readResponse[T any](k *call, read func(map[string]string) T) T {
	return read(readFields(k, nil))
}

// readFields is every field of the answer of k's call, each also handed to
// set when it is not nil (typed fields are filled that way, without a
// lookup each). A wrapper of calls.h has usually copied the fields into
// k.text and freed the response; otherwise (an answer larger than the
// buffer, or a call made without a wrapper) they are read from k.out,
// which is then freed.
func readFields(k *call, set func(name, value string)) map[string]string {
	if k.out == nil {
		if k.n == 0 {
			return map[string]string{}
		}
		f := split(string(k.text[:k.n-1]), set)
		// The buffer held the answer (openids, verify results) and stays
		// in the pool: it keeps nothing once copied.
		clear(k.text[:k.n])
		return f
	}
	defer C.wxface_response_free(k.out)
	f := k.fields(set)
	k.fit(int(k.n))
	return f
}
