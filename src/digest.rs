//! The digests WeChat compares: 1.0's ID and name MD5s, 2.0's cert_hash.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use md5::{Digest, Md5};
use sha2::Sha256;

use crate::error::Result;
use crate::id_card;
use crate::text::required;

pub fn md5_hex(bytes: &[u8]) -> String {
    hex(&Md5::digest(bytes))
}

/// Whether `hex_md5` (any case) is the MD5 of `bytes`.
pub fn md5_matches(bytes: &[u8], hex_md5: &str) -> bool {
    md5_from_hex(hex_md5).is_some_and(|md5| md5_is(bytes, &md5))
}

/// Whether `md5` is the MD5 of `bytes`: the verdict's comparison, on the
/// 16 bytes (the answer's hex was read once, by [`md5_from_hex`]).
pub fn md5_is(bytes: &[u8], md5: &[u8; 16]) -> bool {
    Md5::digest(bytes).as_slice() == md5
}

/// The 16 bytes written as 32 hex digits in either case, or None for
/// anything else.
pub fn md5_from_hex(text: &str) -> Option<[u8; 16]> {
    let text = text.as_bytes();
    if text.len() != 32 {
        return None;
    }
    let mut md5 = [0u8; 16];
    for (byte, pair) in md5.iter_mut().zip(text.chunks_exact(2)) {
        *byte = (hex_digit(pair[0])? << 4) | hex_digit(pair[1])?;
    }
    Some(md5)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// 1.0 `id_card_number_md5`: the MD5 of the canonical number (upper-case X).
pub fn id_card_md5(id_card_number: &str) -> Result<String> {
    Ok(md5_hex(id_card::normalize(id_card_number)?.as_bytes()))
}

/// 1.0 `name_utf8_md5`: the MD5 of the name's UTF-8 bytes, exactly as
/// given. An empty name, or one holding a NUL, is `InvalidArgument`.
pub fn name_md5(name: &str) -> Result<String> {
    required("name", name)?;
    Ok(md5_hex(name.as_bytes()))
}

/// 2.0 `cert_hash`: `cert_type=B64&cert_name=B64&cert_no=B64`, SHA-256,
/// hex, of the values as given. An empty value, or one holding a NUL, is
/// `InvalidArgument` naming it.
pub fn cert_hash(cert_type: &str, cert_name: &str, cert_no: &str) -> Result<String> {
    required("cert_type", cert_type)?;
    required("cert_name", cert_name)?;
    required("cert_no", cert_no)?;
    let joined = format!(
        "cert_type={}&cert_name={}&cert_no={}",
        STANDARD.encode(cert_type),
        STANDARD.encode(cert_name),
        STANDARD.encode(cert_no)
    );
    Ok(sha256_hex(joined.as_bytes()))
}

/// Lower-case hex, as WeChat writes every digest.
const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// The value of one hex digit in either case, or None for anything else.
pub(crate) fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

    #[test]
    fn an_md5_matches_its_hex_in_either_case_and_nothing_else() {
        let hex = md5_hex(b"11010519491231002X");
        assert!(md5_matches(b"11010519491231002X", &hex));
        assert!(md5_matches(b"11010519491231002X", &hex.to_uppercase()));
        assert!(!md5_matches(b"110105194912310029", &hex));
        assert!(!md5_matches(b"11010519491231002X", &hex[..31]));
        assert!(!md5_matches(b"11010519491231002X", &format!("{hex}0")));
        let not_hex = format!("{}g", &hex[..31]);
        assert!(!md5_matches(b"11010519491231002X", &not_hex));
    }

    #[test]
    fn hex_reads_as_the_digest_s_bytes_and_nothing_else_does() {
        let digest: [u8; 16] = Md5::digest(b"abc").into();
        assert_eq!(
            md5_from_hex("900150983cd24fb0d6963f7d28e17f72"),
            Some(digest)
        );
        assert_eq!(
            md5_from_hex("900150983CD24FB0D6963F7D28E17F72"),
            Some(digest)
        );
        for bad in [
            "",
            "900150983cd24fb0d6963f7d28e17f7",
            "900150983cd24fb0d6963f7d28e17f722",
            "900150983cd24fb0d6963f7d28e17f7g",
            "g00150983cd24fb0d6963f7d28e17f72",
            "900150983cd24fb0d6963f7d28e17f7:",
            "900150983cd24fb0d6963f7d28e17f7 ",
            "+00150983cd24fb0d6963f7d28e17f72",
        ] {
            assert_eq!(md5_from_hex(bad), None, "{bad:?}");
        }
        assert!(md5_is(b"abc", &digest));
        assert!(!md5_is(b"abd", &digest));
    }

    #[test]
    fn empty_or_nul_holding_arguments_are_invalid_and_named() {
        for (e, what) in [
            (name_md5("").unwrap_err(), "name"),
            (name_md5("张\0三").unwrap_err(), "name"),
            (cert_hash("", "张三", "1").unwrap_err(), "cert_type"),
            (cert_hash("T", "", "1").unwrap_err(), "cert_name"),
            (cert_hash("T", "张三", "1\0").unwrap_err(), "cert_no"),
        ] {
            assert_eq!(e.code, Code::InvalidArgument);
            assert!(e.message.starts_with(what), "{}", e.message);
        }
    }

    #[test]
    fn md5_matches_rfc_1321() {
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
    }

    #[test]
    fn id_md5_hashes_the_upper_case_x() {
        assert_eq!(
            id_card_md5("11010519491231002x").unwrap(),
            md5_hex(b"11010519491231002X")
        );
    }

    #[test]
    fn name_md5_hashes_utf8_bytes() {
        assert_eq!(name_md5("张三").unwrap(), md5_hex("张三".as_bytes()));
    }

    #[test]
    fn cert_hash_joins_base64_fields_then_sha256() {
        // base64("IDENTITY_CARD") = SURFTlRJVFlfQ0FSRA==, base64("张三") = 5byg5LiJ
        let expected = sha256_hex(
            b"cert_type=SURFTlRJVFlfQ0FSRA==&cert_name=5byg5LiJ&cert_no=MTEwMTA1MTk0OTEyMzEwMDJY",
        );
        assert_eq!(
            cert_hash("IDENTITY_CARD", "张三", "11010519491231002X").unwrap(),
            expected
        );
    }
}
