//! Inputs the fuzz targets (fuzz/) or their review found mishandled, kept
//! as plain tests so that `cargo test` guards the fixes without cargo-fuzz.
//! fuzz/README.md says how a new crash joins this file.

use serde_json::json;
use wxface::{digest, errcode, Client, Code, Config, Expected};

#[path = "common/fixtures.rs"]
mod fixtures;

/// fuzz target `wechat_response`: WeChat's errmsg ends up in an error
/// message (and so in logs); sanitize_errmsg promises a bounded result, but
/// a single long word without 12 letters or digits passed whole.
#[test]
fn a_long_punctuation_word_in_errmsg_is_cut_to_the_bound() {
    let errmsg = format!("system error {}", ">".repeat(100_000));
    let clean = errcode::sanitize_errmsg(&errmsg);
    assert!(
        clean.len() <= 256,
        "sanitize_errmsg kept {} bytes",
        clean.len()
    );
    assert!(clean.starts_with("system error"));
}

const NAME: &str = "张三";
const ID: &str = "11010519491231002X";

fn verify_with_finish_time(finish_time: i64) -> wxface::Result<wxface::Response> {
    let answer = json!({
        "errcode": 0, "errmsg": "ok", "identify_ret": 0,
        "id_card_number_md5": digest::md5_hex(ID.as_bytes()),
        "name_utf8_md5": digest::name_md5(NAME).unwrap(),
        "finish_time": finish_time,
    });
    let mut cfg = Config::new();
    for (k, v) in [
        (
            "api_base",
            fixtures::http_double(move |_| answer.to_string().into_bytes()).as_str(),
        ),
        ("access_token", "fuzz-regression-token"),
        ("proxy", "none"),
        ("max_retries", "0"),
        ("max_result_age_s", "600"),
    ] {
        cfg.set(k, v).expect("valid setting");
    }
    let client = Client::new(&cfg).expect("client");
    let expected = Expected {
        name: NAME,
        id_card_number: ID,
        user_id_key: None,
        openid: None,
    };
    client.v1_verify("verify-result-of-the-regression", &expected)
}

/// Review of the `wechat_response` target's path: the age check computed
/// `now - finish_time` unchecked, so an extreme finish_time panicked in
/// debug builds and, wrapped in release builds, passed as a fresh result.
#[test]
fn an_extreme_finish_time_is_stale_not_a_panic_or_a_pass() {
    let outcome = std::panic::catch_unwind(|| verify_with_finish_time(i64::MIN));
    let result = outcome.expect("v1_verify panicked on finish_time = i64::MIN");
    assert_eq!(result.err().map(|e| e.code), Some(Code::StaleResult));
}
