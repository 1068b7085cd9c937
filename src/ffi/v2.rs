//! The 2.0 calls.

use std::ffi::c_char;
use std::time::Duration;

use super::client::{client, wxface_client};
use super::error::wxface_error;
use super::response::wxface_response;
use super::{guard_value, respond, text, Out};
use crate::wait::Cancel;

/// Starts a 2.0 verification (getverifyid) for the mini-program user `openid`,
/// with cert_type IDENTITY_CARD and the normalised number. On WXFACE_OK `*out`
/// (yours: `wxface_response_free`) holds `verify_id` (for
/// `wx.requestFacialVerify`), `expires_in`, `expires_at` (Unix seconds) and
/// `cert_hash`: keep verify_id, out_seq_no, openid and cert_hash for
/// `wxface_v2_query`; the raw name and number are no longer needed.
///
/// `out_seq_no` must be 5 to 32 characters of `0-9 A-Z a-z _ -`, never used
/// before with this appid (`wxface_out_seq_no_new` makes one); any other is
/// WXFACE_ERR_INVALID_ARGUMENT before a request. Strings are read in the
/// client's input encoding (`text_encoding`) during the call only; a NULL,
/// empty or over-long argument is WXFACE_ERR_INVALID_ARGUMENT naming it, before
/// any request.
///
/// Blocks: a network call (see `wxface_client_new`): at most 1 + `max_retries`
/// attempts of at most `timeout_ms` each (defaults: 3 x 15 s), after an
/// access-token fetch bounded the same way when no valid token is cached. A
/// write: never resent once it may have reached WeChat. Codes: WXFACE_OK;
/// WXFACE_ERR_INVALID_ARGUMENT, _INVALID_ENCODING, _INVALID_ID_CARD; the
/// network codes; WeChat's codes; WXFACE_ERR_OUT_SEQ_NO_USED (84019),
/// WXFACE_ERR_FIELD_REJECTED (84010-84016, 40003 unknown openid; the message
/// names the field). Any thread, concurrently.
#[no_mangle]
pub unsafe extern "system" fn wxface_v2_get_verify_id(
    c: *mut wxface_client,
    out_seq_no: *const c_char,
    openid: *const c_char,
    name: *const c_char,
    id_card_number: *const c_char,
    out: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    respond(err, Out::required(out, "out"), || {
        // SAFETY: a live client and NUL-terminated strings per the header;
        // each conversion checks NULL.
        unsafe {
            let c = client(c)?;
            let enc = c.input_encoding();
            c.v2_get_verify_id(
                &text(out_seq_no, "out_seq_no", enc)?,
                &text(openid, "openid", enc)?,
                &text(name, "name", enc)?,
                &text(id_card_number, "id_card_number", enc)?,
            )
        }
    })
}

/// The 2.0 verdict (queryverifyinfo): WXFACE_OK only if WeChat answered errcode
/// 0 and verify_ret 10000. verify_ret 10300 (not completed) or 10005 (still
/// checking): WXFACE_ERR_PENDING, ask again later (`wxface_v2_wait`). Any other
/// verify_ret: WXFACE_ERR_NOT_PASSED with `verify_ret` and its meaning in the
/// message. `out` may be NULL; if not, on WXFACE_OK `*out` (yours:
/// `wxface_response_free`) holds WeChat's fields. out_seq_no is checked like
/// getverifyid's and cert_hash must be 64 hex digits, before a request. Strings
/// are read in the client's input encoding (`text_encoding`) during the call
/// only; a NULL, empty or over-long argument is WXFACE_ERR_INVALID_ARGUMENT
/// naming it, before any request.
///
/// Blocks: a network call (see `wxface_client_new`): at most 1 + `max_retries`
/// attempts of at most `timeout_ms` each (defaults: 3 x 15 s), after an
/// access-token fetch bounded the same way when no valid token is cached. A
/// read: resent after a reset or HTTP 502-504. Codes: WXFACE_OK;
/// WXFACE_ERR_INVALID_ARGUMENT, _INVALID_ENCODING; the network codes; WeChat's
/// codes; WXFACE_ERR_PENDING, _NOT_PASSED; WeChat's checks against getverifyid:
/// WXFACE_ERR_OUT_SEQ_NO_MISMATCH (84020), _OPENID_MISMATCH (84017),
/// _CERT_HASH_MISMATCH (84018), _VERIFY_ID_EXPIRED (84022), _OUT_SEQ_NO_USED
/// (84019), _FIELD_REJECTED (84010, 84016, 84021). Any thread, concurrently.
#[no_mangle]
pub unsafe extern "system" fn wxface_v2_query(
    c: *mut wxface_client,
    verify_id: *const c_char,
    out_seq_no: *const c_char,
    openid: *const c_char,
    cert_hash: *const c_char,
    out: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    respond(err, Out::optional(out), || {
        // SAFETY: a live client and NUL-terminated strings per the header;
        // each conversion checks NULL.
        unsafe {
            let c = client(c)?;
            let enc = c.input_encoding();
            c.v2_query(
                &text(verify_id, "verify_id", enc)?,
                &text(out_seq_no, "out_seq_no", enc)?,
                &text(openid, "openid", enc)?,
                &text(cert_hash, "cert_hash", enc)?,
            )
        }
    })
}

/// Lets one thread end another's `wxface_v2_wait` early. Safe to share
/// between threads; free it with `wxface_cancel_free` once no wait uses it.
pub struct wxface_cancel {
    inner: Cancel,
}

/// A new cancel token for `wxface_v2_wait`, not fired. Yours: free it with
/// `wxface_cancel_free` once no wait uses it. NULL only if memory ran out.
/// Never blocks.
#[no_mangle]
pub extern "system" fn wxface_cancel_new() -> *mut wxface_cancel {
    guard_value(|| {
        Box::into_raw(Box::new(wxface_cancel {
            inner: Cancel::new(),
        }))
    })
}

/// Fires the token: every `wxface_v2_wait` using it returns WXFACE_ERR_PENDING
/// at once (after the query in flight, if any), and later ones after their
/// first query. NULL is ignored. Never blocks for long; any thread,
/// concurrently.
#[no_mangle]
pub unsafe extern "system" fn wxface_cancel_fire(cancel: *const wxface_cancel) {
    guard_value(|| {
        // SAFETY: NULL or a live token from wxface_cancel_new (header contract).
        if let Some(c) = unsafe { cancel.as_ref() } {
            c.inner.fire();
        }
    })
}

/// Frees a cancel token; NULL is fine. No wait may be using it. Never blocks.
#[no_mangle]
pub unsafe extern "system" fn wxface_cancel_free(cancel: *mut wxface_cancel) {
    // SAFETY: from wxface_cancel_new, freed once (header contract).
    guard_value(|| unsafe { super::free(cancel) })
}

/// `wxface_v2_query`, asked again while the answer is WXFACE_ERR_PENDING: the
/// first pause is `wait_interval_ms` (default 1000), then each doubles up to 8
/// times it. Returns the first answer that is not PENDING, exactly as
/// `wxface_v2_query` would; WXFACE_ERR_PENDING with the last `verify_ret` if
/// the deadline came or `cancel` (may be NULL) fired first;
/// WXFACE_ERR_VERIFY_ID_EXPIRED if the verify_id's life ends before another
/// query could be made. `out` may be NULL; if not, on WXFACE_OK `*out` (yours:
/// `wxface_response_free`) holds WeChat's fields. Strings are read in the
/// client's input encoding (`text_encoding`) during the call only; a NULL,
/// empty or over-long argument is WXFACE_ERR_INVALID_ARGUMENT naming it, before
/// any request.
///
/// Blocks at most `timeout_ms` (at least 1; 0 is WXFACE_ERR_INVALID_ARGUMENT),
/// and never past the end of the verify_id's life when this client made its
/// getverifyid call (from `expires_in`): no query, retry or pause runs past
/// either bound (each query's timeout is cut to the time left; a retry that
/// could not finish is not started). A verify_id from another process or client
/// is capped by `timeout_ms` alone: pass at most `expires_at` minus now. Codes:
/// those of `wxface_v2_query`. Any thread, concurrently; another thread ends it
/// early with `wxface_cancel_fire`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn wxface_v2_wait(
    c: *mut wxface_client,
    verify_id: *const c_char,
    out_seq_no: *const c_char,
    openid: *const c_char,
    cert_hash: *const c_char,
    timeout_ms: u32,
    cancel: *const wxface_cancel,
    out: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    respond(err, Out::optional(out), || {
        // SAFETY: a live client, NULL or a live cancel token, and
        // NUL-terminated strings per the header; each conversion checks NULL.
        unsafe {
            let c = client(c)?;
            let enc = c.input_encoding();
            c.v2_wait(
                &text(verify_id, "verify_id", enc)?,
                &text(out_seq_no, "out_seq_no", enc)?,
                &text(openid, "openid", enc)?,
                &text(cert_hash, "cert_hash", enc)?,
                Duration::from_millis(u64::from(timeout_ms)),
                cancel.as_ref().map(|c| &c.inner),
            )
        }
    })
}
