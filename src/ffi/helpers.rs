//! Offline helpers: no client, no network.

use std::ffi::c_char;

use super::error::wxface_error;
use super::{guard, utf8, write_c};
use crate::{digest, id_card, out_seq_no};

/// Bytes `wxface_out_seq_no_new` needs: 32 characters and a NUL.
pub const WXFACE_OUT_SEQ_NO_SIZE: usize = 33;

/// Normalises a resident ID number: full-width digits, lower-case x and
/// surrounding spaces are accepted; the GB 11643 checksum and the birth date
/// are checked; `out` (at least 19 bytes, yours) receives the canonical 18
/// characters and a NUL. Codes: WXFACE_OK; WXFACE_ERR_INVALID_ARGUMENT (NULL, a
/// NUL inside); WXFACE_ERR_INVALID_ENCODING (not UTF-8);
/// WXFACE_ERR_INVALID_ID_CARD (what is wrong, never the number). Offline: never
/// blocks; any thread.
#[no_mangle]
pub unsafe extern "system" fn wxface_id_card_normalize(
    id_card_number: *const c_char,
    out: *mut c_char,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: a NUL-terminated string and 19 bytes at `out` per the
        // header; each conversion checks NULL.
        unsafe {
            let id = utf8(id_card_number, "id_card_number")?;
            write_c(out, 19, &id_card::normalize(id)?, "out")
        }
    })
}

/// 1.0's `id_card_number_md5`: MD5 of the normalised number (upper-case X),
/// lower-case hex and a NUL into `out` (at least 33 bytes, yours). Codes as
/// `wxface_id_card_normalize`'s. Offline: never blocks; any thread.
#[no_mangle]
pub unsafe extern "system" fn wxface_md5_id_card_number(
    id_card_number: *const c_char,
    out: *mut c_char,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: a NUL-terminated string and 33 bytes at `out` per the
        // header; each conversion checks NULL.
        unsafe {
            let id = utf8(id_card_number, "id_card_number")?;
            write_c(out, 33, &digest::id_card_md5(id)?, "out")
        }
    })
}

/// 1.0's `name_utf8_md5`: MD5 of the name's UTF-8 bytes exactly as given,
/// lower-case hex and a NUL into `out` (at least 33 bytes, yours). Codes:
/// WXFACE_OK; WXFACE_ERR_INVALID_ARGUMENT (NULL or empty);
/// WXFACE_ERR_INVALID_ENCODING (not UTF-8). Offline: never blocks; any thread.
#[no_mangle]
pub unsafe extern "system" fn wxface_md5_name(
    name: *const c_char,
    out: *mut c_char,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: a NUL-terminated string and 33 bytes at `out` per the
        // header; each conversion checks NULL.
        unsafe { write_c(out, 33, &digest::name_md5(utf8(name, "name")?)?, "out") }
    })
}

/// 2.0's `cert_hash` of (cert_type, cert_name, cert_no) as given: SHA-256 of
/// `cert_type=B64&cert_name=B64&cert_no=B64`, lower-case hex and a NUL into
/// `out` (at least 65 bytes, yours). For IDENTITY_CARD, pass the normalised
/// number, as `wxface_v2_get_verify_id` does. Codes: WXFACE_OK;
/// WXFACE_ERR_INVALID_ARGUMENT (NULL or empty, naming it);
/// WXFACE_ERR_INVALID_ENCODING (not UTF-8). Offline: never blocks; any thread.
#[no_mangle]
pub unsafe extern "system" fn wxface_cert_hash(
    cert_type: *const c_char,
    cert_name: *const c_char,
    cert_no: *const c_char,
    out: *mut c_char,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        // SAFETY: NUL-terminated strings and 65 bytes at `out` per the
        // header; each conversion checks NULL.
        unsafe {
            let hash = digest::cert_hash(
                utf8(cert_type, "cert_type")?,
                utf8(cert_name, "cert_name")?,
                utf8(cert_no, "cert_no")?,
            )?;
            write_c(out, 65, &hash, "out")
        }
    })
}

/// A fresh 2.0 out_seq_no into `buf` (`len` at least WXFACE_OUT_SEQ_NO_SIZE,
/// 33; yours): 32 lower-case hex digits and a NUL, a UUIDv7 whose first digits
/// are the time, so values sort by creation. Unique across threads and
/// processes, no personal data; valid for `wxface_v2_get_verify_id`. Use it
/// when your system has no order number of its own; store it with the
/// verify_id. Codes: WXFACE_OK; WXFACE_ERR_INVALID_ARGUMENT (`buf` NULL, `len`
/// too small). Never blocks; any thread.
#[no_mangle]
pub unsafe extern "system" fn wxface_out_seq_no_new(
    buf: *mut c_char,
    len: usize,
    err: *mut wxface_error,
) -> i32 {
    guard(err, || {
        if len < WXFACE_OUT_SEQ_NO_SIZE {
            return Err(crate::Error::invalid_argument(
                "len",
                "must be at least WXFACE_OUT_SEQ_NO_SIZE (33)",
            ));
        }
        // SAFETY: `buf` holds `len` >= 33 bytes per the header.
        unsafe { write_c(buf, len, &out_seq_no::new(), "buf") }
    })
}
