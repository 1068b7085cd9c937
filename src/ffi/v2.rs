//! The 2.0 calls.

use std::ffi::c_char;

use super::client::{client_ref, wxface_client};
use super::error::wxface_error;
use super::response::wxface_response;
use super::{guard, need_out, put, texts};

/// Starts a 2.0 verification (getverifyid) for the mini-program user
/// `openid`, with cert_type IDENTITY_CARD and the normalised number. `*out`
/// holds `verify_id` (for `wx.requestFacialVerify`), `expires_in` and
/// `cert_hash`: keep verify_id, out_seq_no, openid and cert_hash for
/// `wxface_v2_query`; the raw name and number are no longer needed.
#[no_mangle]
pub unsafe extern "C" fn wxface_v2_get_verify_id(
    c: *mut wxface_client,
    out_seq_no: *const c_char,
    openid: *const c_char,
    name: *const c_char,
    id_card_number: *const c_char,
    out: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        let c = client_ref(c)?;
        need_out(out, "out")?;
        let enc = c.input_encoding();
        // SAFETY: NUL-terminated strings per the header (NULL checked).
        let [seq, openid, name, id] = unsafe {
            texts(
                [
                    (out_seq_no, "out_seq_no"),
                    (openid, "openid"),
                    (name, "name"),
                    (id_card_number, "id_card_number"),
                ],
                enc,
            )
        }?;
        let r = c.v2_get_verify_id(&seq, &openid, &name, &id)?;
        // SAFETY: `out` checked above.
        unsafe { put(out, wxface_response::from_core(&r)) };
        Ok(())
    })
}

/// The 2.0 verdict (queryverifyinfo): WXFACE_OK only if WeChat answered
/// errcode 0 and verify_ret 10000; WXFACE_ERR_NOT_PASSED with `verify_ret`
/// otherwise. WeChat checks cert_hash and openid against getverifyid's and
/// answers a mismatch with an errcode. `out` may be NULL.
#[no_mangle]
pub unsafe extern "C" fn wxface_v2_query(
    c: *mut wxface_client,
    verify_id: *const c_char,
    out_seq_no: *const c_char,
    openid: *const c_char,
    cert_hash: *const c_char,
    out: *mut *mut wxface_response,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        let c = client_ref(c)?;
        let enc = c.input_encoding();
        // SAFETY: NUL-terminated strings per the header (NULL checked).
        let [vid, seq, openid, hash] = unsafe {
            texts(
                [
                    (verify_id, "verify_id"),
                    (out_seq_no, "out_seq_no"),
                    (openid, "openid"),
                    (cert_hash, "cert_hash"),
                ],
                enc,
            )
        }?;
        let r = c.v2_query(&vid, &seq, &openid, &hash)?;
        if !out.is_null() {
            // SAFETY: non-NULL out-pointer from the caller.
            unsafe { put(out, wxface_response::from_core(&r)) };
        }
        Ok(())
    })
}
