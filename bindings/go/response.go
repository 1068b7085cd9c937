package wxface

// #include <wxface.h>
import "C"

import (
	"strconv"
	"time"
)

// response reads one wxface_response into Go values; the caller frees r.
type response struct{ r *C.wxface_response }

// fields copies every field, under WeChat's names, as text.
func (x response) fields() map[string]string {
	n := int(C.wxface_response_count(x.r))
	out := make(map[string]string, n)
	for i := 0; i < n; i++ {
		name := C.wxface_response_field_name(x.r, C.size_t(i))
		if name == nil {
			continue
		}
		if v := C.wxface_response_str(x.r, name); v != nil {
			out[C.GoString(name)] = C.GoString(v)
		}
	}
	return out
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

// readResponse frees r after copying it with read.
func readResponse[T any](r *C.wxface_response, read func(map[string]string) T) T {
	defer C.wxface_response_free(r)
	return read(response{r}.fields())
}
