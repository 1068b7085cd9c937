//! The audit trail and the counters through the Rust API, against the
//! sandbox. The shared scenario lists check one record per verdict in
//! tests/scenarios.rs; these are the calls and cases the lists do not hold.

mod common;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use common::{assert_no_pii, audit_path, Records, Sandbox, SECRET};
use wxface::audit::{verify_result_hash, Record};
use wxface::push::{Format, Mode};
use wxface::stats::Call;
use wxface::{Code, Expected};

const NAME: &str = "张三";
const ID: &str = "11010519491231002X";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const GET_INFO: &str = "/cityservice/face/identify/getinfo";

fn audited(sandbox: &Sandbox, file: Option<&std::path::Path>) -> (wxface::Client, Arc<Records>) {
    let mut cfg = sandbox.config();
    cfg.set("push_token", "pushtoken123").unwrap();
    cfg.set("push_aes_key", AES_KEY).unwrap();
    if let Some(f) = file {
        cfg.set("audit_file", f.to_str().unwrap()).unwrap();
    }
    let records = Arc::new(Records::default());
    cfg.audit_sink = Some(records.clone());
    (wxface::Client::new(&cfg).unwrap(), records)
}

/// A 1.0 verification the user passed: (verify_result, openid, user_id_key).
fn passed_v1(sandbox: &Sandbox, client: &wxface::Client) -> (String, String, String) {
    let key = client
        .v1_get_user_id_key(NAME, ID, None)
        .unwrap()
        .text("user_id_key")
        .unwrap();
    let (vr, openid) = sandbox.complete_v1(&key, &serde_json::json!({}));
    (vr, openid, key)
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn the_first_call_s_token_fetch_has_its_own_record() {
    let sandbox = Sandbox::start();
    let (client, records) = audited(&sandbox, None);
    passed_v1(&sandbox, &client);
    let all = records.take();
    assert_eq!(all.len(), 1, "getuseridkey is not audited: {all:?}");
    let r = &all[0];
    assert_eq!(
        (r.call, r.code, r.attempts),
        (Call::TokenFetch, Code::Ok, 1)
    );
    assert_eq!(r.source, Some("stable_token"));
    assert_eq!(r.outcome(), "OK");
    let token = client.token().unwrap();
    assert_no_pii(&r.to_json(), &[token.as_str(), SECRET]);
}

#[test]
fn a_refused_token_fetch_is_recorded_with_wechat_s_errcode() {
    let sandbox = Sandbox::start();
    let mut cfg = sandbox.config();
    cfg.set("secret", "a-wrong-secret-0123456789abcdef")
        .unwrap();
    let records = Arc::new(Records::default());
    cfg.audit_sink = Some(records.clone());
    let client = wxface::Client::new(&cfg).unwrap();
    let e = client.v1_verify("vr", &expected(None, None)).unwrap_err();
    assert_eq!(e.code, Code::AccessToken);
    let all = records.take();
    let calls: Vec<Call> = all.iter().map(|r| r.call).collect();
    assert_eq!(calls, [Call::TokenFetch, Call::V1Verify]);
    assert_eq!((all[0].code, all[0].errcode), (Code::AccessToken, 40125));
    assert_eq!(
        (all[1].code, all[1].outcome()),
        (Code::AccessToken, "FAILED")
    );
    for r in &all {
        assert_no_pii(&r.to_json(), &["a-wrong-secret-0123456789abcdef", NAME, ID]);
    }
}

fn expected<'a>(key: Option<&'a str>, openid: Option<&'a str>) -> Expected<'a> {
    Expected {
        name: NAME,
        id_card_number: ID,
        user_id_key: key,
        openid,
    }
}

#[test]
fn a_verdict_record_holds_the_masked_subject_and_the_result_s_hash_only() {
    let sandbox = Sandbox::start();
    let (client, records) = audited(&sandbox, None);
    let (vr, openid, key) = passed_v1(&sandbox, &client);
    records.take();
    client
        .v1_verify(&vr, &expected(Some(&key), Some(&openid)))
        .unwrap();
    let r = records.take().pop().unwrap();
    assert_eq!(r.outcome(), "VERIFIED");
    assert_eq!(r.subject.as_deref(), Some("张* 110***********002X"));
    assert_eq!(r.verify_result_hash, Some(verify_result_hash(&vr)));
    assert_eq!(r.openid, Some(wxface::mask::opaque(&openid)));
    let token = client.token().unwrap();
    assert_no_pii(
        &r.to_json(),
        &[NAME, ID, &vr, &openid, &key, token.as_str(), SECRET],
    );
}

#[test]
fn an_opened_push_is_recorded_with_its_event_order_and_result_hash() {
    let sandbox = Sandbox::start();
    let (client, records) = audited(&sandbox, None);
    let vr = "XXIzTtMqCxwOaawoE91VJdsFmv7b8g0VZIZkqf4GWA60";
    let message = format!(
        r#"{{"ToUserName":"gh_1","FromUserName":"oUser0000000001","CreateTime":{},"MsgType":"event","Event":"face_identify","openid":"oUser0000000001","out_seq_no":"HIS-20261201-0001","verify_result":"{vr}"}}"#,
        now()
    );
    let sealed = client
        .push_seal(Format::Json, Mode::Safe, message.as_bytes(), now(), "n0nce")
        .unwrap();
    client.push_open(&sealed.query, &sealed.body).unwrap();
    let r = records.take().pop().unwrap();
    assert_eq!((r.call, r.outcome()), (Call::PushOpen, "OK"));
    assert_eq!(r.event.as_deref(), Some("face_identify"));
    assert_eq!(r.out_seq_no.as_deref(), Some("HIS-20261201-0001"));
    assert_eq!(r.verify_result_hash, Some(verify_result_hash(vr)));
    assert_eq!(r.openid.as_deref(), Some("oUse…01"));
    assert_no_pii(&r.to_json(), &[vr, "oUser0000000001", AES_KEY]);
}

#[test]
fn a_refused_push_is_recorded_as_failed_with_its_code() {
    let sandbox = Sandbox::start();
    let (client, records) = audited(&sandbox, None);
    let e = client
        .push_open("signature=00&timestamp=1&nonce=2", b"{}")
        .unwrap_err();
    let r = records.take().pop().unwrap();
    assert_eq!(
        (r.call, r.code, r.outcome()),
        (Call::PushOpen, e.code, "FAILED")
    );
    assert_eq!((r.attempts, r.event.as_deref()), (0, None));
}

#[test]
fn the_audit_file_holds_the_same_lines_as_the_callback_sees() {
    let sandbox = Sandbox::start();
    let path = audit_path("same-lines");
    let (client, records) = audited(&sandbox, Some(&path));
    let (vr, openid, key) = passed_v1(&sandbox, &client);
    client.v1_verify(&vr, &expected(Some(&key), None)).unwrap();
    let replay = client.v1_verify(&vr, &expected(Some(&key), None));
    assert_eq!(replay.unwrap_err().code, Code::Replayed);
    let seen: Vec<String> = records.take().iter().map(Record::to_json).collect();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().collect::<Vec<_>>(), seen);
    assert_eq!(seen.len(), 3, "token fetch, VERIFIED, REPLAYED");
    assert_no_pii(&text, &[NAME, ID, &vr, &openid, &key, SECRET]);
}

#[test]
fn a_client_with_an_audit_file_it_cannot_open_is_a_config_error() {
    let sandbox = Sandbox::start();
    let mut cfg = sandbox.config();
    let dir = audit_path("no-such-dir").with_extension("d");
    cfg.set("audit_file", dir.join("sub/audit.jsonl").to_str().unwrap())
        .unwrap();
    let e = wxface::Client::new(&cfg).err().expect("a config error");
    assert_eq!(e.code, Code::Config);
    assert!(e.message.contains("audit_file"), "{}", e.message);
}

#[test]
fn a_logrotate_rename_starts_a_new_audit_file_without_losing_a_record() {
    let sandbox = Sandbox::start();
    let path = audit_path("rotate");
    let (client, _records) = audited(&sandbox, Some(&path));
    let (vr, _, _) = passed_v1(&sandbox, &client);
    client.v1_verify(&vr, &expected(None, None)).unwrap();
    let rotated = path.with_extension("jsonl.1");
    std::fs::rename(&path, &rotated).unwrap();
    let (vr2, _, _) = passed_v1(&sandbox, &client);
    client.v1_verify(&vr2, &expected(None, None)).unwrap();
    let old = std::fs::read_to_string(&rotated).unwrap();
    let new = std::fs::read_to_string(&path).unwrap();
    assert_eq!(old.lines().count(), 2, "{old}");
    assert_eq!(new.lines().count(), 1, "{new}");
    assert!(new.contains(&verify_result_hash(&vr2)));
}

#[test]
fn counters_follow_the_calls_codes_and_requests() {
    let sandbox = Sandbox::start();
    let client = sandbox.client();
    let (vr, _, key) = passed_v1(&sandbox, &client);
    client.v1_verify(&vr, &expected(Some(&key), None)).unwrap();
    client
        .v1_verify(&vr, &expected(Some(&key), None))
        .unwrap_err();
    let wrong = Expected {
        name: "李四",
        ..expected(Some(&key), None)
    };
    let (vr2, _, _) = passed_v1(&sandbox, &client);
    client.v1_verify(&vr2, &wrong).unwrap_err();
    let s = client.stats();
    let count = |call: Call, code: Code| {
        s.calls
            .iter()
            .find(|(c, k, _)| (*c, *k) == (call, code))
            .map_or(0, |(_, _, n)| *n)
    };
    assert_eq!(count(Call::V1Verify, Code::Ok), 1);
    assert_eq!(count(Call::V1Verify, Code::Replayed), 1);
    assert_eq!(count(Call::V1Verify, Code::NameMismatch), 1);
    assert_eq!(count(Call::V1GetUserIdKey, Code::Ok), 2);
    assert_eq!(
        count(Call::V1GetInfo, Code::Ok),
        0,
        "getinfo inside verify is not a call of its own"
    );
    assert_eq!((s.replay_rejections, s.token_fetches, s.retries), (1, 1, 0));
    let requests = |e: &str| s.requests.iter().find(|(n, _)| *n == e).map_or(0, |r| r.1);
    assert_eq!(requests("getinfo"), sandbox.requests(GET_INFO));
    assert_eq!(requests("stable_token"), 1);
    let verify = s
        .latency
        .iter()
        .find(|(c, _)| *c == Call::V1Verify)
        .unwrap()
        .1;
    assert_eq!(verify.count, 3);
    assert!(verify.p50_us > 0 && verify.p50_us <= verify.p99_us && verify.p99_us <= verify.max_us);
}

#[test]
fn a_retried_request_counts_as_a_retry_and_as_two_requests() {
    let sandbox = Sandbox::start();
    let (client, records) = audited(&sandbox, None);
    let (vr, _, _) = passed_v1(&sandbox, &client);
    records.take();
    // errcode -1: WeChat did nothing, so the request is sent again.
    sandbox.fault(serde_json::json!({"path": GET_INFO, "kind": "errcode", "errcode": -1}));
    client.v1_verify(&vr, &expected(None, None)).unwrap();
    let s = client.stats();
    assert_eq!(s.retries, 1);
    assert_eq!(
        s.requests.iter().find(|(n, _)| *n == "getinfo").unwrap().1,
        2
    );
    assert_eq!(records.take().pop().unwrap().attempts, 2);
}

#[test]
fn handles_made_with_a_timeout_share_the_client_s_counters() {
    let sandbox = Sandbox::start();
    let client = sandbox.client();
    let short = client
        .with_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    passed_v1(&sandbox, &short);
    let n: u64 = client
        .stats()
        .calls
        .iter()
        .filter(|(c, _, _)| *c == Call::V1GetUserIdKey)
        .map(|(_, _, n)| n)
        .sum();
    assert_eq!(n, 1);
}

#[test]
fn the_prometheus_text_is_valid_exposition_format() {
    let sandbox = Sandbox::start();
    let client = sandbox.client();
    passed_v1(&sandbox, &client);
    client
        .v1_verify("not-a-result", &expected(None, None))
        .unwrap_err();
    let text = client.stats().prometheus();
    let mut typed = std::collections::HashSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert!(["counter", "gauge", "summary"].contains(&kind), "{line}");
            assert!(typed.insert(name.to_owned()), "TYPE twice: {line}");
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap();
        value.parse::<f64>().unwrap_or_else(|_| panic!("{line}"));
        let name = series.split('{').next().unwrap();
        let family = name
            .strip_suffix("_sum")
            .or_else(|| name.strip_suffix("_count"))
            .filter(|f| typed.contains(*f))
            .unwrap_or(name);
        assert!(typed.contains(family), "a sample before its TYPE: {line}");
    }
    assert!(text.contains("wxface_calls_total{call=\"v1_get_user_id_key\",code=\"WXFACE_OK\"} 1\n"));
    assert!(text.contains("wxface_token_fetches_total 1\n"));
}

#[test]
fn an_audit_file_that_can_no_longer_be_written_is_counted_and_the_verdict_stands() {
    let sandbox = Sandbox::start();
    let path = audit_path("unwritable");
    let (client, records) = audited(&sandbox, Some(&path));
    let (vr, _, _) = passed_v1(&sandbox, &client);
    // The path now names a directory: reopening it for appending fails.
    std::fs::rename(&path, path.with_extension("jsonl.1")).unwrap();
    std::fs::create_dir(&path).unwrap();
    records.take();
    client.v1_verify(&vr, &expected(None, None)).unwrap();
    assert_eq!(client.stats().audit_failures, 1);
    let r = records.take().pop().unwrap();
    assert_eq!(
        r.outcome(),
        "VERIFIED",
        "the callback still gets the record"
    );
    std::fs::remove_dir(&path).unwrap();
}
