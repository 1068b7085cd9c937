//! The fixed push settings the push targets open messages with.
// Each target uses part of this module.
#![allow(dead_code)]

use wxface::push::{self, PushConfig};
use wxface::{Code, Response, Value};

/// The token of tests/vectors/*.tsv, so their signatures hold as they are.
pub const TOKEN: &str = "wxfaceToken2024";
/// Tencent's published sample EncodingAESKey and appid.
pub const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
pub const APPID: &str = "wxb11529c136998cb6";
/// The vectors' timestamp, so that a window check can pass.
pub const NOW: i64 = 1_703_657_835;

pub fn encrypted_config(max_skew_s: u64) -> PushConfig {
    PushConfig::new(TOKEN, Some(AES_KEY), APPID, max_skew_s).expect("the sample key is valid")
}

pub fn plain_config(max_skew_s: u64) -> PushConfig {
    PushConfig::new(TOKEN, None, APPID, max_skew_s).expect("a token alone is valid")
}

pub const PUSH_CODES: &[Code] = &[
    Code::PushSignature,
    Code::PushDecrypt,
    Code::PushAppid,
    Code::PushFormat,
    Code::PushStale,
    Code::PushTooLarge,
];

/// Secrets and personal values that must never reach an error message:
/// the token and the key (unless the input itself carried them, as a
/// parameter name the message may quote), and any Encrypt, verify_result
/// or openid the push carried.
pub fn check_message_is_clean(message: &str, input: &[u8], carried: &[&Response]) {
    for (secret, what) in [(TOKEN, "push token"), (AES_KEY, "AES key")] {
        let in_input = input.windows(secret.len()).any(|w| w == secret.as_bytes());
        assert!(
            in_input || !message.contains(secret),
            "the {what} is in an error message"
        );
    }
    for fields in carried {
        for (name, min) in [("Encrypt", 16), ("verify_result", 8), ("openid", 12)] {
            if let Some(Value::Text(v)) = fields.get(name) {
                if v.chars().count() >= min && looks_opaque(v) {
                    assert!(
                        !message.contains(v.as_str()),
                        "{name} is in an error message"
                    );
                }
            }
        }
    }
}

/// Whether `received` is the signature of `parts`, recomputed here.
pub fn signature_holds(received: &str, parts: &[&str]) -> bool {
    received.eq_ignore_ascii_case(&push::signature::sign(parts))
}

/// Real identifiers are one run of letters and digits; values made of
/// prose could be a piece of a fixed message (`parameter ... is missing`)
/// without anything having leaked.
fn looks_opaque(v: &str) -> bool {
    !v.chars().any(char::is_whitespace)
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic())
}
