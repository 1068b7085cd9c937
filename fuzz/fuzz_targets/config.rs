//! Configuration text (`key=value` lines) and single `set(key, value)` calls.
//!
//! Checks the promises of src/config.rs: a file with a bad line changes
//! nothing; a good file loads the same way twice; every line behaves as the
//! `set` call it stands for; an error names the first bad line; and no error
//! message carries the value of a secret key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wxface::{Code, Config};

/// Keys whose values are secrets (a proxy URL may hold credentials).
const SECRET_KEYS: &[&str] = &[
    "secret",
    "access_token",
    "push_token",
    "push_aes_key",
    "proxy",
];

/// A non-default starting point, so that a partial apply would show.
const BASE: &str = "appid=wxbase\nsecret=base-secret\ntimeout_ms=1234\nlog_level=debug\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut cfg = Config::new();
    cfg.load_str(BASE).expect("the base config loads");
    let before = fingerprint(&cfg);

    match cfg.load_str(text) {
        Ok(()) => {
            let after = fingerprint(&cfg);
            cfg.load_str(text)
                .expect("a config that loaded once loads again");
            assert_eq!(fingerprint(&cfg), after, "loading twice differs from once");
        }
        Err(e) => {
            assert_eq!(e.code, Code::Config);
            assert_eq!(
                fingerprint(&cfg),
                before,
                "a failed load changed the config"
            );
            let line_no = first_bad_line(text).expect("an error has a bad line");
            assert!(
                e.message.starts_with(&format!("line {line_no}: ")),
                "error names the wrong line: expected {line_no}"
            );
            // What follows "line N: " is the `set` message for that line.
            let detail = e.message.split_once(": ").map_or("", |(_, d)| d);
            let bad_line = text.lines().nth(line_no - 1).unwrap_or("");
            if let Some((key, value)) = bad_line.trim().split_once('=') {
                check_no_secret(key.trim(), value, detail);
            }
        }
    }
});

/// Each line's meaning on its own: skipped, malformed, or a `set` call.
fn line_ok(raw: &str) -> Option<bool> {
    let line = raw.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let Some((key, value)) = line.split_once('=') else {
        return Some(false);
    };
    let mut single = Config::new();
    let result = single.set(key.trim(), value);
    if let Err(e) = &result {
        assert_eq!(e.code, Code::Config);
        check_no_secret(key.trim(), value, &e.message);
    }
    Some(result.is_ok())
}

/// The 1-based number of the first line `set` refuses.
fn first_bad_line(text: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .find(|(_, raw)| line_ok(raw) == Some(false))
        .map(|(i, _)| i + 1)
}

/// Values that draw each of `set`'s fixed messages for the secret keys.
const PROBES: &[&str] = &[
    "\u{7f}",
    "x://h:1",
    "http://h",
    "http://:1",
    "http://h:1:2",
    "",
];

/// A secret key's value must not be in the message, unless that key's
/// fixed messages (drawn by unrelated values) say those words anyway.
fn check_no_secret(key: &str, value: &str, message: &str) {
    let value = value.trim();
    if !SECRET_KEYS.contains(&key) || value.chars().count() < 6 || !message.contains(value) {
        return;
    }
    let fixed: Vec<String> = PROBES
        .iter()
        .filter_map(|probe| Config::new().set(key, probe).err().map(|e| e.message))
        .collect();
    if !fixed.iter().any(|m| m.contains(value)) {
        panic!("the value of `{key}` appears in an error message");
    }
}

/// Everything a load can change, secrets included (compared, never printed).
fn fingerprint(c: &Config) -> String {
    format!(
        "{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{}|{}|{}|{:?}|{:?}|{:?}|{}|{:?}",
        c.appid,
        c.secret.as_deref().map(String::as_str),
        c.access_token.as_deref().map(String::as_str),
        c.token_endpoint,
        c.api_base,
        c.proxy,
        c.ca_file,
        c.connect_timeout,
        c.timeout,
        c.max_retries,
        c.max_result_age_s,
        c.replay_cache_size,
        c.input_encoding,
        c.push_token.as_deref().map(String::as_str),
        c.push_aes_key.as_deref().map(String::as_str),
        c.push_max_skew_s,
        c.log_level,
    )
}
