//! `push::open` and `push::check_url` on a hostile query and body.
//!
//! Input: one flag byte, the query up to the first newline, then the body.
//! Flags: bit 0 re-signs the query (drops `signature` and `msg_signature`
//! and appends correct ones), so the fuzzer gets past the SHA-1 to the
//! window, decryption and message checks; bit 1 opens with no
//! EncodingAESKey (plain mode); bit 2 turns on a 300 s window.
//!
//! Whatever the input, an accepted push must be one whose signature really
//! holds, inside the window, and whose fields are exactly the signed
//! message's; a refused one has a push code and a clean message.
#![no_main]

mod common;

use common::*;
use libfuzzer_sys::fuzz_target;
use wxface::push::{self, crypto, event, query::Query};
use wxface::{Response, Value};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let split = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let Ok(raw_query) = std::str::from_utf8(&rest[..split]) else {
        return;
    };
    let body = rest.get(split + 1..).unwrap_or(&[]);
    let skew = if flags & 4 != 0 { 300 } else { 0 };
    let cfg = if flags & 2 != 0 {
        plain_config(skew)
    } else {
        encrypted_config(skew)
    };
    let query = if flags & 1 != 0 {
        resign(raw_query, body)
    } else {
        raw_query.to_owned()
    };

    let outer = event::parse(body).unwrap_or_default();
    match push::open(&cfg, &query, body, NOW) {
        Ok(fields) => {
            let q = Query::parse(&query).expect("an accepted push has a valid query");
            let ts = q
                .timestamp
                .as_deref()
                .expect("an accepted push has a timestamp");
            let nonce = q.nonce.as_deref().expect("an accepted push has a nonce");
            if skew > 0 {
                let t: i64 = ts.parse().expect("an accepted timestamp is a number");
                assert!(
                    NOW.abs_diff(t) <= skew,
                    "a push outside the window was accepted"
                );
            }
            match outer.get("Encrypt") {
                Some(Value::Text(enc)) => {
                    let msg_sig = q
                        .msg_signature
                        .as_deref()
                        .expect("msg_signature is required");
                    assert!(
                        signature_holds(msg_sig, &[TOKEN, ts, nonce, enc]),
                        "an encrypted push was accepted on a wrong msg_signature"
                    );
                    let key = crypto::decode_key(AES_KEY).expect("the sample key decodes");
                    let plain =
                        crypto::decrypt(&key, APPID, enc).expect("accepted means decryptable");
                    assert_eq!(
                        Some(fields),
                        event::parse(&plain).ok(),
                        "fields differ from the message"
                    );
                }
                Some(_) => panic!("an Encrypt that is not text was accepted"),
                None => {
                    assert!(
                        cfg.aes_key.is_none(),
                        "a plain push was accepted with a key set"
                    );
                    let sig = q.signature.as_deref().expect("signature is required");
                    assert!(
                        signature_holds(sig, &[TOKEN, ts, nonce]),
                        "a plain push was accepted on a wrong signature"
                    );
                    assert_eq!(fields, outer, "fields differ from the body");
                }
            }
        }
        Err(e) => {
            // Config: an encrypted push reached a client with no key.
            let no_key = e.code == wxface::Code::Config && cfg.aes_key.is_none();
            assert!(
                PUSH_CODES.contains(&e.code) || no_key,
                "unexpected code {:?}",
                e.code
            );
            check_message_is_clean(&e.message, data, &[&outer]);
        }
    }

    match push::check_url(&cfg, &query, NOW) {
        Ok(echo) => {
            let q = Query::parse(&query).expect("an accepted URL check has a valid query");
            assert_eq!(q.echostr.as_deref(), Some(echo.as_str()));
            let (ts, nonce) = (q.timestamp.unwrap_or_default(), q.nonce.unwrap_or_default());
            let sig = q.signature.unwrap_or_default();
            assert!(
                signature_holds(&sig, &[TOKEN, &ts, &nonce]),
                "URL check on a wrong signature"
            );
        }
        Err(e) => {
            assert!(PUSH_CODES.contains(&e.code), "unexpected code {:?}", e.code);
            check_message_is_clean(&e.message, data, &[]);
        }
    }
});

/// The query with `signature` and `msg_signature` replaced by the correct
/// ones for its timestamp, nonce and the body's Encrypt.
fn resign(raw: &str, body: &[u8]) -> String {
    let Ok(q) = Query::parse(raw) else {
        return raw.to_owned();
    };
    let ts = q.timestamp.unwrap_or_default();
    let nonce = q.nonce.unwrap_or_default();
    let mut kept: Vec<&str> = raw
        .strip_prefix('?')
        .unwrap_or(raw)
        .split('&')
        .filter(|p| {
            let name = p.split('=').next().unwrap_or("");
            name != "signature" && name != "msg_signature"
        })
        .collect();
    let sig = format!("signature={}", push::signature::sign(&[TOKEN, &ts, &nonce]));
    kept.push(&sig);
    let encrypt = match event::parse(body)
        .ok()
        .and_then(|r: Response| r.text("Encrypt"))
    {
        Some(enc) => format!(
            "msg_signature={}",
            push::signature::sign(&[TOKEN, &ts, &nonce, &enc])
        ),
        None => String::new(),
    };
    if !encrypt.is_empty() {
        kept.push(&encrypt);
    }
    kept.join("&")
}
