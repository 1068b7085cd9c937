//! Result codes and the caller-owned error struct.

use std::ffi::c_char;

use super::guard_value;
use crate::error::{Code, Error};
use crate::text::TextEncoding;

/// Details of a failure, owned by the caller (stack or heap); nothing to free.
/// Pass NULL if you only need the return code. On success it is cleared.
#[repr(C)]
pub struct wxface_error {
    /// Same as the function's return value.
    pub code: i32,
    /// WeChat's errcode when it sent one, else 0.
    pub wechat_errcode: i32,
    /// identify_ret (1.0) or verify_ret (2.0) when the result was judged, else 0.
    pub verify_ret: i32,
    /// HTTP status when a response was received, else 0.
    pub http_status: i32,
    /// NUL-terminated English, in `text_encoding` (UTF-8 by default).
    /// Never contains a full name, ID number, secret, token,
    /// EncodingAESKey or verify_result.
    pub message: [c_char; 512],
}

/// Success.
pub const WXFACE_OK: i32 = 0;
/// A required argument is NULL, empty, too long or out of range.
pub const WXFACE_ERR_INVALID_ARGUMENT: i32 = 1;
/// A string is not valid UTF-8 (or the configured `text_encoding`/`input_encoding`).
pub const WXFACE_ERR_INVALID_ENCODING: i32 = 2;
/// Not a valid resident ID number: length, characters, checksum or birth date.
pub const WXFACE_ERR_INVALID_ID_CARD: i32 = 3;
/// Unknown configuration key, bad value, or missing credentials.
pub const WXFACE_ERR_CONFIG: i32 = 4;
/// The response has no such field.
pub const WXFACE_ERR_NOT_FOUND: i32 = 5;
/// WeChat refused a request field (84010-84016, 84021, 40003; 1.0: 84006); the message names the field.
pub const WXFACE_ERR_FIELD_REJECTED: i32 = 6;
/// Could not reach WeChat: DNS, connect, reset. Retry later.
pub const WXFACE_ERR_NETWORK: i32 = 10;
/// No answer within `timeout_ms` (per attempt; timeouts are not retried).
pub const WXFACE_ERR_TIMEOUT: i32 = 11;
/// TLS handshake failed or the certificate is not trusted (see `ca_file`).
pub const WXFACE_ERR_TLS: i32 = 12;
/// An HTTP error status from WeChat or a gateway; see `http_status`.
pub const WXFACE_ERR_HTTP: i32 = 13;
/// Not WeChat's JSON: empty, truncated, HTML, over 1 MiB, or missing a field.
pub const WXFACE_ERR_BAD_RESPONSE: i32 = 14;
/// The proxy refused the connection or the credentials.
pub const WXFACE_ERR_PROXY: i32 = 15;
/// The shared state store (`state_store` Redis, or the replay callback) did
/// not answer within `state_timeout_ms`, refused the credentials, or the
/// callback reported an error. A verdict is never OK then; retry later.
pub const WXFACE_ERR_STATE_STORE: i32 = 16;
/// WeChat answered with an errcode not listed below; see `wechat_errcode`.
pub const WXFACE_ERR_WECHAT: i32 = 20;
/// No valid access token (wrong appid or secret, IP whitelist, token errors after one refresh, callback failure).
pub const WXFACE_ERR_ACCESS_TOKEN: i32 = 21;
/// WeChat quota or rate limit (45009, 45011).
pub const WXFACE_ERR_RATE_LIMITED: i32 = 22;
/// WeChat busy (-1) after `max_retries` retries.
pub const WXFACE_ERR_SYSTEM_BUSY: i32 = 23;
/// 84001: WeChat does not know this verify_result (wrong or forged).
pub const WXFACE_ERR_VERIFY_RESULT_INVALID: i32 = 24;
/// 84002: the verify_result has expired; let the user verify again.
pub const WXFACE_ERR_VERIFY_RESULT_EXPIRED: i32 = 25;
/// 84003: WeChat has no user info for this verification.
pub const WXFACE_ERR_USER_INFO_NOT_FOUND: i32 = 26;
/// 84022: the verify_id has expired (it lives one hour); the user must start again.
pub const WXFACE_ERR_VERIFY_ID_EXPIRED: i32 = 27;
/// 84019: the out_seq_no was already used; start again with a new one.
pub const WXFACE_ERR_OUT_SEQ_NO_USED: i32 = 28;
/// The face verification did not pass; see `verify_ret` (the message names the reason).
pub const WXFACE_ERR_NOT_PASSED: i32 = 30;
/// The verified ID number is not the expected one.
pub const WXFACE_ERR_ID_MISMATCH: i32 = 31;
/// The verified name is not the expected one.
pub const WXFACE_ERR_NAME_MISMATCH: i32 = 32;
/// The verification was started with another user_id_key.
pub const WXFACE_ERR_USER_ID_KEY_MISMATCH: i32 = 33;
/// The verification was done by another WeChat user (openid); 2.0: 84017, the openid is not getverifyid's.
pub const WXFACE_ERR_OPENID_MISMATCH: i32 = 34;
/// The verification finished longer ago than `max_result_age_s`.
pub const WXFACE_ERR_STALE_RESULT: i32 = 35;
/// This client already accepted this verify_result once.
pub const WXFACE_ERR_REPLAYED: i32 = 36;
/// 84018: the cert_hash is not that of getverifyid's name and number.
pub const WXFACE_ERR_CERT_HASH_MISMATCH: i32 = 37;
/// 84020: the out_seq_no is not getverifyid's.
pub const WXFACE_ERR_OUT_SEQ_NO_MISMATCH: i32 = 38;
/// verify_ret 10005 or 10300 (1.0: identify_ret 10005): not finished yet, neither a pass nor a failure; ask again later (`wxface_v2_wait`).
pub const WXFACE_ERR_PENDING: i32 = 39;
/// Push signature (or msg_signature) missing or wrong.
pub const WXFACE_ERR_PUSH_SIGNATURE: i32 = 40;
/// Push ciphertext cannot be decrypted (base64, padding, length).
pub const WXFACE_ERR_PUSH_DECRYPT: i32 = 41;
/// Push was encrypted for another appid.
pub const WXFACE_ERR_PUSH_APPID: i32 = 42;
/// Push body is neither WeChat's JSON nor its XML (DTDs refused).
pub const WXFACE_ERR_PUSH_FORMAT: i32 = 43;
/// Push timestamp outside `push_max_skew_s`.
pub const WXFACE_ERR_PUSH_STALE: i32 = 44;
/// Push body larger than 64 KiB.
pub const WXFACE_ERR_PUSH_TOO_LARGE: i32 = 45;
/// A bug in wxface (a caught panic); please report it.
pub const WXFACE_ERR_INTERNAL: i32 = 99;

/// The constant's name for a code, e.g. "WXFACE_ERR_NAME_MISMATCH";
/// "WXFACE_ERR_UNKNOWN" for a value that is not a code. Static, never NULL,
/// never freed; never blocks; any thread.
#[no_mangle]
pub extern "system" fn wxface_code_name(code: i32) -> *const c_char {
    guard_value(|| match Code::from_i32(code) {
        Some(c) => static_cstr(c.name()),
        None => c"WXFACE_ERR_UNKNOWN".as_ptr(),
    })
}

/// One English sentence: what the code means and what to do; "not a wxface
/// code" for a value that is not one. Static, never NULL, never freed; never
/// blocks; any thread.
#[no_mangle]
pub extern "system" fn wxface_code_description(code: i32) -> *const c_char {
    guard_value(|| match Code::from_i32(code) {
        Some(c) => static_cstr(c.describe()),
        None => c"not a wxface code".as_ptr(),
    })
}

/// The names and descriptions as NUL-terminated statics, built once.
fn static_cstr(s: &'static str) -> *const c_char {
    use once_cell::sync::Lazy;
    use std::collections::HashMap;
    use std::ffi::CString;
    static TABLE: Lazy<HashMap<&'static str, CString>> = Lazy::new(|| {
        Code::ALL
            .iter()
            .flat_map(|c| [c.name(), c.describe()])
            .filter_map(|s| CString::new(s).ok().map(|c| (s, c)))
            .collect()
    });
    TABLE.get(s).map_or(c"".as_ptr(), |c| c.as_ptr())
}

pub(crate) fn clear(err: *mut wxface_error) {
    // SAFETY: NULL is allowed and checked; otherwise the caller owns a valid struct.
    if let Some(e) = unsafe { err.as_mut() } {
        e.code = 0;
        e.wechat_errcode = 0;
        e.verify_ret = 0;
        e.http_status = 0;
        e.message[0] = 0;
    }
}

/// Copies `src` into the caller's struct, the message in `enc` (the
/// client's `text_encoding`), cut at a character boundary so that it stays
/// valid in that encoding.
pub(crate) fn fill(err: *mut wxface_error, src: &Error, enc: TextEncoding) {
    // SAFETY: NULL is allowed and checked; otherwise the caller owns a valid struct.
    let Some(e) = (unsafe { err.as_mut() }) else {
        return;
    };
    e.code = src.code as i32;
    e.wechat_errcode = src.wechat_errcode;
    e.verify_ret = src.verify_ret;
    e.http_status = i32::from(src.http_status);
    let message = enc.encode_within(&src.message, e.message.len() - 1);
    for (dst, b) in e.message.iter_mut().zip(&message) {
        *dst = if *b == 0 {
            b'?' as c_char
        } else {
            *b as c_char
        };
    }
    e.message[message.len()] = 0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    /// cbindgen cannot expand the code table, so the constants above are
    /// written out; the header they make must say what the table says.
    #[test]
    fn the_header_defines_every_code_of_the_table_with_its_value_and_nothing_else() {
        let header = include_str!(env!("WXFACE_GENERATED_HEADER"));
        let defined: Vec<(&str, i32)> = header
            .lines()
            .filter_map(|l| l.strip_prefix("#define "))
            .filter_map(|l| l.split_once(' '))
            .filter(|(name, _)| *name == "WXFACE_OK" || name.starts_with("WXFACE_ERR_"))
            .map(|(name, value)| (name, value.parse().expect("a literal value")))
            .collect();
        let table: Vec<(&str, i32)> = Code::ALL.iter().map(|c| (c.name(), *c as i32)).collect();
        assert_eq!(defined, table);
        for (name, value) in table {
            let got = unsafe { CStr::from_ptr(wxface_code_name(value)) };
            assert_eq!(got.to_str().unwrap(), name);
        }
    }

    #[test]
    fn long_messages_are_cut_at_a_character_boundary() {
        let mut e: wxface_error = unsafe { std::mem::zeroed() };
        fill(
            &mut e,
            &Error::new(Code::Wechat, "张".repeat(400)),
            TextEncoding::Utf8,
        );
        let msg = unsafe { CStr::from_ptr(e.message.as_ptr()) };
        assert!(msg.to_str().is_ok());
        assert!(msg.to_bytes().len() <= 511);
    }

    #[test]
    fn messages_are_written_in_the_answer_encoding() {
        let mut e: wxface_error = unsafe { std::mem::zeroed() };
        let src = Error::new(
            Code::NameMismatch,
            "the verified name is not the expected 张*",
        );
        fill(&mut e, &src, TextEncoding::Gbk);
        let msg = unsafe { CStr::from_ptr(e.message.as_ptr()) }.to_bytes();
        assert!(msg.ends_with(&[b' ', 0xD5, 0xC5, b'*']), "{msg:?}");
        fill(
            &mut e,
            &Error::new(Code::Wechat, "张".repeat(400)),
            TextEncoding::Gbk,
        );
        let msg = unsafe { CStr::from_ptr(e.message.as_ptr()) }.to_bytes();
        assert_eq!(msg.len(), 510);
        assert!(TextEncoding::Gbk.decode(msg, "message").is_ok());
    }
}
