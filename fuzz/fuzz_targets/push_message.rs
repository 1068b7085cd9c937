//! The message inside an encrypted push: any bytes, encrypted and signed
//! correctly with the fixed settings, must open exactly as `event::parse`
//! reads them (same fields or same error code), in a JSON or an XML
//! envelope, and in compatible mode through `seal_message`.
//!
//! Input: one flag byte (bit 0: XML envelope; bit 1: also try compatible
//! mode), then the message.
#![no_main]

mod common;

use common::*;
use libfuzzer_sys::fuzz_target;
use wxface::push::{self, crypto, event, Format, Mode};

const NONCE: &str = "1320562132";

fuzz_target!(|data: &[u8]| {
    let Some((&flags, message)) = data.split_first() else {
        return;
    };
    let cfg = encrypted_config(300);
    let key = crypto::decode_key(AES_KEY).expect("the sample key decodes");
    let enc = crypto::encrypt(&key, APPID, message, b"0123456789abcdef").expect("encrypts");
    assert_eq!(
        crypto::decrypt(&key, APPID, &enc)
            .expect("decrypts")
            .as_slice(),
        message,
        "decrypt(encrypt(m)) != m"
    );

    let ts = NOW.to_string();
    let body = if flags & 1 != 0 {
        format!("<xml><ToUserName><![CDATA[gh_fuzz]]></ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt></xml>")
    } else {
        format!(r#"{{"ToUserName":"gh_fuzz","Encrypt":"{enc}"}}"#)
    };
    let query = format!(
        "signature={}&timestamp={ts}&nonce={NONCE}&encrypt_type=aes&msg_signature={}",
        push::signature::sign(&[TOKEN, &ts, NONCE]),
        push::signature::sign(&[TOKEN, &ts, NONCE, &enc]),
    );
    let expected = event::parse(message);
    let opened = push::open(&cfg, &query, body.as_bytes(), NOW);
    same_outcome(&opened, &expected);

    if flags & 2 != 0 && expected.is_ok() {
        let format = if flags & 1 != 0 {
            Format::Xml
        } else {
            Format::Json
        };
        if let Ok(sealed) = push::seal_message(
            &cfg,
            format,
            Mode::Compatible,
            message,
            "gh_fuzz",
            NOW,
            NONCE,
        ) {
            let opened = push::open(&cfg, &sealed.query, &sealed.body, NOW);
            same_outcome(&opened, &expected);
        }
    }
});

fn same_outcome(
    opened: &wxface::Result<wxface::Response>,
    expected: &wxface::Result<wxface::Response>,
) {
    match (opened, expected) {
        (Ok(got), Ok(want)) => assert_eq!(got, want, "opened fields differ from the message's"),
        (Err(got), Err(want)) => {
            assert_eq!(got.code, want.code, "opened and parsed fail differently");
            check_message_is_clean(&got.message, &[], &[]);
        }
        (Ok(_), Err(e)) => panic!("open accepted a message parse refuses ({:?})", e.code),
        (Err(e), Ok(_)) => panic!("open refused a message parse accepts ({:?})", e.code),
    }
}
