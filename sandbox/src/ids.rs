//! Random and derived identifiers: tokens, user_id_keys, verify results,
//! verify_ids and openids.

use sha2::{Digest, Sha256};

/// The alphabet WeChat's tokens and opaque ids are drawn from.
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `len` characters of `[A-Za-z0-9_-]` from the operating system's generator.
pub fn random(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    if getrandom::getrandom(&mut bytes).is_err() {
        // No OS entropy is an unusable machine; a sandbox that handed out
        // predictable tokens would hide bugs instead of showing them.
        eprintln!("wxface-sandbox: the operating system gave no random bytes");
        std::process::exit(2);
    }
    bytes
        .iter()
        .map(|b| char::from(URL_SAFE[usize::from(b & 63)]))
        .collect()
}

/// A deterministic openid for a person: `o` + 27 characters, so the same
/// person gets the same openid in 1.0 and 2.0 flows and across restarts.
pub fn openid_for(appid: &str, person: &str) -> String {
    let digest = Sha256::digest(format!("{appid}|{person}").as_bytes());
    let mut out = String::with_capacity(28);
    out.push('o');
    out.extend(
        digest
            .iter()
            .take(27)
            .map(|b| char::from(URL_SAFE[usize::from(b & 63)])),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_have_the_requested_length_and_alphabet() {
        let id = random(136);
        assert_eq!(id.len(), 136);
        assert!(id.bytes().all(|b| URL_SAFE.contains(&b)));
        assert_ne!(id, random(136));
    }

    #[test]
    fn openids_are_stable_per_person() {
        let a = openid_for("wx1", "p");
        assert_eq!(a.len(), 28);
        assert!(a.starts_with('o'));
        assert_eq!(a, openid_for("wx1", "p"));
        assert_ne!(a, openid_for("wx1", "q"));
    }
}
