//! Load: 64 threads share one client for 20,000 verifications, honest and
//! forged, while the token is invalidated and faults are injected. No
//! forged result is ever accepted, no honest one rejected for a verdict
//! reason, each invalidation costs exactly one token fetch, and memory stays
//! flat.

mod common;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Sandbox;
use serde_json::{json, Value};
use wxface::{Code, Expected};

const THREADS: usize = 64;
const CALLS: usize = 20_000;
const NAME: &str = "张三";
const ID: &str = "11010519491231002X";

fn rss_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// What the sandbox is told the phone did, and the only acceptable verdicts.
fn outcome(i: usize) -> (Value, &'static [Code]) {
    match i % 4 {
        0 | 1 => (json!({}), &[Code::Ok]),
        2 => (json!({ "as_name": "李四" }), &[Code::NameMismatch]),
        _ => (json!({ "identify_ret": 10004 }), &[Code::NotPassed]),
    }
}

/// Codes that say "could not judge" rather than a verdict; acceptable
/// under injected faults, never a pass.
fn is_transport_or_wechat_failure(c: Code) -> bool {
    (10..30).contains(&(c as i32))
}

#[test]
fn sixty_four_threads_twenty_thousand_verifications_no_wrong_verdict() {
    let sandbox = Arc::new(Sandbox::start());
    let client = {
        let mut cfg = sandbox.config();
        cfg.set("timeout_ms", "10000").unwrap();
        wxface::Client::new(&cfg).unwrap()
    };
    let next = Arc::new(AtomicUsize::new(0));
    let wrong = Arc::new(AtomicUsize::new(0));
    let verdicts: Arc<[AtomicU64; 4]> = Arc::new(Default::default()); // ok, rejected, failed, wrong
    let started = Instant::now();
    let mut rss_after_warmup = 0;

    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (sandbox, client, next, wrong, verdicts) = (
                sandbox.clone(),
                client.clone(),
                next.clone(),
                wrong.clone(),
                verdicts.clone(),
            );
            std::thread::spawn(move || {
                let key = client
                    .v1_get_user_id_key(NAME, ID, None)
                    .unwrap()
                    .text("user_id_key")
                    .unwrap();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= CALLS {
                        break;
                    }
                    let (phone, allowed) = outcome(i);
                    let (vr, openid) = sandbox.complete_v1(&key, &phone);
                    let expected = Expected {
                        name: NAME,
                        id_card_number: ID,
                        user_id_key: Some(&key),
                        openid: Some(&openid),
                    };
                    let code = client
                        .v1_verify(&vr, &expected)
                        .err()
                        .map_or(Code::Ok, |e| e.code);
                    let slot = if allowed.contains(&code) {
                        usize::from(code != Code::Ok)
                    } else if is_transport_or_wechat_failure(code) {
                        2
                    } else {
                        wrong.fetch_add(1, Ordering::Relaxed);
                        eprintln!("wrong verdict for call {i}: {code}");
                        3
                    };
                    verdicts[slot].fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();

    // Meanwhile: invalidate the token every 0.5 s (waiting for the refresh
    // before the next one, so each is counted alone) and inject faults.
    let mut invalidations = 0;
    let mut faults = 0;
    let mut fetches_before = sandbox.stats()["token_fetches"].as_u64().unwrap();
    while next.load(Ordering::Relaxed) < CALLS {
        std::thread::sleep(Duration::from_millis(500));
        if rss_after_warmup == 0 && next.load(Ordering::Relaxed) > CALLS / 10 {
            rss_after_warmup = rss_kib("VmRSS:");
        }
        sandbox.control("POST", "/sandbox/token/invalidate", Value::Null);
        invalidations += 1;
        let wait = Instant::now();
        while sandbox.stats()["token_fetches"].as_u64().unwrap() == fetches_before
            && next.load(Ordering::Relaxed) < CALLS
            && wait.elapsed() < Duration::from_secs(10)
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        fetches_before = sandbox.stats()["token_fetches"].as_u64().unwrap();
        for fault in [
            json!({ "path": "/cityservice/face/identify/getinfo", "kind": "errcode", "errcode": -1, "count": 3 }),
            json!({ "path": "/cityservice/face/identify/getinfo", "kind": "http_status", "status": 502, "count": 2 }),
            json!({ "path": "/cityservice/face/identify/getinfo", "kind": "reset", "count": 1 }),
        ] {
            sandbox.fault(fault);
        }
        faults += 6;
    }
    for w in workers {
        w.join().unwrap();
    }
    sandbox.control("DELETE", "/sandbox/faults", Value::Null);
    let elapsed = started.elapsed();
    // The last invalidation may have come after the last call: one more
    // call settles it, so every invalidation has had its refresh.
    client.v1_get_user_id_key(NAME, ID, None).unwrap();
    let stats = sandbox.stats();
    let token_fetches = stats["token_fetches"].as_u64().unwrap();
    let v: Vec<u64> = verdicts.iter().map(|a| a.load(Ordering::Relaxed)).collect();
    let (rss_end, peak) = (rss_kib("VmRSS:"), rss_kib("VmHWM:"));
    println!(
        "soak: {CALLS} verify calls on {THREADS} threads in {:.1} s; {} verified, {} rejected, {} failed under faults, {} wrong; \
         {invalidations} token invalidations, {token_fetches} token fetches; {faults} faults queued, {} applied; \
         RSS {} KiB after warm-up, {} KiB at the end, peak {} KiB",
        elapsed.as_secs_f64(), v[0], v[1], v[2], v[3], stats["faults_applied"], rss_after_warmup, rss_end, peak
    );
    assert_eq!(wrong.load(Ordering::Relaxed), 0, "wrong verdicts");
    assert_eq!(
        token_fetches,
        1 + invalidations,
        "one fetch at the start, then exactly one per invalidation"
    );
    assert!(
        v[0] >= (CALLS as u64) / 2 - v[2],
        "honest users must pass unless a fault hit them"
    );
    if rss_after_warmup > 0 {
        assert!(
            rss_end < rss_after_warmup + 32 * 1024,
            "memory grew from {rss_after_warmup} to {rss_end} KiB"
        );
    }
}
