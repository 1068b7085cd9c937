//! Answers from whatever `api_base` points at (a gateway, a compromised
//! proxy) that do not say "pass" in WeChat's exact terms: every one fails
//! closed with WXFACE_ERR_BAD_RESPONSE, and no answer's shape can stretch a
//! call past its time bound.
//!
//! A tiny HTTP double serves each answer byte for byte, so the shapes the
//! sandbox never produces (floats, duplicate keys, numbers as text) reach
//! the client exactly as written.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wxface::{digest, Client, Code, Config, Expected};

#[path = "common/fixtures.rs"]
mod fixtures;
use fixtures::http_double as double;

const NAME: &str = "张三";
const ID: &str = "11010519491231002X";
const USER_ID_KEY: &str = "key-0123456789abcdef";
const OPENID: &str = "o_user_0123456789abcdef000001";
const VERIFY_RESULT: &str = "vr-0123456789abcdef0123456789abcdef";

fn config(base: &str) -> Config {
    let mut c = Config::new();
    for (k, v) in [
        ("access_token", "fixed-access-token-for-the-double"),
        ("api_base", base),
        ("proxy", "none"),
        ("max_retries", "0"),
        ("timeout_ms", "5000"),
    ] {
        c.set(k, v).unwrap();
    }
    c
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// getinfo's members for an honest pass by the expected person, as raw
/// JSON value texts, in WeChat's order.
fn passing_getinfo() -> Vec<(String, String)> {
    let q = |s: &str| format!("\"{s}\"");
    vec![
        ("errcode".into(), "0".into()),
        ("errmsg".into(), q("ok")),
        ("identify_ret".into(), "0".into()),
        ("identify_time".into(), now().to_string()),
        ("openid".into(), q(OPENID)),
        ("user_id_key".into(), q(USER_ID_KEY)),
        ("finish_time".into(), now().to_string()),
        (
            "id_card_number_md5".into(),
            q(&digest::md5_hex(ID.as_bytes())),
        ),
        ("name_utf8_md5".into(), q(&digest::name_md5(NAME).unwrap())),
    ]
}

/// The members as a JSON object, written exactly as given (duplicates kept).
fn render(members: &[(String, String)]) -> Vec<u8> {
    let inner: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("\"{k}\":{v}"))
        .collect();
    format!("{{{}}}", inner.join(",")).into_bytes()
}

/// The passing answer with `name`'s value replaced by the raw JSON `raw`.
fn getinfo_with(name: &str, raw: &str) -> Vec<u8> {
    let members: Vec<(String, String)> = passing_getinfo()
        .into_iter()
        .map(|(k, v)| {
            let v = if k == name { raw.to_owned() } else { v };
            (k, v)
        })
        .collect();
    render(&members)
}

fn expected() -> Expected<'static> {
    Expected {
        name: NAME,
        id_card_number: ID,
        user_id_key: Some(USER_ID_KEY),
        openid: Some(OPENID),
    }
}

/// The code `v1_verify` gives when getinfo answers `body`.
fn v1_code(body: Vec<u8>) -> Code {
    let base = double(move |_| body.clone());
    let client = Client::new(&config(&base)).unwrap();
    client
        .v1_verify(VERIFY_RESULT, &expected())
        .err()
        .map_or(Code::Ok, |e| e.code)
}

/// The code `v2_query` gives when queryverifyinfo answers `body`.
fn v2_code(body: &'static str) -> Code {
    let base = double(move |_| body.as_bytes().to_vec());
    let client = Client::new(&config(&base)).unwrap();
    client
        .v2_query("verify-id-0001", "seq-0001", OPENID, &"a".repeat(64))
        .err()
        .map_or(Code::Ok, |e| e.code)
}

#[test]
fn the_double_serves_an_honest_pass_that_verifies() {
    assert_eq!(v1_code(render(&passing_getinfo())), Code::Ok);
    assert_eq!(
        v2_code(r#"{"errcode":0,"errmsg":"ok","verify_ret":10000}"#),
        Code::Ok
    );
}

#[test]
fn v1_errcode_that_is_not_a_json_integer_is_a_bad_response() {
    for raw in [
        "84001.0", "0.0", "\"x\"", "\"0\"", "true", "null", "1e20", "-0.0",
    ] {
        assert_eq!(
            v1_code(getinfo_with("errcode", raw)),
            Code::BadResponse,
            "errcode {raw}"
        );
    }
}

#[test]
fn v2_errcode_as_a_float_is_a_bad_response() {
    assert_eq!(
        v2_code(r#"{"errcode": 40097.0, "errmsg": "invalid args", "verify_ret": 10000}"#),
        Code::BadResponse
    );
    assert_eq!(
        v2_code(r#"{"errcode": "0", "errmsg": "ok", "verify_ret": 10000}"#),
        Code::BadResponse
    );
}

#[test]
fn identify_ret_given_as_text_or_float_is_a_bad_response() {
    for raw in ["\"0\"", "\" +0 \"", "\"\\u00a00\"", "0.0", "false", "null"] {
        assert_eq!(
            v1_code(getinfo_with("identify_ret", raw)),
            Code::BadResponse,
            "identify_ret {raw}"
        );
    }
}

#[test]
fn verify_ret_given_as_text_or_float_is_a_bad_response() {
    for body in [
        r#"{"errcode":0,"errmsg":"ok","verify_ret":"10000"}"#,
        r#"{"errcode":0,"errmsg":"ok","verify_ret":10000.0}"#,
        r#"{"errcode":0,"errmsg":"ok","verify_ret":1e4}"#,
    ] {
        assert_eq!(v2_code(body), Code::BadResponse, "{body}");
    }
}

#[test]
fn finish_time_given_as_text_is_a_bad_response() {
    let raw = format!("\"{}\"", now());
    assert_eq!(
        v1_code(getinfo_with("finish_time", &raw)),
        Code::BadResponse
    );
    let raw = format!("{}.0", now());
    assert_eq!(
        v1_code(getinfo_with("finish_time", &raw)),
        Code::BadResponse
    );
}

#[test]
fn user_id_key_and_openid_given_as_numbers_are_a_bad_response() {
    let base = double(|_| getinfo_with("user_id_key", "1234567890123"));
    let client = Client::new(&config(&base)).unwrap();
    let e = client
        .v1_verify(
            VERIFY_RESULT,
            &Expected {
                user_id_key: Some("1234567890123"),
                ..expected()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, Code::BadResponse, "{}", e.message);
    let base = double(|_| getinfo_with("openid", "1234567890123"));
    let client = Client::new(&config(&base)).unwrap();
    let e = client
        .v1_verify(
            VERIFY_RESULT,
            &Expected {
                openid: Some("1234567890123"),
                ..expected()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, Code::BadResponse, "{}", e.message);
}

#[test]
fn md5_fields_that_are_not_json_strings_are_a_bad_response() {
    for field in ["id_card_number_md5", "name_utf8_md5"] {
        assert_eq!(
            v1_code(getinfo_with(field, "[1,2]")),
            Code::BadResponse,
            "{field}"
        );
    }
}

#[test]
fn a_duplicate_identify_ret_is_a_bad_response() {
    // A first-wins parser on the path (a gateway, an audit copy) reads 1.
    let mut members = vec![("identify_ret".to_owned(), "1".to_owned())];
    members.extend(passing_getinfo());
    assert_eq!(v1_code(render(&members)), Code::BadResponse);
}

#[test]
fn a_duplicate_errcode_is_a_bad_response() {
    let mut members = vec![("errcode".to_owned(), "84001".to_owned())];
    members.extend(passing_getinfo());
    assert_eq!(v1_code(render(&members)), Code::BadResponse);
}

#[test]
fn a_duplicate_verify_ret_is_a_bad_response() {
    assert_eq!(
        v2_code(r#"{"verify_ret":10004,"errcode":0,"errmsg":"ok","verify_ret":10000}"#),
        Code::BadResponse
    );
}

#[test]
fn a_duplicate_key_inside_a_nested_object_is_a_bad_response() {
    let mut members = passing_getinfo();
    members.push(("extra".to_owned(), r#"{"list":[{"a":1,"a":2}]}"#.to_owned()));
    assert_eq!(v1_code(render(&members)), Code::BadResponse);
}

#[test]
fn a_token_answer_with_expires_in_as_text_is_a_bad_response() {
    for body in [
        r#"{"access_token":"token-from-the-double-0001","expires_in":"7200"}"#,
        r#"{"access_token":"token-from-the-double-0001","expires_in":7200.0}"#,
        r#"{"access_token":12345678901234,"expires_in":7200}"#,
    ] {
        let base = double(move |_| body.as_bytes().to_vec());
        let mut c = Config::new();
        for (k, v) in [
            ("appid", "wx5a3d6f1e2b4c8d90"),
            ("secret", "double-secret"),
            ("api_base", base.as_str()),
            ("proxy", "none"),
            ("max_retries", "0"),
        ] {
            c.set(k, v).unwrap();
        }
        let client = Client::new(&c).unwrap();
        let e = client.token().err();
        assert_eq!(e.map(|e| e.code), Some(Code::BadResponse), "{body}");
    }
}

#[test]
fn an_answer_of_60000_tiny_fields_is_read_within_the_time_bound() {
    // 60,000 members of about 12 bytes each (720 KB): reading it must be
    // linear; quadratic field building took seconds per call.
    let mut members = passing_getinfo();
    for i in 0..60_000 {
        members.push((format!("x{i:06}"), "1".to_owned()));
    }
    let body = render(&members);
    let size = body.len();
    assert!(size > 700_000, "{size} bytes");
    let base = double(move |_| body.clone());
    let mut c = config(&base);
    c.set("timeout_ms", "1000").unwrap();
    let client = Client::new(&c).unwrap();
    let started = Instant::now();
    let r = client.v1_verify(VERIFY_RESULT, &expected());
    let took = started.elapsed();
    println!(
        "{} fields, {} bytes: v1_verify took {took:?}",
        60_000 + passing_getinfo().len(),
        size
    );
    assert!(r.is_ok(), "{:?}", r.err());
    assert_eq!(r.unwrap().len(), 60_000 + passing_getinfo().len());
    // Generous for an unoptimised build on a loaded machine (about 1 s);
    // quadratic building took two minutes here.
    assert!(
        took < Duration::from_secs(10),
        "60,000 fields took {took:?} with timeout_ms=1000"
    );
}
