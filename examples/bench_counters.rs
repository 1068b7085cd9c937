//! What the counters and the audit trail cost per call, side by side with
//! the same work done without them in the same run: `push::open` straight
//! on the core (no client: no counters, no audit) against
//! `Client::push_open` (counted and timed), with and without an audit
//! listener, on one thread and on four threads sharing one client. A
//! push is opened locally in microseconds, so the difference is the
//! bookkeeping itself; a verification waits milliseconds on WeChat.
//!
//! Run with `cargo run --release --example bench_counters [seconds]`
//! (without WXFACE_LOG_FILE, which turns audit records on).

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wxface::audit::{AuditSink, Record};
use wxface::push::{self, Format, Mode, PushConfig};
use wxface::{Client, Config};

const TOKEN: &str = "wxfaceToken2024";
const AES_KEY: &str = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
const APPID: &str = "wx5d7c3f1e2b4a6980";

struct Discard;
impl AuditSink for Discard {
    fn record(&self, r: &Record) {
        std::hint::black_box(r.to_json());
    }
}

fn client(audit: bool) -> Client {
    let mut cfg = Config::new();
    for (k, v) in [
        ("appid", APPID),
        ("access_token", "benchmark-token-not-used"),
        ("push_token", TOKEN),
        ("push_aes_key", AES_KEY),
    ] {
        cfg.set(k, v).expect("valid setting");
    }
    if audit {
        cfg.audit_sink = Some(Arc::new(Discard));
    }
    Client::new(&cfg).expect("a client")
}

/// CPU nanoseconds per call of `f`, run on each of `threads` threads for
/// `secs` of wall time: CPU time, not wall time, so that other processes
/// on a busy machine do not count, and the best of `ROUNDS` rounds.
fn per_call(threads: usize, secs: f64, f: &(dyn Fn() + Sync)) -> f64 {
    let deadline = Duration::from_secs_f64(secs);
    let cpu_before = cpu_s();
    let total: u64 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let start = Instant::now();
                    let mut n = 0u64;
                    while start.elapsed() < deadline {
                        for _ in 0..200 {
                            f();
                        }
                        n += 200;
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    (cpu_s() - cpu_before) * 1e9 / total as f64
}

const ROUNDS: usize = 5;

fn cpu_s() -> f64 {
    // SAFETY: getrusage writes into the zeroed struct we own.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as above; RUSAGE_SELF covers every thread of the process.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(u.ru_utime) + tv(u.ru_stime)
}

fn main() -> Result<(), wxface::Error> {
    let secs: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    if std::env::var_os("WXFACE_LOG_FILE").is_some() {
        eprintln!("bench_counters: unset WXFACE_LOG_FILE (it turns audit records on everywhere)");
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let plain = client(false);
    let audited = client(true);
    let message = format!(
        r#"{{"ToUserName":"gh_3f1c9a7b2e4d","FromUserName":"oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM","CreateTime":{now},"MsgType":"event","Event":"face_identify","openid":"oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM","out_seq_no":"test1234","verify_result":"XXIzTtMqCxwOaawoE91VJdsFmv7b8g0VZIZkqf4GWA60"}}"#
    );
    let sealed = plain.push_seal(
        Format::Json,
        Mode::Safe,
        message.as_bytes(),
        now,
        "1320562132",
    )?;
    let core = PushConfig::new(TOKEN, Some(AES_KEY), APPID, 300)?;
    let (q, b) = (sealed.query.as_str(), sealed.body.as_slice());
    // Every variant must open the push: a failure would measure an error path.
    push::open(&core, q, b, now)?;
    plain.push_open(q, b)?;
    audited.push_open(q, b)?;

    println!(
        "CPU ns per call, best of {ROUNDS} interleaved rounds (lower is better); the difference to the core is the bookkeeping"
    );
    println!("{:<58} {:>10} {:>10}", "", "1 thread", "4 threads");
    let reference = || {
        std::hint::black_box(push::open(&core, q, b, now).ok());
    };
    let counted = || {
        std::hint::black_box(plain.push_open(q, b).ok());
    };
    let recorded = || {
        std::hint::black_box(audited.push_open(q, b).ok());
    };
    // A URL check refused at once (no signature): a call of well under a
    // microsecond, where the bookkeeping's own cost shows.
    let bad = "timestamp=1";
    let cheap_reference = || {
        std::hint::black_box(push::check_url(&core, bad, now).ok());
    };
    let cheap_counted = || {
        std::hint::black_box(plain.push_check_url(bad).ok());
    };
    let variants: [(&str, &(dyn Fn() + Sync)); 5] = [
        (
            "push::open on the core (reference: no counters, no audit)",
            &reference,
        ),
        (
            "Client::push_open, counters on, no audit listener",
            &counted,
        ),
        (
            "Client::push_open, counters on, audit record to a sink",
            &recorded,
        ),
        (
            "push::check_url refused, on the core (reference)",
            &cheap_reference,
        ),
        ("Client::push_check_url refused, counted", &cheap_counted),
    ];
    let mut best = [[f64::MAX; 2]; 5];
    for _ in 0..ROUNDS {
        for (i, (_, f)) in variants.iter().enumerate() {
            best[i][0] = best[i][0].min(per_call(1, secs / ROUNDS as f64, *f));
            best[i][1] = best[i][1].min(per_call(4, secs / ROUNDS as f64, *f));
        }
    }
    for ((label, _), [one, four]) in variants.iter().zip(best) {
        println!("{label:<58} {one:>10.0} {four:>10.0}");
    }
    for (name, [one, four], [r1, r4]) in [
        ("counters (push open)", best[1], best[0]),
        ("counters + audit record (push open)", best[2], best[0]),
        ("counters (refused URL check)", best[4], best[3]),
    ] {
        println!(
            "{name}: {:+.0} ns per call on 1 thread, {:+.0} ns on 4 threads",
            one - r1,
            four - r4
        );
    }
    let s = plain.stats();
    let opened = s.calls.iter().map(|(_, _, n)| n).sum::<u64>();
    println!(
        "(the counted client recorded {opened} calls; the counters are exact under contention)"
    );
    Ok(())
}
