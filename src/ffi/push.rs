//! Message push: the URL handshake, opening a push, and sealing one.

use std::ffi::c_char;

use super::client::{client_ref, wxface_client};
use super::error::wxface_error;
use super::response::wxface_response;
use super::{guard, need_out, put, utf8};
use crate::error::{Error, Result};
use crate::push::{Format, Mode};
use crate::response::Response;

/// The GET handshake WeChat makes when the push URL is configured: checks
/// `signature` (and the timestamp window) in `query`, the raw query string
/// received. On WXFACE_OK, answer the request with its `echostr` as is
/// (`wxface_push_url_echo` hands it to you).
#[no_mangle]
pub unsafe extern "system" fn wxface_push_check_url(
    c: *const wxface_client,
    query: *const c_char,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: NUL-terminated string per the header (NULL checked).
        let query = unsafe { utf8(query, "query") }?;
        client_ref(c)?.push_check_url(query).map(drop)
    })
}

/// `wxface_push_check_url`, and on success `*out` holds the field `echostr`
/// to send back.
#[no_mangle]
pub unsafe extern "system" fn wxface_push_url_echo(
    c: *const wxface_client,
    query: *const c_char,
    out: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        need_out(out, "out")?;
        // SAFETY: NUL-terminated string per the header (NULL checked).
        let query = unsafe { utf8(query, "query") }?;
        let echostr = client_ref(c)?.push_check_url(query)?;
        let mut r = Response::new();
        r.set_text("echostr", echostr);
        // SAFETY: `out` checked above.
        unsafe { put(out, wxface_response::from_core(&r)) };
        Ok(())
    })
}

/// Opens a push POST: `query` is the raw query string, `body` the raw body
/// (`body_len` bytes, at most 64 KiB). Checks the signature (msg_signature
/// for encrypted bodies; never `signature` alone), the timestamp window,
/// decrypts, checks the appid, and parses JSON or XML. `*event` gets every
/// field under WeChat's names (`Event`, `openid`, `out_seq_no`,
/// `verify_result`, `CreateTime`, ...). A push is a hint: call
/// `wxface_v1_verify` on its verify_result for the verdict.
#[no_mangle]
pub unsafe extern "system" fn wxface_push_open(
    c: *const wxface_client,
    query: *const c_char,
    body: *const c_char,
    body_len: usize,
    event: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        need_out(event, "event")?;
        let c = client_ref(c)?;
        // SAFETY: NUL-terminated string per the header (NULL checked).
        let query = unsafe { utf8(query, "query") }?;
        // SAFETY: `body` holds `body_len` bytes per the header (NULL checked).
        let body = unsafe { byte_slice(body, body_len, "body") }?;
        let e = c.push_open(query, body)?;
        // SAFETY: `event` checked above.
        unsafe { put(event, wxface_response::from_core(&e)) };
        Ok(())
    })
}

/// Builds a push as WeChat would send it with this client's push_token,
/// push_aes_key and appid: `format` "json" or "xml", `mode` "plain",
/// "compatible" or "safe"; `message` the plaintext (`message_len` bytes).
/// `*out` holds `query` (to append after `?`) and `body`. For a server's own
/// tests, and for the sandbox.
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
    guard(err, || {
        need_out(out, "out")?;
        let c = client_ref(c)?;
        // SAFETY: NUL-terminated strings and a sized buffer per the header.
        let (format, mode, nonce, message) = unsafe {
            (
                utf8(format, "format")?,
                utf8(mode, "mode")?,
                utf8(nonce, "nonce")?,
                byte_slice(message, message_len, "message")?,
            )
        };
        let format: Format = format.parse()?;
        let mode: Mode = mode.parse()?;
        let sealed = c.push_seal(format, mode, message, timestamp, nonce)?;
        let body = String::from_utf8(sealed.body)
            .map_err(|_| Error::invalid_argument("message", "is not UTF-8"))?;
        let mut r = Response::new();
        r.set_text("query", sealed.query);
        r.set_text("body", body);
        // SAFETY: `out` checked above.
        unsafe { put(out, wxface_response::from_core(&r)) };
        Ok(())
    })
}

unsafe fn byte_slice<'a>(p: *const c_char, len: usize, what: &str) -> Result<&'a [u8]> {
    if p.is_null() {
        return Err(Error::invalid_argument(what, "is NULL"));
    }
    // SAFETY: non-NULL; the caller promises `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) })
}
