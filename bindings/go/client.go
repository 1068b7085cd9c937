package wxface

// #include <wxface.h>
import "C"

import (
	"context"
	"errors"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Client makes wxface calls. It is safe for concurrent use by many
// goroutines; Close it when done (a finalizer frees a forgotten one).
type Client struct {
	// Written only by NewClient and Close: every call reads these, so
	// nothing a call writes shares their cache line.
	ptr      *C.wxface_client // nil once closed, or in a Client not made by NewClient
	closing  atomic.Bool      // set by Close: calls not yet counted in are refused
	inFlight *[stripes]stripe // the calls in flight, counted in stripes
	wake     chan struct{}    // a call that left a stripe at 0 while closing
	mu       sync.Mutex       // one Close at a time
	hooks    hooks
}

// stripes is how many counters a client's calls in flight are spread
// over. A call counts itself in the stripe of its pooled call object, and
// a pool hands an object back to the processor that returned it, so each
// stripe is written mostly from one core. One counter shared by all (a
// sync.RWMutex's reader count) moved its cache line from core to core at
// nearly every call once calls come from more than one core.
const stripes = 8

// stripe is one counter on a cache line of its own (128 bytes: a line and
// the one the adjacent-line prefetcher pairs with it).
type stripe struct {
	n atomic.Int64
	_ [120]byte
}

// nextStripe deals stripes to new call objects in turn.
var nextStripe atomic.Uint32

// NewClient makes a client from cfg. No network traffic happens here; a
// missing credential or an unreadable file gives ErrConfig.
func NewClient(cfg Config) (*Client, error) {
	if err := libraryCheck(); err != nil {
		return nil, err
	}
	c := &Client{inFlight: new([stripes]stripe), wake: make(chan struct{}, 1)}
	ccfg, err := cfg.build(&c.hooks)
	if err != nil {
		c.hooks.release()
		return nil, err
	}
	defer C.wxface_config_free(ccfg)
	var cerr C.wxface_error
	var ptr *C.wxface_client
	if err := check(C.wxface_client_new(ccfg, &ptr, &cerr), &cerr); err != nil {
		c.hooks.release()
		return nil, err
	}
	c.ptr = ptr
	runtime.SetFinalizer(c, (*Client).Close)
	return c, nil
}

// NewClientFromFile makes a client from a `key=value` configuration file
// (UTF-8, `#` comments); see Config for the keys.
func NewClientFromFile(path string) (*Client, error) {
	return NewClient(Config{File: path})
}

// Close frees the client once the calls in flight have returned. Later
// calls, and calls made while Close waits, fail with ErrClosed; closing
// again does nothing.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return nil
	}
	c.closing.Store(true)
	for c.busy() {
		<-c.wake
	}
	C.wxface_client_free(c.ptr)
	c.ptr = nil
	c.hooks.release()
	runtime.SetFinalizer(c, nil)
	return nil
}

// busy tells whether a call is in flight. Close sets closing before it
// looks, and a call adds itself before it reads closing, so a call either
// is seen here or sees closing and backs out (sync/atomic is sequentially
// consistent).
func (c *Client) busy() bool {
	for i := range c.inFlight {
		if c.inFlight[i].n.Load() != 0 {
			return true
		}
	}
	return false
}

// enter counts k's call in flight on c and gives the stripe to leave; nil,
// counting nothing, once Close has begun or for a Client not made by
// NewClient.
func (c *Client) enter(k *call) *atomic.Int64 {
	if c.inFlight == nil {
		return nil
	}
	n := &c.inFlight[k.stripe].n
	n.Add(1)
	if c.closing.Load() {
		c.leave(n)
		return nil
	}
	return n
}

// leave counts a call out, waking a waiting Close when its stripe is
// empty (Close then looks at every stripe again). The channel holds one
// wake-up, so one sent while Close is not yet waiting is not lost.
func (c *Client) leave(n *atomic.Int64) {
	if n.Add(-1) == 0 && c.closing.Load() {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// call is the memory one client call lends to C: its string arguments, the
// wxface_error, the out-pointers. C writes only into fields that hold no Go
// pointer (cgo's rule is about the memory a passed pointer points to, here
// one field), keeps none of them after returning, and the call is taken
// from a pool, so a call allocates none of it: Go would move each variable
// whose address goes to C to the heap.
type call struct {
	args   cstrings
	err    C.wxface_error
	out    *C.wxface_response
	handle *C.wxface_client // the with-timeout handle of a call with a deadline
	data   *C.char          // wxface_response_texts' block
	n      C.size_t         // its size, or that of the block copied into text
	text   []byte           // where a wrapper of calls.h copies the answer's texts
	stripe uint32           // where a call made with it is counted in flight
}

var calls = sync.Pool{New: func() any { return &call{stripe: nextStripe.Add(1) % stripes} }}

// maxPooledArgs bounds the argument buffer a pooled call keeps: a rare
// long argument (a push query) is not held on to.
const maxPooledArgs = 4096

// firstText is a pooled call's first texts buffer: a 1.0 verification's
// answer takes about 500 bytes. A larger answer is read the long way once
// and the buffer grows to it, up to maxPooledText.
const (
	firstText     = 1024
	maxPooledText = 16 << 10
)

// newCall takes a call from the pool with args copied for C; release it
// once its response is read.
func newCall(args ...arg) (*call, error) {
	k := calls.Get().(*call)
	if err := k.args.set(args...); err != nil {
		k.release()
		return nil, err
	}
	return k, nil
}

func (k *call) arg(i int) *C.char { return k.args.ptr(i) }

// texts lends a wrapper of calls.h the buffer it copies the answer into
// and the size it writes back.
func (k *call) texts() (*C.char, C.size_t, *C.size_t) {
	if k.text == nil {
		k.text = make([]byte, firstText)
	}
	return (*C.char)(unsafe.Pointer(&k.text[0])), C.size_t(len(k.text)), &k.n
}

// fit grows the texts buffer for an answer of n bytes that did not fit,
// so that the next one does.
func (k *call) fit(n int) {
	if n > len(k.text) && n <= maxPooledText {
		k.text = make([]byte, n)
	}
}

func (k *call) release() {
	k.out, k.handle, k.data, k.n = nil, nil, nil, 0
	// The buffer held names and ID numbers: a pooled call keeps none of
	// them while it waits for the next caller.
	clear(k.args.buf)
	if cap(k.args.buf) > maxPooledArgs {
		k.args.buf = nil
	}
	calls.Put(k)
}

// do runs one C call on the client, counted in flight. With a context
// deadline the call runs on a handle whose per-attempt timeout is the time
// left (wxface_client_with_timeout).
func (c *Client) do(ctx context.Context, k *call, fn func(*C.wxface_client, *call) C.int32_t) error {
	if err := ctx.Err(); err != nil {
		return contextError(err)
	}
	n := c.enter(k)
	if n == nil {
		if c.closing.Load() {
			return closedError()
		}
		return notCreatedError()
	}
	defer c.leave(n)
	handle := c.ptr
	if deadline, ok := ctx.Deadline(); ok {
		ms, ok := millisUntil(deadline)
		if !ok {
			return contextError(context.DeadlineExceeded)
		}
		if err := check(C.wxface_client_with_timeout(c.ptr, ms, &k.handle, &k.err), &k.err); err != nil {
			return err
		}
		handle = k.handle
		defer C.wxface_client_free(handle)
	}
	err := check(fn(handle, k), &k.err)
	runtime.KeepAlive(c)
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) && e.Code == CodeTimeout {
		if cause := ctx.Err(); cause != nil {
			e.cause = cause
		} else if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= time.Millisecond {
			// The library may give up to 1 ms before the time it was
			// given (CHANGELOG: socket timeouts kept across calls), so
			// the deadline bounded this call though it has not passed.
			e.cause = context.DeadlineExceeded
		}
	}
	return err
}

// doConst runs a call that needs no deadline (push handling is local).
func (c *Client) doConst(k *call, fn func(*C.wxface_client, *call) C.int32_t) error {
	return c.do(context.Background(), k, fn)
}

// millisUntil is the time left until deadline in whole milliseconds,
// rounded up; false once it has passed.
func millisUntil(deadline time.Time) (C.uint32_t, bool) {
	left := time.Until(deadline)
	if left <= 0 {
		return 0, false
	}
	ms := ceilDiv(left, time.Millisecond)
	if ms > math.MaxUint32 {
		ms = math.MaxUint32
	}
	return C.uint32_t(ms), true
}

// contextError is the error of a call not made because ctx was done. A
// passed deadline is a Timeout (matching ErrTimeout and
// context.DeadlineExceeded); a cancellation has no wxface code, so it is
// ctx.Err() wrapped.
func contextError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{
			Code:     CodeTimeout,
			CodeName: CodeTimeout.String(),
			Message:  "the context's deadline passed before the call",
			cause:    err,
		}
	}
	return &contextDone{err}
}

// contextDone wraps a context error; errors.Is(err, context.Canceled) holds.
type contextDone struct{ err error }

func (e *contextDone) Error() string { return "wxface: call not made: " + e.err.Error() }
func (e *contextDone) Unwrap() error { return e.err }
