//! A WeChat API answer, from body bytes to the fields callers read.
//!
//! Follows the client's path (src/call.rs `Caller::once`, then
//! `check_errcode`): a body that is all whitespace is refused, the rest must
//! be a JSON object, whose members become a `Response`. `check_errcode` and
//! the 1.0 verdict (`v1::judge`) are private, so their public ingredients
//! (`errcode::*`) are driven the way they are, and the properties those
//! functions rely on are asserted here.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value as Json;
use wxface::{errcode, Response, Value};

fuzz_target!(|data: &[u8]| {
    if data.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    let Ok(Json::Object(object)) = serde_json::from_slice::<Json>(data) else {
        return;
    };
    let r = Response::from_json_object(&object);

    // Every member is there once, under its own name, in WeChat's order.
    assert_eq!(r.len(), object.len());
    for ((name, json), (field, value)) in object.iter().zip(r.fields()) {
        assert_eq!(name, field, "field order or name changed");
        match (json, value) {
            (Json::Number(n), Value::Int(i)) => assert_eq!(n.as_i64(), Some(*i)),
            (Json::String(s), Value::Text(t)) => assert_eq!(s, t),
            (other, Value::Text(t)) => {
                assert!(!matches!(other, Json::String(_)));
                assert!(other.as_i64().is_none(), "an i64 read as text");
                assert_eq!(&other.to_string(), t);
            }
            (other, Value::Int(_)) => panic!("{other:?} read as an integer"),
            (_, Value::Bytes(_)) => panic!("a JSON member read as binary data"),
        }
        let text = r.text(name).expect("a present field reads as text");
        if let Value::Int(i) = value {
            assert_eq!(text, i.to_string());
            assert_eq!(r.int(name), Some(*i));
        }
    }

    // check_errcode's ingredients: any errcode maps to a code and a
    // meaning, and errmsg is cleaned before it reaches an error message.
    let errcode_value = r.int("errcode").unwrap_or(0);
    let _ = errcode::code_for(errcode_value);
    let _ = errcode::errcode_meaning(errcode_value);
    let _ = errcode::is_token_error(errcode_value);
    if let Some(ret) = r.int("identify_ret") {
        let _ = errcode::verify_ret_meaning(ret);
    }
    if let Some(ret) = r.int("verify_ret") {
        let _ = errcode::verify_ret_meaning(ret);
    }
    let errmsg = r.text("errmsg").unwrap_or_default();
    check_sanitized(&errcode::sanitize_errmsg(&errmsg));

    // Cloning and dropping wipe text in place; both must stay sound.
    let copy = r.clone();
    assert_eq!(copy, r);
});

/// What sanitize_errmsg promises: ASCII (its ellipsis aside), no long
/// opaque runs, and a bounded length.
fn check_sanitized(s: &str) {
    let body = s.strip_suffix('…').unwrap_or(s);
    assert!(body.is_ascii(), "non-ASCII survived sanitize_errmsg");
    for word in body.split(' ') {
        let alnum = word.chars().filter(char::is_ascii_alphanumeric).count();
        assert!(
            alnum < 12 || word == "<hidden>",
            "a long opaque run survived"
        );
    }
    assert!(s.len() <= 256, "sanitize_errmsg gave {} bytes", s.len());
}
