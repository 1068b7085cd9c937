//! `wxface_config`: keys set by name, a file loader, and the token and log
//! callbacks.

use std::ffi::{c_char, c_void, CStr};
use std::sync::Arc;
use std::time::Duration;

use zeroize::Zeroizing;

use super::error::wxface_error;
use super::{answer_encoding, answer_in, guard, guard_value, object, object_mut, utf8};
use crate::config::Config;
use crate::error::{Code, Error, Result};
use crate::log::{Level, Logger};
use crate::token::{FetchedToken, TokenProvider};

/// Configuration being built; copy it into clients with `wxface_client_new`.
/// Not safe to modify from two threads at once.
pub struct wxface_config {
    pub(crate) inner: Config,
}

/// Log level `error`, the most severe (the `level` of a
/// `wxface_log_callback`; the `log_level` key takes the names): a
/// `log_level` of `error` keeps only these. Failures themselves are
/// reported by each call's code, not by the log.
pub const WXFACE_LOG_ERROR: i32 = 1;
/// Log level `warn`: a retry, a token WeChat rejected and refreshed once,
/// a push refused.
pub const WXFACE_LOG_WARN: i32 = 2;
/// Log level `info` (the default): a client made, a push opened, one line
/// each.
pub const WXFACE_LOG_INFO: i32 = 3;
/// Log level `debug`: each attempt at WeChat and its errcode or code.
pub const WXFACE_LOG_DEBUG: i32 = 4;
/// Log level `trace`: each HTTP answer's status, size and field names,
/// never their values.
pub const WXFACE_LOG_TRACE: i32 = 5;

/// Room a token callback has for the token, NUL included.
pub const WXFACE_TOKEN_MAX: usize = 2049;

/// Supplies access tokens (e.g. from a central token server) instead of
/// appid/secret. Write the token, NUL-terminated, into `token_out`
/// (`token_out_len` = WXFACE_TOKEN_MAX bytes) and its remaining lifetime in
/// seconds into `*expires_in_s` (0 or less: until WeChat rejects it), then
/// return WXFACE_OK. `stale_token` is NULL, or the token WeChat just
/// rejected: return a different one. Any other return value fails the call
/// with WXFACE_ERR_ACCESS_TOKEN. Called from the thread making the call,
/// one call at a time per client.
pub type wxface_token_callback = Option<
    unsafe extern "system" fn(
        user_data: *mut c_void,
        stale_token: *const c_char,
        token_out: *mut c_char,
        token_out_len: usize,
        expires_in_s: *mut i64,
    ) -> i32,
>;

/// Receives PII-free log lines (names and ID numbers masked, secrets never
/// shown), in `text_encoding` (UTF-8 by default). `message` is valid only
/// during the call. Called from any thread
/// that makes a call, possibly concurrently: the callback must be thread-safe.
pub type wxface_log_callback =
    Option<unsafe extern "system" fn(user_data: *mut c_void, level: i32, message: *const c_char)>;

/// A new configuration with every default (the keys are listed at
/// `wxface_config_set`). Yours: free it with `wxface_config_free`. NULL only if
/// memory ran out. Never blocks. A configuration is used by one thread at a
/// time; clients made from it are shared freely.
#[no_mangle]
pub extern "system" fn wxface_config_new() -> *mut wxface_config {
    guard_value(|| {
        Box::into_raw(Box::new(wxface_config {
            inner: Config::new(),
        }))
    })
}

/// Sets one key; the value is text (UTF-8), trimmed and copied. Unknown
/// keys and bad values give WXFACE_ERR_CONFIG naming the key (never
/// echoing a secret); the configuration is then unchanged. Files the keys
/// name are read by `wxface_client_new`, not here. Codes: WXFACE_OK;
/// WXFACE_ERR_INVALID_ARGUMENT (a NULL argument);
/// WXFACE_ERR_INVALID_ENCODING (not UTF-8); WXFACE_ERR_CONFIG. Never
/// blocks. Not thread-safe: one thread per config.
///
/// The keys, with their defaults:
/// - `appid`, `secret`: credentials; the library fetches and caches the
///   access token (no default).
/// - `access_token`: a fixed token from elsewhere, never refreshed (none).
/// - `token_endpoint`: `stable` (/cgi-bin/stable_token) or `legacy`
///   (/cgi-bin/token, invalidates tokens held elsewhere) (`stable`).
/// - `api_base`: `scheme://host[:port]` of the WeChat API
///   (`https://api.weixin.qq.com`).
/// - `proxy`: `http://[user:pass@]host:port` or `socks5://...`; `none`
///   ignores the environment (default: `https_proxy`, `all_proxy`,
///   `no_proxy` by curl's rules; loopback is never proxied).
/// - `ca_file`: PEM bundle trusted instead of the built-in roots (none).
/// - `connect_timeout_ms` (5000), `timeout_ms` (15000): per attempt.
/// - `dns_cache_s`: how long the API host's addresses are reused; 0 looks
///   up for every new connection (60).
/// - `max_retries`: retries of failures that are safe to repeat (2).
/// - `max_result_age_s`: 1.0 results finished longer ago are rejected; 0
///   turns the check off (600).
/// - `replay_cache_size`: accepted verify_results remembered; 0 off (100000).
/// - `wait_interval_ms`: first pause of `wxface_v2_wait` (1000).
/// - `text_encoding`: `utf-8`, `gbk` or `gb18030`, both ways: the strings
///   you pass are read in it, and every string handed back is written in it
///   (`wxface_error.message`, `wxface_response_str` and `_bytes` text, log
///   callback lines); for PowerBuilder `;ansi`, Delphi 7 and VB6 on Chinese
///   Windows. A character GBK lacks comes back as `&#NNNNN;` (`utf-8`).
/// - `input_encoding`: the same for the strings you pass only; answers stay
///   UTF-8 (its meaning before `text_encoding`) (`utf-8`).
/// - `push_token`, `push_aes_key`: message-push Token and EncodingAESKey
///   (none).
/// - `push_max_skew_s`: pushes with a timestamp further from now are
///   refused; 0 off (300).
/// - `log_level`: `error`, `warn`, `info`, `debug` or `trace` (`info`).
/// - `state_store`: where accepted results and the token live: `memory`
///   (this client only), `redis://[user:password@]host:port[/db]`,
///   `rediss://...` (TLS), `redis-cluster://[user:password@]host:port,...`
///   (`rediss-cluster://` for TLS); the password is never logged (`memory`).
/// - `state_key_prefix`: prefix of every key in the store
///   (`wxface:{appid}:`).
/// - `state_timeout_ms`: connecting to the store and each answer; past it a
///   verification fails with WXFACE_ERR_STATE_STORE, never OK (1000).
/// - `state_ca_file`: PEM bundle trusted for `rediss://` (`ca_file`, else
///   the built-in roots).
/// - `audit_file`: append one JSON line per audited call (1.0 verify, 2.0
///   getverifyid, query and wait, push opened, token fetch) to this file,
///   created with mode 0640; reopened when the path stops naming the open
///   file, so logrotate's rename (and `copytruncate`) both work. Masked and
///   hashed values only. A file that cannot be opened is WXFACE_ERR_CONFIG
///   at `wxface_client_new` (none).
#[no_mangle]
pub unsafe extern "system" fn wxface_config_set(
    cfg: *mut wxface_config,
    key: *const c_char,
    value: *const c_char,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: a live config and NUL-terminated strings per the header;
        // each conversion checks NULL.
        unsafe { config(cfg)?.set(utf8(key, "key")?, utf8(value, "value")?) }
    })
}

/// Loads `key=value` lines (UTF-8, an optional BOM, `#` comments) from `path`
/// (UTF-8) with `wxface_config_set`'s rules. All or nothing: on any error,
/// naming the line, the configuration is unchanged. Only a regular file of at
/// most 1 MiB is read: a FIFO, a device or a directory is WXFACE_ERR_CONFIG at
/// once, without blocking or reading.
///
/// Blocks: reads the file (local I/O only). Codes: WXFACE_OK;
/// WXFACE_ERR_INVALID_ARGUMENT (`cfg` or `path` NULL),
/// WXFACE_ERR_INVALID_ENCODING (`path` not UTF-8), WXFACE_ERR_CONFIG (cannot be
/// read, not a regular file, too large, not UTF-8, a bad line). `path` is only
/// read during the call. Not thread-safe: one thread per config.
#[no_mangle]
pub unsafe extern "system" fn wxface_config_load_file(
    cfg: *mut wxface_config,
    path: *const c_char,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: a live config and a NUL-terminated string per the header;
        // each conversion checks NULL.
        unsafe { config(cfg)?.load_file(std::path::Path::new(utf8(path, "path")?)) }
    })
}

/// Uses `callback` for access tokens instead of appid/secret (see
/// `wxface_token_callback`); NULL removes it. `user_data` is handed back
/// unchanged and must stay valid while any client made from this configuration
/// lives. Not thread-safe: one thread per config, as for `wxface_config_set`.
/// Codes: WXFACE_OK; WXFACE_ERR_INVALID_ARGUMENT (`cfg` NULL). Never blocks.
#[no_mangle]
pub unsafe extern "system" fn wxface_config_set_token_callback(
    cfg: *mut wxface_config,
    callback: wxface_token_callback,
    user_data: *mut c_void,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: a live config per the header; NULL is checked.
        unsafe { config(cfg) }?.token_provider =
            Callback::hold(callback, user_data).map(|c| c as Arc<dyn TokenProvider>);
        Ok(())
    })
}

/// Sends log lines up to `log_level` (default info) to `callback` (see
/// `wxface_log_callback`); NULL turns logging off. `user_data` as for the token
/// callback. Not thread-safe: one thread per config, as for
/// `wxface_config_set`. Codes: WXFACE_OK; WXFACE_ERR_INVALID_ARGUMENT (`cfg`
/// NULL). Never blocks.
#[no_mangle]
pub unsafe extern "system" fn wxface_config_set_log_callback(
    cfg: *mut wxface_config,
    callback: wxface_log_callback,
    user_data: *mut c_void,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: a live config per the header; NULL is checked.
        unsafe { config(cfg) }?.logger =
            Callback::hold(callback, user_data).map(|c| c as Arc<dyn Logger>);
        Ok(())
    })
}

/// Frees a configuration; NULL is fine. Clients made from it live on (they
/// copied it). No other thread may be using `cfg`. Never blocks.
#[no_mangle]
pub unsafe extern "system" fn wxface_config_free(cfg: *mut wxface_config) {
    // SAFETY: from wxface_config_new, freed once (header contract).
    guard_value(|| unsafe { super::free(cfg) })
}

/// The core configuration behind a required `wxface_config *` to change.
pub(crate) unsafe fn config<'a>(cfg: *mut wxface_config) -> Result<&'a mut Config> {
    // SAFETY: forwarded contract, see `object_mut`.
    let cfg = unsafe { object_mut(cfg, "cfg") }.map(|c| &mut c.inner)?;
    answer_in(cfg.output_encoding);
    Ok(cfg)
}

/// The core configuration behind a required `const wxface_config *`.
pub(crate) unsafe fn config_ref<'a>(cfg: *const wxface_config) -> Result<&'a Config> {
    // SAFETY: forwarded contract, see `object`.
    let cfg = unsafe { object(cfg, "cfg") }.map(|c| &c.inner)?;
    answer_in(cfg.output_encoding);
    Ok(cfg)
}

/// The caller's opaque pointer. The header makes thread-safety of what it
/// points to the caller's promise, which is what makes these impls sound.
#[derive(Clone, Copy)]
pub(crate) struct UserData(pub(crate) *mut c_void);
// SAFETY: see the type's comment; we never dereference it.
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

/// A caller's C function with its `user_data`: what the core's token
/// provider, logger, replay store and audit sink are when set from C.
pub(crate) struct Callback<F> {
    pub(crate) f: F,
    pub(crate) user_data: UserData,
}

impl<F> Callback<F> {
    /// What a `_set_*_callback` stores: None for a NULL function.
    pub(crate) fn hold(f: Option<F>, user_data: *mut c_void) -> Option<Arc<Callback<F>>> {
        f.map(|f| {
            Arc::new(Callback {
                f,
                user_data: UserData(user_data),
            })
        })
    }
}

type TokenFn =
    unsafe extern "system" fn(*mut c_void, *const c_char, *mut c_char, usize, *mut i64) -> i32;
type LogFn = unsafe extern "system" fn(*mut c_void, i32, *const c_char);

impl TokenProvider for Callback<TokenFn> {
    fn fetch(&self, stale: Option<&str>) -> Result<FetchedToken> {
        // A NUL-terminated copy that is wiped afterwards (it is a token).
        let stale_c = stale
            .filter(|s| !s.contains('\0'))
            .map(|s| Zeroizing::new([s.as_bytes(), b"\0"].concat()));
        let stale_ptr = stale_c
            .as_ref()
            .map_or(std::ptr::null(), |s| s.as_ptr().cast::<c_char>());
        let mut buf = Zeroizing::new([0 as c_char; WXFACE_TOKEN_MAX]);
        let mut expires: i64 = 0;
        // SAFETY: the buffer holds WXFACE_TOKEN_MAX bytes as announced; the
        // callback's own safety is the caller's contract.
        let rc = unsafe {
            (self.f)(
                self.user_data.0,
                stale_ptr,
                buf.as_mut_ptr(),
                buf.len(),
                &mut expires,
            )
        };
        if rc != 0 {
            return Err(Error::new(
                Code::AccessToken,
                format!("token callback returned {rc}"),
            ));
        }
        buf[WXFACE_TOKEN_MAX - 1] = 0;
        // SAFETY: NUL-terminated by the line above at the latest.
        let token = unsafe { CStr::from_ptr(buf.as_ptr()) }
            .to_str()
            .map_err(|_| {
                Error::new(
                    Code::AccessToken,
                    "token callback wrote a token that is not UTF-8",
                )
            })?;
        if token.is_empty() {
            return Err(Error::new(
                Code::AccessToken,
                "token callback wrote an empty token",
            ));
        }
        Ok(FetchedToken {
            value: Zeroizing::new(token.to_owned()),
            expires_in: (expires > 0).then(|| Duration::from_secs(expires as u64)),
        })
    }
}

impl Logger for Callback<LogFn> {
    /// Called on the thread of the call that logs, so the line is in that
    /// call's answer encoding (`text_encoding`).
    fn log(&self, level: Level, message: &str) {
        let encoded = answer_encoding().encode(message);
        let bytes: Vec<u8> = encoded
            .iter()
            .map(|&b| if b == 0 { b'?' } else { b })
            .collect();
        let Ok(line) = std::ffi::CString::new(bytes) else {
            return;
        };
        // SAFETY: `line` outlives the call; the callback is the caller's contract.
        unsafe { (self.f)(self.user_data.0, level as i32, line.as_ptr()) }
    }
}
