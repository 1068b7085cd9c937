//! The 1.0 calls.

use std::ffi::c_char;

use super::client::{client, wxface_client};
use super::error::wxface_error;
use super::response::wxface_response;
use super::{opt_text, respond, text, Out};
use crate::v1::Expected;

/// Registers the person to verify (getuseridkey). On WXFACE_OK `*out` (yours:
/// `wxface_response_free`) holds `user_id_key` and `expires_in`; give
/// user_id_key to the mini program's `wx.startFacialRecognitionVerify`.
/// `out_seq_no` may be NULL; when given, WeChat pushes a face_identify event.
/// The name's middle-dot look-alikes are sent as U+00B7 and the ID number
/// normalised. Strings are read in the client's input encoding
/// (`text_encoding`) during the call only; a NULL, empty or over-long argument
/// is WXFACE_ERR_INVALID_ARGUMENT naming it, before any request.
///
/// Blocks: a network call (see `wxface_client_new`): at most 1 + `max_retries`
/// attempts of at most `timeout_ms` each (defaults: 3 x 15 s), after an
/// access-token fetch bounded the same way when no valid token is cached. A
/// write: never resent once it may have reached WeChat. Codes: WXFACE_OK;
/// WXFACE_ERR_INVALID_ARGUMENT, _INVALID_ENCODING, _INVALID_ID_CARD; the
/// network codes; WeChat's codes; WXFACE_ERR_FIELD_REJECTED (84006). Any
/// thread, concurrently.
#[no_mangle]
pub unsafe extern "system" fn wxface_v1_get_user_id_key(
    c: *mut wxface_client,
    name: *const c_char,
    id_card_number: *const c_char,
    out_seq_no: *const c_char,
    out: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    respond(err, Out::required(out, "out"), || {
        // SAFETY: a live client and NUL-terminated strings per the header;
        // each conversion checks NULL.
        unsafe {
            let c = client(c)?;
            let enc = c.input_encoding();
            c.v1_get_user_id_key(
                &text(name, "name", enc)?,
                &text(id_card_number, "id_card_number", enc)?,
                opt_text(out_seq_no, "out_seq_no", enc)?.as_deref(),
            )
        }
    })
}

/// WeChat's record of a verification (getinfo), NOT judged: WXFACE_OK means
/// only that WeChat answered errcode 0; use `wxface_v1_verify` for a verdict.
/// On WXFACE_OK `*out` (yours: `wxface_response_free`) holds WeChat's fields.
/// Strings are read in the client's input encoding (`text_encoding`) during the
/// call only; a NULL, empty or over-long argument is
/// WXFACE_ERR_INVALID_ARGUMENT naming it, before any request.
///
/// Blocks: a network call (see `wxface_client_new`): at most 1 + `max_retries`
/// attempts of at most `timeout_ms` each (defaults: 3 x 15 s), after an
/// access-token fetch bounded the same way when no valid token is cached. A
/// read: resent after a reset or HTTP 502-504. Codes: WXFACE_OK;
/// WXFACE_ERR_INVALID_ARGUMENT, _INVALID_ENCODING; the network codes; WeChat's
/// codes; WXFACE_ERR_VERIFY_RESULT_INVALID (84001), _VERIFY_RESULT_EXPIRED
/// (84002), _USER_INFO_NOT_FOUND (84003). Any thread, concurrently.
#[no_mangle]
pub unsafe extern "system" fn wxface_v1_get_info(
    c: *mut wxface_client,
    verify_result: *const c_char,
    out: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    respond(err, Out::required(out, "out"), || {
        // SAFETY: a live client and a NUL-terminated string per the header;
        // each conversion checks NULL.
        unsafe {
            let c = client(c)?;
            c.v1_get_info(&text(verify_result, "verify_result", c.input_encoding())?)
        }
    })
}

/// The 1.0 verdict: WXFACE_OK only if WeChat answered errcode 0 and
/// identify_ret 0; the ID and name MD5s are those of the expected person (ID
/// normalised, X upper case); user_id_key and openid equal the expected ones
/// when given (non-NULL); finish_time is within `max_result_age_s`; and no
/// client sharing this replay guard (`state_store`) has accepted this
/// verify_result before. Each failed check has its own code. `out` may be NULL;
/// if not, on WXFACE_OK `*out` (yours: `wxface_response_free`) holds getinfo's
/// fields.
///
/// Every field the verdict reads must have WeChat's exact JSON type (`errcode:
/// 84001.0` or `identify_ret: "0"` is WXFACE_ERR_BAD_RESPONSE), and an answer
/// holding a member twice is WXFACE_ERR_BAD_RESPONSE. `verify_result` is
/// trimmed before WeChat and the replay check see it (whitespace inside is
/// WXFACE_ERR_INVALID_ARGUMENT). In `name`, look-alikes of the middle dot
/// U+00B7 (README, Reliability) are read as U+00B7. Strings are read in the
/// client's input encoding (`text_encoding`) during the call only; a NULL,
/// empty or over-long argument is WXFACE_ERR_INVALID_ARGUMENT naming it, before
/// any request.
///
/// Blocks: a network call (see `wxface_client_new`): at most 1 + `max_retries`
/// attempts of at most `timeout_ms` each (defaults: 3 x 15 s), after an
/// access-token fetch bounded the same way when no valid token is cached. Then
/// the replay check, at most `state_timeout_ms` with a shared store. getinfo is
/// a read: resent after a reset or HTTP 502-504. Codes: WXFACE_OK;
/// WXFACE_ERR_INVALID_ARGUMENT, _INVALID_ENCODING, _INVALID_ID_CARD; the
/// network codes; WeChat's codes; WXFACE_ERR_VERIFY_RESULT_INVALID,
/// _VERIFY_RESULT_EXPIRED, _USER_INFO_NOT_FOUND; the verdicts
/// WXFACE_ERR_NOT_PASSED (identify_ret in `verify_ret`), _PENDING (10005),
/// _ID_MISMATCH, _NAME_MISMATCH, _USER_ID_KEY_MISMATCH, _OPENID_MISMATCH,
/// _STALE_RESULT, _REPLAYED; WXFACE_ERR_STATE_STORE (never OK without the
/// store's answer). Any thread, concurrently.
#[no_mangle]
pub unsafe extern "system" fn wxface_v1_verify(
    c: *mut wxface_client,
    verify_result: *const c_char,
    name: *const c_char,
    id_card_number: *const c_char,
    user_id_key: *const c_char,
    openid: *const c_char,
    out: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    respond(err, Out::optional(out), || {
        // SAFETY: a live client and NUL-terminated strings per the header;
        // each conversion checks NULL.
        unsafe {
            let c = client(c)?;
            let enc = c.input_encoding();
            c.v1_verify(
                &text(verify_result, "verify_result", enc)?,
                &Expected {
                    name: &text(name, "name", enc)?,
                    id_card_number: &text(id_card_number, "id_card_number", enc)?,
                    user_id_key: opt_text(user_id_key, "user_id_key", enc)?.as_deref(),
                    openid: opt_text(openid, "openid", enc)?.as_deref(),
                },
            )
        }
    })
}

/// The photo taken during a 1.0 verification (getimage): on WXFACE_OK `*out`
/// (yours: `wxface_response_free`) holds `image` (read it with
/// `wxface_response_bytes`; at most 8 MiB) and `content_type`. A JSON answer
/// from WeChat is its error code. 1.0 only: WeChat documents no getimage for
/// 2.0. The photo is biometric data: store it only where the law allows, never
/// in logs. Strings are read in the client's input encoding (`text_encoding`)
/// during the call only; a NULL, empty or over-long argument is
/// WXFACE_ERR_INVALID_ARGUMENT naming it, before any request.
///
/// Blocks: a network call (see `wxface_client_new`): at most 1 + `max_retries`
/// attempts of at most `timeout_ms` each (defaults: 3 x 15 s), after an
/// access-token fetch bounded the same way when no valid token is cached. A
/// read: resent after a reset or HTTP 502-504. Codes as `wxface_v1_get_info`'s.
/// Any thread, concurrently.
#[no_mangle]
pub unsafe extern "system" fn wxface_v1_get_image(
    c: *mut wxface_client,
    verify_result: *const c_char,
    out: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    respond(err, Out::required(out, "out"), || {
        // SAFETY: a live client and a NUL-terminated string per the header;
        // each conversion checks NULL.
        unsafe {
            let c = client(c)?;
            c.v1_get_image(&text(verify_result, "verify_result", c.input_encoding())?)
        }
    })
}
