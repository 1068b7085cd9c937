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
func (k *call) fields() map[string]string {
	rc := C.wxface_response_texts(k.out, &k.data, &k.n, &k.err)
	if rc != 0 || k.n == 0 {
		return map[string]string{}
	}
	return split(C.GoStringN(k.data, C.int(k.n-1)))
}

// split makes the fields of a texts block without its last NUL. The map's
// keys and values are slices of block, so the block is copied only once,
// into block.
func split(block string) map[string]string {
	out := make(map[string]string, strings.Count(block, "\x00")/2+1)
	for len(block) > 0 {
		i := strings.IndexByte(block, 0)
		if i < 0 {
			out[block] = ""
			break
		}
		name, rest := block[:i], block[i+1:]
		j := strings.IndexByte(rest, 0)
		if j < 0 {
			out[name] = rest
			break
		}
		out[name] = rest[:j]
		block = rest[j+1:]
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
	n, err := strconv.ParseInt(f[name], 10, 64)
	if err != nil {
		return 0
	}
	return n
}

func seconds(f map[string]string, name string) time.Duration {
	return time.Duration(integer(f, name)) * time.Second
}

func unixTime(f map[string]string, name string) time.Time {
	if _, ok := f[name]; !ok {
		return time.Time{}
	}
	return time.Unix(integer(f, name), 0)
}

// readResponse makes the answer of k's call with read. A wrapper of
// calls.h has usually copied the fields into k.text and freed the
// response; otherwise (an answer larger than the buffer, or a call made
// without a wrapper) they are read from k.out, which is then freed.
func readResponse[T any](k *call, read func(map[string]string) T) T {
	if k.out == nil {
		if k.n == 0 {
			return read(map[string]string{})
		}
		f := split(string(k.text[:k.n-1]))
		// The buffer held the answer (openids, verify results) and stays
		// in the pool: it keeps nothing once copied.
		clear(k.text[:k.n])
		return read(f)
	}
	defer C.wxface_response_free(k.out)
	f := k.fields()
	k.fit(int(k.n))
	return read(f)
}
