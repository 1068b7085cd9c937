//! A WeChat API answer, from body bytes to the fields callers read.
//!
//! Follows the client's path (src/call.rs `Caller::once`, then
//! `check_errcode`): a body that is all whitespace is refused, the rest goes
//! to `Response::from_json`, which must agree with serde_json's own reading
//! except that it refuses a duplicate member name anywhere. The strict
//! readers a verdict uses (`int_field`, `text_field`) take exactly one JSON
//! type each. `check_errcode` and the 1.0 verdict (`v1::judge`) are
//! private, so their public ingredients (`errcode::*`) are driven the way
//! they are, and the properties those functions rely on are asserted here.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value as Json;
use wxface::response::JsonError;
use wxface::{errcode, Code, Response, Value};

fuzz_target!(|data: &[u8]| {
    if data.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    // serde_json's reading, where a repeated name silently keeps the last.
    let reference = serde_json::from_slice::<Json>(data);
    let r = match Response::from_json(data) {
        Ok(r) => r,
        Err(JsonError::Malformed(_)) => {
            assert!(reference.is_err(), "valid JSON called malformed");
            return;
        }
        Err(JsonError::NotObject) => {
            assert!(
                matches!(reference, Ok(ref v) if !v.is_object()),
                "an object, or invalid JSON, called not an object"
            );
            return;
        }
        Err(JsonError::DuplicateKey(_)) => {
            // Reading stops at the first fault, so a duplicate may be found
            // before a later syntax error: either way the answer is refused.
            // What must hold is the converse: valid JSON is never malformed.
            return;
        }
    };
    let Ok(Json::Object(object)) = reference else {
        panic!("an answer serde_json does not read as an object");
    };

    // No duplicates: every member is there once, under its own name, in
    // WeChat's order, with its JSON type.
    assert_eq!(r.len(), object.len());
    for ((name, json), (field, value)) in object.iter().zip(r.fields()) {
        assert_eq!(name, field, "field order or name changed");
        match (json, value) {
            (Json::Number(n), Value::Int(i)) => {
                assert_eq!(n.as_i64(), Some(*i));
            }
            (Json::String(s), Value::Text(t)) => assert_eq!(s, t),
            (other, Value::Json(t)) => {
                assert!(!other.is_string(), "a string read as other JSON");
                assert!(other.as_i64().is_none(), "an i64 read as other JSON");
                assert_eq!(&other.to_string(), t);
            }
            (other, Value::Int(_)) => panic!("{other:?} read as an integer"),
            (other, Value::Text(_)) => panic!("{other:?} read as a string"),
            (_, Value::Bytes(_)) => panic!("a JSON member read as binary data"),
        }
        // The strict readers of a verdict: exactly one JSON type each.
        let int = r.int_field("/fuzz", name);
        let text = r.text_field("/fuzz", name);
        match value {
            Value::Int(i) => {
                assert_eq!(int.as_ref().ok(), Some(&Some(*i)));
                assert_eq!(text.err().map(|e| e.code), Some(Code::BadResponse));
                assert_eq!(r.text(name), Some(i.to_string()));
            }
            Value::Text(t) => {
                assert_eq!(text.as_ref().ok(), Some(&Some(t.as_str())));
                assert_eq!(int.err().map(|e| e.code), Some(Code::BadResponse));
            }
            _ => {
                assert_eq!(int.err().map(|e| e.code), Some(Code::BadResponse));
                assert_eq!(text.err().map(|e| e.code), Some(Code::BadResponse));
            }
        }
        // Every field, NUL-holding text included, has its bytes.
        assert!(r.bytes(name).is_some());
    }

    // check_errcode's ingredients: a JSON-integer errcode maps to a code
    // and a meaning; any other errcode is a bad answer, never 0.
    match r.int_field("/fuzz", "errcode") {
        Ok(Some(e)) => {
            let _ = errcode::code_for(e);
            let _ = errcode::errcode_meaning(e);
            let _ = errcode::is_token_error(e);
        }
        Ok(None) => assert!(r.get("errcode").is_none()),
        Err(e) => {
            assert_eq!(e.code, Code::BadResponse);
            assert!(!matches!(r.get("errcode"), Some(Value::Int(_))));
        }
    }
    for ret in ["identify_ret", "verify_ret"] {
        if let Ok(Some(v)) = r.int_field("/fuzz", ret) {
            let _ = errcode::verify_ret_meaning(v);
        }
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
