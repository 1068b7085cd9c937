package wxface

// #include <wxface.h>
import "C"

import (
	"math"
	"runtime/cgo"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config describes a Client. Zero fields keep the library's defaults (see
// the configuration table of the top-level README); NoRetries turns retries
// off, and Extra sets any key by its name, including values that a zero
// field cannot express, such as "max_result_age_s": "0" (check off).
//
// Keys are applied in this order, a later one winning: File, the typed
// fields, then Extra in key order. Text always reaches the library as
// UTF-8 (see InputEncoding).
type Config struct {
	// File is a `key=value` file loaded first (all or nothing).
	File string

	AppID         string // appid
	Secret        string // secret
	AccessToken   string // access_token: a fixed token instead of appid/secret
	TokenEndpoint string // token_endpoint: "stable" (default) or "legacy"
	APIBase       string // api_base: scheme://host[:port] of the WeChat API
	Proxy         string // proxy: a proxy URL, or "none" to ignore the environment's
	CAFile        string // ca_file: PEM bundle trusted instead of the built-in roots

	ConnectTimeout time.Duration // connect_timeout_ms, per attempt (rounded up to ms)
	Timeout        time.Duration // timeout_ms, per attempt (rounded up to ms)
	MaxRetries     int           // max_retries for network failures and errcode -1; 0: the default
	// NoRetries makes every call a single attempt (max_retries=0); it
	// cannot be combined with a non-zero MaxRetries.
	NoRetries bool

	MaxResultAge    time.Duration // max_result_age_s for 1.0 results (rounded up to s)
	ReplayCacheSize int           // replay_cache_size
	// InputEncoding may only be "" or "utf-8": the package hands Go strings
	// to the library unchanged and tells it they are UTF-8, whatever File
	// says. GBK is for C callers (see README).
	//
	// Deprecated: leave it empty; it is kept so that programs setting it
	// to "utf-8" still compile.
	InputEncoding string
	WaitInterval  time.Duration // wait_interval_ms: V2Wait's first pause (rounded up to ms)

	PushToken   string        // push_token: the message-push Token
	PushAESKey  string        // push_aes_key: the 43-character EncodingAESKey
	PushMaxSkew time.Duration // push_max_skew_s (rounded up to s)

	// TokenProvider supplies access tokens instead of appid/secret.
	TokenProvider TokenProvider
	// ReplayStore keeps accepted verify_results in your own shared
	// database instead of memory (not together with a Redis state_store).
	ReplayStore ReplayStore
	// Logger receives PII-free log lines up to LogLevel (default info).
	Logger   Logger
	LogLevel Level

	// Audit receives an AuditRecord for each verdict, 2.0 start, push and
	// token fetch (see AuditSink).
	Audit AuditSink
	// AuditFile (audit_file) appends the same records as JSON lines; the
	// file is reopened after logrotate renames it.
	AuditFile string

	// Extra sets any other key (or overrides one above) by name.
	Extra map[string]string
}

// setting is one key=value for wxface_config_set.
type setting struct{ key, value string }

// encodingKeys say which encoding the library's text arguments are in.
var encodingKeys = map[string]bool{"input_encoding": true, "text_encoding": true}

// settings lists the keys the typed fields and Extra ask for, in order,
// or refuses a combination the library cannot be told.
func (cfg *Config) settings() ([]setting, error) {
	if cfg.NoRetries && cfg.MaxRetries != 0 {
		return nil, configError("NoRetries and MaxRetries %d both set", cfg.MaxRetries)
	}
	var out []setting
	text := func(key, v string) {
		if v != "" {
			out = append(out, setting{key, v})
		}
	}
	number := func(key string, n int64) {
		if n != 0 {
			out = append(out, setting{key, strconv.FormatInt(n, 10)})
		}
	}
	text("appid", cfg.AppID)
	text("secret", cfg.Secret)
	text("access_token", cfg.AccessToken)
	text("token_endpoint", cfg.TokenEndpoint)
	text("api_base", cfg.APIBase)
	text("proxy", cfg.Proxy)
	text("ca_file", cfg.CAFile)
	number("connect_timeout_ms", ceilDiv(cfg.ConnectTimeout, time.Millisecond))
	number("timeout_ms", ceilDiv(cfg.Timeout, time.Millisecond))
	number("max_retries", int64(cfg.MaxRetries))
	if cfg.NoRetries {
		out = append(out, setting{"max_retries", "0"})
	}
	number("max_result_age_s", ceilDiv(cfg.MaxResultAge, time.Second))
	number("replay_cache_size", int64(cfg.ReplayCacheSize))
	text("input_encoding", cfg.InputEncoding)
	number("wait_interval_ms", ceilDiv(cfg.WaitInterval, time.Millisecond))
	text("push_token", cfg.PushToken)
	text("push_aes_key", cfg.PushAESKey)
	number("push_max_skew_s", ceilDiv(cfg.PushMaxSkew, time.Second))
	text("audit_file", cfg.AuditFile)
	if cfg.LogLevel != 0 {
		out = append(out, setting{"log_level", cfg.LogLevel.String()})
	}
	keys := make([]string, 0, len(cfg.Extra))
	for k := range cfg.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, setting{k, cfg.Extra[k]})
	}
	for _, kv := range out {
		if encodingKeys[kv.key] && !isUTF8Name(kv.value) {
			return nil, configError("%s: the Go binding always passes UTF-8; GBK is for C callers", kv.key)
		}
	}
	// Last, so that a file shared with a GBK program cannot make the
	// library read Go's UTF-8 as GBK, nor answer in GBK.
	return append(out, setting{"text_encoding", "utf-8"}), nil
}

func isUTF8Name(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	return v == "utf-8" || v == "utf8"
}

// ceilDiv rounds a positive duration up to whole units, so that a small
// positive value never becomes 0 (which means "off" for some keys).
// Negative values pass through for the library to refuse.
func ceilDiv(d, unit time.Duration) int64 {
	if d <= 0 {
		return int64(d / unit)
	}
	if d > math.MaxInt64-unit {
		return int64(d / unit)
	}
	return int64((d + unit - 1) / unit)
}

// build makes a wxface_config from cfg; the caller frees it. hooks are
// registered on it and must outlive every client made from it.
func (cfg *Config) build(h *hooks) (*C.wxface_config, error) {
	c := C.wxface_config_new()
	if c == nil {
		return nil, &Error{Code: CodeInternal, CodeName: CodeInternal.String(), Message: "out of memory"}
	}
	if err := cfg.fill(c, h); err != nil {
		C.wxface_config_free(c)
		return nil, err
	}
	return c, nil
}

func (cfg *Config) fill(c *C.wxface_config, h *hooks) error {
	var cerr C.wxface_error
	if cfg.File != "" {
		s, err := toC(required("path", cfg.File))
		if err != nil {
			return err
		}
		if err := check(C.wxface_config_load_file(c, s.ptr(0), &cerr), &cerr); err != nil {
			return err
		}
	}
	settings, err := cfg.settings()
	if err != nil {
		return err
	}
	for _, kv := range settings {
		s, err := toC(required("key "+printableKey(kv.key), kv.key), required("value of "+printableKey(kv.key), kv.value))
		if err != nil {
			return err
		}
		if err := check(C.wxface_config_set(c, s.ptr(0), s.ptr(1), &cerr), &cerr); err != nil {
			return err
		}
	}
	if err := h.register(c, cfg.TokenProvider, cfg.ReplayStore, cfg.Logger); err != nil {
		return err
	}
	if cfg.Audit != nil {
		h.audit = cgo.NewHandle(cfg.Audit)
		return setAuditCallback(c, h.audit)
	}
	return nil
}

// printableKey keeps a key fit for an error message (keys are not secret,
// but one with a NUL byte or control characters should not reach a log).
func printableKey(k string) string {
	return strconv.Quote(k)
}
