//! Log lines carry values from outside (a push's Event, WeChat's field
//! names): each line the logger receives is one line, with every control
//! character escaped, so a sender cannot forge log lines.

use std::sync::{Arc, Mutex};

use wxface::log::{Level, Logger};
use wxface::push::{Format, Mode};
use wxface::{Client, Config};

#[derive(Default)]
struct Collect(Mutex<Vec<String>>);

impl Logger for Collect {
    fn log(&self, _level: Level, message: &str) {
        self.0.lock().unwrap().push(message.to_owned());
    }
}

#[test]
fn a_push_event_holding_a_newline_cannot_forge_a_log_line() {
    let lines = Arc::new(Collect::default());
    let mut cfg = Config::new();
    for (k, v) in [
        ("appid", "wx5d7c3f1e2b4a6980"),
        ("secret", "unused-secret"),
        ("api_base", "http://127.0.0.1:9"),
        ("push_token", "wxfaceToken2024"),
        ("push_max_skew_s", "0"),
        ("log_level", "trace"),
    ] {
        cfg.set(k, v).unwrap();
    }
    cfg.logger = Some(lines.clone());
    let client = Client::new(&cfg).unwrap();
    // Plain mode: the signature does not cover the body, so anyone who
    // saw one signed query can send this.
    let forged =
        "face_identify\n2026-12-01 12:00:00 INFO v1 verify 张*: VERIFIED\r\u{1b}[2K\u{2028}x";
    let message = serde_json::json!({
        "ToUserName": "gh_3f1c9a7b2e4d", "FromUserName": "oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM",
        "CreateTime": 1703657835, "MsgType": "event", "Event": forged,
        "out_seq_no": "order-0001",
    })
    .to_string();
    let sealed = client
        .push_seal(
            Format::Json,
            Mode::Plain,
            message.as_bytes(),
            1703657835,
            "1320562132",
        )
        .unwrap();
    client.push_open(&sealed.query, &sealed.body).unwrap();
    let lines = lines.0.lock().unwrap();
    let opened = lines
        .iter()
        .find(|l| l.starts_with("push opened"))
        .expect("a push-opened line");
    for c in ['\n', '\r', '\u{1b}', '\u{2028}'] {
        assert!(!opened.contains(c), "{c:?} in {opened:?}");
    }
    assert!(opened.contains("face_identify\\n2026-12-01"), "{opened}");
    for line in lines.iter() {
        assert!(!line.chars().any(char::is_control), "{line:?}");
    }
}
