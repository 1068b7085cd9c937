package wxface

// #include "callbacks.h"
import "C"

import (
	"runtime/cgo"
	"time"
	"unsafe"
)

// TokenProvider supplies access tokens, e.g. from a central token server,
// instead of appid/secret. stale is "" on the first call, or the token
// WeChat just rejected: return a different one. expiresIn is the token's
// remaining lifetime (0: until WeChat rejects it). A returned error, or a
// panic (recovered here), fails the call with ErrAccessToken. The library
// calls it from the goroutine making a call, one call at a time per
// client; it must not call methods of the same Client.
type TokenProvider func(stale string) (token string, expiresIn time.Duration, err error)

// ReplayStore keeps accepted verify_results in the integrator's own
// database, shared by every server, instead of the client's memory.
// Remember key (at most 200 ASCII characters: a digest under
// state_key_prefix, never the verify_result) for at least ttl, checking and
// inserting in one atomic step (an INSERT against a primary key), and
// return true if it was new, false if it was already there (a replay). A
// returned error, or a panic (recovered here), fails the verification with
// ErrStateStore: never a pass. Called from the goroutines making calls,
// possibly several at once: it must be safe for concurrent use.
type ReplayStore func(key string, ttl time.Duration) (isNew bool, err error)

// Return values of wxfaceGoToken that are not WXFACE_OK; the library reports
// any of them as "token callback returned N" under WXFACE_ERR_ACCESS_TOKEN.
const (
	tokenProviderFailed   = 1 // the provider returned an error
	tokenProviderPanicked = 2 // the provider panicked
	tokenUnfit            = 3 // empty, too long, or holding a NUL byte
	tokenNoProvider       = 4 // the handle is gone (cannot happen while a client lives)
)

// hooks are the Go callbacks one Client's configuration refers to. They
// live until the Client is freed (the C library may call them until then).
type hooks struct {
	token, replay, log, audit cgo.Handle
}

func (h *hooks) register(c *C.wxface_config, tp TokenProvider, rs ReplayStore, lg Logger) error {
	var cerr C.wxface_error
	if tp != nil {
		h.token = cgo.NewHandle(tp)
		if err := check(C.wxface_go_set_token_callback(c, C.uintptr_t(h.token), &cerr), &cerr); err != nil {
			return err
		}
	}
	if rs != nil {
		h.replay = cgo.NewHandle(rs)
		if err := check(C.wxface_go_set_replay_callback(c, C.uintptr_t(h.replay), &cerr), &cerr); err != nil {
			return err
		}
	}
	if lg != nil {
		h.log = cgo.NewHandle(lg)
		if err := check(C.wxface_go_set_log_callback(c, C.uintptr_t(h.log), &cerr), &cerr); err != nil {
			return err
		}
	}
	return nil
}

// release drops the handles; call it only once no C client uses them.
func (h *hooks) release() {
	if h.token != 0 {
		h.token.Delete()
		h.token = 0
	}
	if h.replay != 0 {
		h.replay.Delete()
		h.replay = 0
	}
	if h.log != 0 {
		h.log.Delete()
		h.log = 0
	}
	if h.audit != 0 {
		h.audit.Delete()
		h.audit = 0
	}
}

//export wxfaceGoToken
func wxfaceGoToken(handle C.uintptr_t, stale *C.char, out *C.char, outLen C.size_t, expiresIn *C.int64_t) (rc C.int32_t) {
	defer func() {
		if recover() != nil {
			rc = tokenProviderPanicked
		}
	}()
	tp, ok := cgo.Handle(handle).Value().(TokenProvider)
	if !ok {
		return tokenNoProvider
	}
	var staleToken string
	if stale != nil {
		staleToken = C.GoString(stale)
	}
	token, ttl, err := tp(staleToken)
	if err != nil {
		return tokenProviderFailed
	}
	if token == "" || uint64(len(token)) >= uint64(outLen) {
		return tokenUnfit
	}
	// SAFETY (of the view): the library hands a buffer of outLen bytes.
	buf := unsafe.Slice((*byte)(unsafe.Pointer(out)), int(outLen))
	for i := 0; i < len(token); i++ {
		if token[i] == 0 {
			return tokenUnfit
		}
		buf[i] = token[i]
	}
	buf[len(token)] = 0
	*expiresIn = C.int64_t(ttl / time.Second)
	return C.WXFACE_OK
}

// replayFailed is neither WXFACE_REPLAY_NEW nor WXFACE_REPLAY_SEEN: the
// library turns it into ErrStateStore.
const replayFailed = 0

//export wxfaceGoReplay
func wxfaceGoReplay(handle C.uintptr_t, key *C.char, ttlS C.int64_t) (rc C.int32_t) {
	defer func() {
		if recover() != nil {
			rc = replayFailed
		}
	}()
	rs, ok := cgo.Handle(handle).Value().(ReplayStore)
	if !ok || key == nil {
		return replayFailed
	}
	isNew, err := rs(C.GoString(key), time.Duration(ttlS)*time.Second)
	switch {
	case err != nil:
		return replayFailed
	case isNew:
		return C.WXFACE_REPLAY_NEW
	default:
		return C.WXFACE_REPLAY_SEEN
	}
}

//export wxfaceGoLog
func wxfaceGoLog(handle C.uintptr_t, level C.int32_t, message *C.char) {
	// A logger's panic must not unwind into the library's frames.
	defer func() { _ = recover() }()
	if lg, ok := cgo.Handle(handle).Value().(Logger); ok {
		lg(Level(level), C.GoString(message))
	}
}
