//! Message push: the URL handshake, opening a push, and sealing one.

use std::ffi::c_char;

use super::client::{client, wxface_client};
use super::error::wxface_error;
use super::response::wxface_response;
use super::{guard, respond, sized, utf8, Out};
use crate::response::Response;

/// The GET handshake WeChat makes when the push URL is configured: checks
/// `signature` (and the timestamp window, `push_max_skew_s`) in `query`, the
/// raw query string received (UTF-8). On WXFACE_OK, answer the request with its
/// `echostr` as is (`wxface_push_url_echo` hands it to you). Codes: WXFACE_OK;
/// WXFACE_ERR_INVALID_ARGUMENT, _INVALID_ENCODING; WXFACE_ERR_CONFIG (no
/// `push_token`); WXFACE_ERR_PUSH_SIGNATURE, _PUSH_STALE, _PUSH_TOO_LARGE. CPU
/// only: never blocks; any thread, concurrently. `query` and `body` are read
/// during the call only.
#[no_mangle]
pub unsafe extern "system" fn wxface_push_check_url(
    c: *const wxface_client,
    query: *const c_char,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: a live client and a NUL-terminated string per the header;
        // each conversion checks NULL.
        unsafe { client(c)?.push_check_url(utf8(query, "query")?) }.map(drop)
    })
}

/// `wxface_push_check_url`, and on WXFACE_OK `*out` (yours:
/// `wxface_response_free`) holds the field `echostr` to send back. Codes as
/// `wxface_push_check_url`'s. CPU only: never blocks; any thread, concurrently.
/// `query` and `body` are read during the call only.
#[no_mangle]
pub unsafe extern "system" fn wxface_push_url_echo(
    c: *const wxface_client,
    query: *const c_char,
    out: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    respond(err, Out::required(out, "out"), || {
        // SAFETY: a live client and a NUL-terminated string per the header;
        // each conversion checks NULL.
        let echostr = unsafe { client(c)?.push_check_url(utf8(query, "query")?) }?;
        let mut r = Response::new();
        r.set_text("echostr", echostr);
        Ok(r)
    })
}

/// Opens a push POST: `query` is the raw query string, `body` the raw body
/// (`body_len` bytes, at most 64 KiB). Checks the signature (msg_signature for
/// encrypted bodies; never `signature` alone once `push_aes_key` is set), the
/// timestamp window (`push_max_skew_s`), decrypts, checks the appid, and parses
/// JSON or XML (DTDs refused). On WXFACE_OK `*event` (yours:
/// `wxface_response_free`) holds every field under WeChat's names (`Event`,
/// `openid`, `out_seq_no`, `verify_result`, `CreateTime`, ...). A push is a
/// hint: call `wxface_v1_verify` on its verify_result for the verdict. Codes:
/// WXFACE_OK; WXFACE_ERR_INVALID_ARGUMENT, _INVALID_ENCODING; WXFACE_ERR_CONFIG
/// (no `push_token`); WXFACE_ERR_PUSH_SIGNATURE, _PUSH_DECRYPT, _PUSH_APPID,
/// _PUSH_FORMAT, _PUSH_STALE, _PUSH_TOO_LARGE. CPU only: never blocks; any
/// thread, concurrently. `query` and `body` are read during the call only.
#[no_mangle]
pub unsafe extern "system" fn wxface_push_open(
    c: *const wxface_client,
    query: *const c_char,
    body: *const c_char,
    body_len: usize,
    event: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    respond(err, Out::required(event, "event"), || {
        // SAFETY: a live client, a NUL-terminated string and `body_len`
        // bytes at `body` per the header; each conversion checks NULL.
        unsafe { client(c)?.push_open(utf8(query, "query")?, sized(body, body_len, "body")?) }
    })
}

/// Builds a push as WeChat would send it with this client's push_token,
/// push_aes_key and appid: `format` "json" or "xml", `mode` "plain",
/// "compatible" or "safe"; `message` the plaintext (`message_len` bytes,
/// UTF-8). On WXFACE_OK `*out` (yours: `wxface_response_free`) holds `query`
/// (to append after `?`) and `body`. For a server's own tests, and for the
/// sandbox. Codes: WXFACE_OK; WXFACE_ERR_INVALID_ARGUMENT (NULL, an unknown
/// format or mode, an empty nonce, a message that is not UTF-8 or, in
/// compatible mode, does not parse); WXFACE_ERR_CONFIG (no `push_token`, or
/// safe/compatible mode without `push_aes_key`). CPU only: never blocks; any
/// thread, concurrently.
#[no_mangle]
pub unsafe extern "system" fn wxface_push_seal(
    c: *const wxface_client,
    format: *const c_char,
    mode: *const c_char,
    message: *const c_char,
    message_len: usize,
    timestamp: i64,
    nonce: *const c_char,
    out: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    respond(err, Out::required(out, "out"), || {
        // SAFETY: a live client, NUL-terminated strings and `message_len`
        // bytes at `message` per the header; each conversion checks NULL.
        unsafe {
            client(c)?.push_seal(
                utf8(format, "format")?.parse()?,
                utf8(mode, "mode")?.parse()?,
                sized(message, message_len, "message")?,
                timestamp,
                utf8(nonce, "nonce")?,
            )
        }?
        .into_response()
    })
}
