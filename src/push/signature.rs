//! WeChat's push signatures: SHA-1 over the sorted, concatenated parts.
//!
//! The same rule signs the URL handshake and plain-mode pushes (token,
//! timestamp, nonce) and safe-mode pushes (token, timestamp, nonce, Encrypt).

use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

use crate::digest::hex;

/// `sha1_hex(concat(sort(parts)))`, lowercase hex.
pub fn sign(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    let mut hasher = Sha1::new();
    for part in sorted {
        hasher.update(part.as_bytes());
    }
    hex(&hasher.finalize())
}

/// Whether `received` is the signature of `parts`, compared in constant time
/// so a forger cannot learn the expected value byte by byte from response
/// times. Uppercase hex is accepted: it names the same digest.
pub fn matches(received: &str, parts: &[&str]) -> bool {
    let expected = sign(parts);
    let received = received.to_ascii_lowercase();
    bool::from(expected.as_bytes().ct_eq(received.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_sorts_the_parts_before_hashing() {
        assert_eq!(sign(&["xyz", "abc", "123"]), sign(&["123abcxyz"]));
        assert_eq!(sign(&["xyz", "abc", "123"]), sign(&["123", "abc", "xyz"]));
    }

    #[test]
    fn sign_matches_a_known_sha1() {
        // sha1("abc") from FIPS 180-1.
        assert_eq!(sign(&["abc"]), "a9993e364706816aba3e25717850c26c9cd0d89d");
        // Sorted: "1409304348" < "xxxxxx" < "yyyy" -> sha1 of the concatenation.
        assert_eq!(
            sign(&["yyyy", "1409304348", "xxxxxx"]),
            sign(&["1409304348xxxxxxyyyy"])
        );
    }

    #[test]
    fn matches_accepts_uppercase_and_rejects_other_digests() {
        let sig = sign(&["token", "1700000000", "nonce"]);
        assert!(matches(&sig, &["token", "1700000000", "nonce"]));
        assert!(matches(
            &sig.to_ascii_uppercase(),
            &["nonce", "token", "1700000000"]
        ));
        assert!(!matches(&sig, &["token", "1700000001", "nonce"]));
        assert!(!matches(&sig[..39], &["token", "1700000000", "nonce"]));
        assert!(!matches("", &["token", "1700000000", "nonce"]));
    }
}
