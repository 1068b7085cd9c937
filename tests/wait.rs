//! The bounded 2.0 wait: it asks again while the answer is PENDING, and
//! never runs past the caller's deadline or the verify_id's life.

mod common;

use std::time::{Duration, Instant};

use common::Sandbox;
use serde_json::json;
use wxface::wait::Cancel;
use wxface::{Client, Code};

const NAME: &str = "张三";
const ID: &str = "11010519491231002X";
const OPENID: &str = "o_wait_user_00000000000000001";
const QUERY: &str = "/cityservice/face/identify/queryverifyinfo";

fn client(sandbox: &Sandbox, interval_ms: &str) -> Client {
    let mut cfg = sandbox.config();
    cfg.set("wait_interval_ms", interval_ms).unwrap();
    Client::new(&cfg).unwrap()
}

/// (verify_id, out_seq_no, cert_hash) of a fresh 2.0 verification.
fn start(client: &Client) -> (String, String, String) {
    let seq = wxface::out_seq_no::new();
    let r = client.v2_get_verify_id(&seq, OPENID, NAME, ID).unwrap();
    (
        r.text("verify_id").unwrap(),
        seq,
        r.text("cert_hash").unwrap(),
    )
}

#[test]
fn wait_asks_again_while_pending_and_returns_the_pass() {
    let sandbox = Sandbox::start();
    let client = client(&sandbox, "20");
    let (vid, seq, hash) = start(&client);
    sandbox.control(
        "POST",
        "/sandbox/v2/complete",
        json!({"verify_id": vid, "checking_queries": 3}),
    );
    let r = client
        .v2_wait(&vid, &seq, OPENID, &hash, Duration::from_secs(20), None)
        .unwrap();
    assert_eq!(r.int("verify_ret"), Some(10000));
    assert_eq!(
        sandbox.requests(QUERY),
        4,
        "three 10005 answers, then the pass"
    );
}

#[test]
fn pauses_grow_between_queries() {
    let sandbox = Sandbox::start();
    let client = client(&sandbox, "100");
    let (vid, seq, hash) = start(&client);
    let started = Instant::now();
    let e = client
        .v2_wait(&vid, &seq, OPENID, &hash, Duration::from_millis(1600), None)
        .unwrap_err();
    assert_eq!(e.code, Code::Pending);
    // Pauses 100, 200, 400, 800 ms: five queries fit in 1.6 s, not sixteen.
    let queries = sandbox.requests(QUERY);
    assert!((4..=6).contains(&queries), "{queries} queries");
    assert!(started.elapsed() <= Duration::from_millis(1650));
}

#[test]
fn wait_never_runs_past_the_callers_deadline() {
    let sandbox = Sandbox::start();
    let client = client(&sandbox, "20");
    let (vid, seq, hash) = start(&client);
    for deadline_ms in [1, 50, 333, 900] {
        let started = Instant::now();
        let e = client
            .v2_wait(
                &vid,
                &seq,
                OPENID,
                &hash,
                Duration::from_millis(deadline_ms),
                None,
            )
            .unwrap_err();
        let took = started.elapsed();
        if deadline_ms < 100 {
            // The first query itself may not finish in so little time.
            assert!(matches!(e.code, Code::Pending | Code::Timeout), "{e}");
        } else {
            assert_eq!((e.code, e.verify_ret), (Code::Pending, 10300), "{e}");
        }
        assert!(
            took <= Duration::from_millis(deadline_ms + 50),
            "{took:?} for a {deadline_ms} ms deadline"
        );
    }
}

#[test]
fn a_slow_wechat_does_not_stretch_the_deadline() {
    let sandbox = Sandbox::start();
    let client = client(&sandbox, "20");
    let (vid, seq, hash) = start(&client);
    sandbox.fault(json!({"path": QUERY, "kind": "delay", "delay_ms": 5000, "count": 0}));
    let started = Instant::now();
    let e = client
        .v2_wait(&vid, &seq, OPENID, &hash, Duration::from_millis(400), None)
        .unwrap_err();
    assert_eq!(e.code, Code::Timeout, "{e}");
    assert!(started.elapsed() <= Duration::from_millis(450));
}

#[test]
fn wait_ends_when_the_verify_id_life_learned_from_getverifyid_ends() {
    let sandbox = Sandbox::start();
    let client = client(&sandbox, "20");
    sandbox.control(
        "POST",
        "/sandbox/v2/verify-id-life",
        json!({"expires_in": 1}),
    );
    let (vid, seq, hash) = start(&client);
    let started = Instant::now();
    let e = client
        .v2_wait(&vid, &seq, OPENID, &hash, Duration::from_secs(60), None)
        .unwrap_err();
    assert_eq!(e.code, Code::VerifyIdExpired, "{e}");
    assert!(started.elapsed() <= Duration::from_millis(1050));
}

#[test]
fn a_verify_id_from_elsewhere_that_expired_ends_the_wait_with_wechats_answer() {
    let sandbox = Sandbox::start();
    let other_process = client(&sandbox, "20");
    let (vid, seq, hash) = start(&other_process);
    sandbox.control(
        "POST",
        "/sandbox/v2/age",
        json!({"verify_id": vid, "by_s": 3600}),
    );
    let e = client(&sandbox, "20")
        .v2_wait(&vid, &seq, OPENID, &hash, Duration::from_secs(60), None)
        .unwrap_err();
    assert_eq!((e.code, e.wechat_errcode), (Code::VerifyIdExpired, 84022));
    assert_eq!(sandbox.requests(QUERY), 1);
}

#[test]
fn a_fired_cancel_ends_the_wait_still_pending() {
    let sandbox = Sandbox::start();
    let client = client(&sandbox, "1000");
    let (vid, seq, hash) = start(&client);
    let cancel = Cancel::new();
    let firing = cancel.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        firing.fire();
    });
    let started = Instant::now();
    let e = client
        .v2_wait(
            &vid,
            &seq,
            OPENID,
            &hash,
            Duration::from_secs(60),
            Some(&cancel),
        )
        .unwrap_err();
    t.join().unwrap();
    assert_eq!(e.code, Code::Pending);
    assert!(e.message.contains("cancelled"), "{}", e.message);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_final_answer_other_than_pending_is_returned_at_once() {
    let sandbox = Sandbox::start();
    let client = client(&sandbox, "20");
    let (vid, seq, hash) = start(&client);
    sandbox.control(
        "POST",
        "/sandbox/v2/complete",
        json!({"verify_id": vid, "verify_ret": 10026}),
    );
    let e = client
        .v2_wait(&vid, &seq, OPENID, &hash, Duration::from_secs(20), None)
        .unwrap_err();
    assert_eq!((e.code, e.verify_ret), (Code::NotPassed, 10026));
    assert!(
        e.message.contains("authoritative database"),
        "{}",
        e.message
    );
    assert_eq!(sandbox.requests(QUERY), 1);
}
