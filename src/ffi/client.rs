//! `wxface_client`: made from a configuration, shared by every thread.

use std::time::Duration;

use super::config::{config_ref, wxface_config};
use super::error::wxface_error;
use super::{answer_in, guard_value, object, respond, Out};
use crate::client::Client;
use crate::error::Result;

/// A client: safe to share between threads; every call blocks, bounded by
/// the configured timeouts. Free it with `wxface_client_free` once no
/// thread uses it.
pub struct wxface_client {
    pub(crate) inner: Client,
}

impl From<Client> for wxface_client {
    fn from(inner: Client) -> wxface_client {
        wxface_client { inner }
    }
}

/// Makes a client from `cfg`, copied: later changes to `cfg` do not affect it,
/// and `cfg` may be freed at once. On WXFACE_OK `*out` is yours: free it with
/// `wxface_client_free`. Reads `ca_file`, `state_ca_file` and opens
/// `audit_file` now; no network traffic happens here (a Redis `state_store` is
/// connected on first use). Codes: WXFACE_OK; WXFACE_ERR_INVALID_ARGUMENT
/// (`cfg` or `out` NULL); WXFACE_ERR_CONFIG (no credentials, access_token
/// together with a token callback, push_aes_key without appid, a state store
/// without appid or state_key_prefix, an unreadable file).
///
/// A client is safe to share between threads: every call may run on any thread,
/// at the same time as others. Every call that reaches WeChat blocks its
/// thread, and no longer than this: each HTTP attempt at most `timeout_ms`
/// (default 15000; connecting within it at most `connect_timeout_ms`, default
/// 5000), at most 1 + `max_retries` (default 2) attempts with pauses of 50 ms
/// to 2 s between them; before it, when no valid access token is cached, a
/// token fetch bounded the same way; a token WeChat rejects mid-call (40001,
/// 40014, 41001, 42001) is refreshed and the call made once more. A verdict
/// that checks the shared replay guard waits at most `state_timeout_ms`
/// (default 1000) more for the store.
///
/// Retried: WeChat's errcode -1 (busy: WeChat did nothing), a request that
/// never reached WeChat (DNS, connection refused), and, for reads only
/// (getinfo, getimage, queryverifyinfo, stable_token), a reset connection or
/// HTTP 502, 503, 504. Never retried: a timeout (the bound you configured is
/// the bound you get), a write that may have reached WeChat (getuseridkey,
/// getverifyid, the legacy cgi-bin/token), and every other errcode. The network
/// codes are WXFACE_ERR_NETWORK, _TIMEOUT, _TLS, _HTTP, _BAD_RESPONSE, _PROXY;
/// WeChat's are WXFACE_ERR_ACCESS_TOKEN, _RATE_LIMITED, _SYSTEM_BUSY (after the
/// retries) and WXFACE_ERR_WECHAT (any other errcode, in `wechat_errcode`).
#[no_mangle]
pub unsafe extern "system" fn wxface_client_new(
    cfg: *const wxface_config,
    out: *mut *mut wxface_client,
    err: *mut wxface_error,
) -> i32 {
    respond(err, Out::required(out, "out"), || {
        // SAFETY: a live config per the header; NULL is checked.
        Client::new(unsafe { config_ref(cfg)? })
    })
}

/// A second handle on the same client (same tokens, connections, replay guard,
/// counters) whose calls wait at most `timeout_ms` per attempt, and never
/// longer than the configured `timeout_ms`: for callers with a deadline (Go
/// contexts). On WXFACE_OK `*out` is yours: free it with `wxface_client_free`.
/// The handles are independent: `c` may be freed before or after `*out` (the
/// shared state lives until the last handle is freed). Never blocks; any
/// thread. Codes: WXFACE_OK; WXFACE_ERR_INVALID_ARGUMENT (`c` or `out` NULL,
/// `timeout_ms` 0).
#[no_mangle]
pub unsafe extern "system" fn wxface_client_with_timeout(
    c: *const wxface_client,
    timeout_ms: u32,
    out: *mut *mut wxface_client,
    err: *mut wxface_error,
) -> i32 {
    respond(err, Out::required(out, "out"), || {
        // SAFETY: a live client per the header; NULL is checked.
        unsafe { client(c) }?.with_timeout(Duration::from_millis(u64::from(timeout_ms)))
    })
}

/// Frees a client handle; NULL is fine. No other thread may be using this
/// handle; other handles on the same client (`wxface_client_with_timeout`) stay
/// valid. Responses made by the client stay valid too. Never blocks on the
/// network.
#[no_mangle]
pub unsafe extern "system" fn wxface_client_free(client: *mut wxface_client) {
    // SAFETY: from wxface_client_new, freed once (header contract).
    guard_value(|| unsafe { super::free(client) })
}

/// The core client behind a required `wxface_client *`.
pub(crate) unsafe fn client<'a>(c: *const wxface_client) -> Result<&'a Client> {
    // SAFETY: forwarded contract, see `object`.
    let c = unsafe { object(c, "client") }.map(|c| &c.inner)?;
    answer_in(c.output_encoding());
    Ok(c)
}
