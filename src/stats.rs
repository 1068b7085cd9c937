//! Counters of one client (and every handle sharing it) since it was made:
//! calls by kind and result code, HTTP requests per WeChat endpoint,
//! retries, token fetches and rejections, replay rejections, audit write
//! failures, and call latency percentiles.
//!
//! Recording happens on every call, from every thread at once, so it takes
//! no lock shared by all threads: counters are relaxed atomics, and each
//! latency histogram is split into shards that threads pick by a
//! per-thread index, so two threads only meet on a shard by chance, and
//! then try the next one. Reading (a snapshot) is the rare, slower side.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use crate::error::Code;
use crate::response::{Response, Value};

/// The calls a client counts, times and (the verdict-bearing ones) audits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    V1GetUserIdKey,
    V1GetInfo,
    V1GetImage,
    V1Verify,
    V2GetVerifyId,
    V2Query,
    V2Wait,
    PushCheckUrl,
    PushOpen,
    TokenFetch,
}

impl Call {
    pub const ALL: [Call; 10] = [
        Call::V1GetUserIdKey,
        Call::V1GetInfo,
        Call::V1GetImage,
        Call::V1Verify,
        Call::V2GetVerifyId,
        Call::V2Query,
        Call::V2Wait,
        Call::PushCheckUrl,
        Call::PushOpen,
        Call::TokenFetch,
    ];

    /// The name in audit records, stats fields and Prometheus labels.
    pub fn name(self) -> &'static str {
        match self {
            Call::V1GetUserIdKey => "v1_get_user_id_key",
            Call::V1GetInfo => "v1_get_info",
            Call::V1GetImage => "v1_get_image",
            Call::V1Verify => "v1_verify",
            Call::V2GetVerifyId => "v2_get_verify_id",
            Call::V2Query => "v2_query",
            Call::V2Wait => "v2_wait",
            Call::PushCheckUrl => "push_check_url",
            Call::PushOpen => "push_open",
            Call::TokenFetch => "token_fetch",
        }
    }

    /// Whether the call gets an audit record: the verdicts, the start of a
    /// 2.0 verification (the one call that knows whom it is for), an opened
    /// push, and every token fetch.
    pub fn audited(self) -> bool {
        matches!(
            self,
            Call::V1Verify
                | Call::V2GetVerifyId
                | Call::V2Query
                | Call::V2Wait
                | Call::PushOpen
                | Call::TokenFetch
        )
    }

    /// Whether a success is a verdict ("VERIFIED") rather than a plain "OK".
    pub fn gives_verdict(self) -> bool {
        matches!(self, Call::V1Verify | Call::V2Query | Call::V2Wait)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The WeChat endpoints, by the last part of their path.
const ENDPOINTS: [&str; 7] = [
    "getuseridkey",
    "getinfo",
    "getimage",
    "getverifyid",
    "queryverifyinfo",
    "stable_token",
    "token",
];
/// A path that is none of the above (never, unless a new call is added
/// without its name here): counted, not lost.
const OTHER_ENDPOINT: usize = ENDPOINTS.len();

fn endpoint_index(path: &str) -> usize {
    let last = path.rsplit('/').next().unwrap_or(path);
    ENDPOINTS
        .iter()
        .position(|e| *e == last)
        .unwrap_or(OTHER_ENDPOINT)
}

/// Code values are 0..=99 (see `ABI.md`).
const CODES: usize = 100;
const SHARDS: usize = 4;
/// One microsecond to one hour, two significant digits (1 % error): about
/// 25 KiB per shard, made on a call kind's first use.
const LOWEST_US: u64 = 1;
const HIGHEST_US: u64 = 3_600_000_000;
const SIGFIG: u8 = 2;

type Shards = [Mutex<Histogram<u64>>; SHARDS];

struct Latency {
    shards: OnceLock<Box<Shards>>,
}

impl Latency {
    fn record(&self, us: u64) {
        let shards = self.shards.get_or_init(|| {
            Box::new(std::array::from_fn(|_| {
                // The bounds are constants that hdrhistogram accepts.
                Mutex::new(
                    Histogram::new_with_bounds(LOWEST_US, HIGHEST_US, SIGFIG)
                        .unwrap_or_else(|_| Histogram::new(SIGFIG).expect("2 significant digits")),
                )
            }))
        });
        let mine = shard_of_this_thread();
        for i in 0..SHARDS {
            if let Ok(mut h) = shards[(mine + i) % SHARDS].try_lock() {
                h.saturating_record(us.clamp(LOWEST_US, HIGHEST_US));
                return;
            }
        }
        let mut h = shards[mine].lock().unwrap_or_else(|p| p.into_inner());
        h.saturating_record(us.clamp(LOWEST_US, HIGHEST_US));
    }

    fn summary(&self) -> Option<LatencySummary> {
        let shards = self.shards.get()?;
        let mut all = Histogram::<u64>::new_with_bounds(LOWEST_US, HIGHEST_US, SIGFIG).ok()?;
        for shard in shards.iter() {
            let h = shard.lock().unwrap_or_else(|p| p.into_inner());
            // Same bounds, so adding cannot fail.
            let _ = all.add(&*h);
        }
        if all.is_empty() {
            return None;
        }
        Some(LatencySummary {
            count: all.len(),
            sum_us: (all.mean() * all.len() as f64).round() as u64,
            p50_us: all.value_at_quantile(0.5),
            p90_us: all.value_at_quantile(0.9),
            p99_us: all.value_at_quantile(0.99),
            max_us: all.max(),
        })
    }
}

fn shard_of_this_thread() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    SHARD.with(|s| *s)
}

/// The counters of one client.
pub(crate) struct Stats {
    made: Instant,
    outcomes: [[AtomicU64; CODES]; Call::ALL.len()],
    requests: [AtomicU64; ENDPOINTS.len() + 1],
    retries: AtomicU64,
    token_rejections: AtomicU64,
    audit_failures: AtomicU64,
    latency: [Latency; Call::ALL.len()],
}

impl Stats {
    pub(crate) fn new() -> Stats {
        Stats {
            made: Instant::now(),
            outcomes: std::array::from_fn(|_| std::array::from_fn(|_| AtomicU64::new(0))),
            requests: std::array::from_fn(|_| AtomicU64::new(0)),
            retries: AtomicU64::new(0),
            token_rejections: AtomicU64::new(0),
            audit_failures: AtomicU64::new(0),
            latency: std::array::from_fn(|_| Latency {
                shards: OnceLock::new(),
            }),
        }
    }

    /// One finished call: its code and how long it took.
    pub(crate) fn call(&self, call: Call, code: Code, took: Duration) {
        let code = usize::try_from(code as i32)
            .unwrap_or(CODES - 1)
            .min(CODES - 1);
        self.outcomes[call.index()][code].fetch_add(1, Ordering::Relaxed);
        let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.latency[call.index()].record(us);
    }

    /// One HTTP attempt at a WeChat endpoint; every attempt after the first
    /// of an exchange is a retry.
    pub(crate) fn request(&self, path: &str, retry: bool) {
        self.requests[endpoint_index(path)].fetch_add(1, Ordering::Relaxed);
        if retry {
            self.retries.fetch_add(1, Ordering::Relaxed);
        }
        ATTEMPTS.with(|a| a.set(a.get().saturating_add(1)));
    }

    /// WeChat refused the access token (40001 and kin) and it was dropped.
    pub(crate) fn token_rejected(&self) {
        self.token_rejections.fetch_add(1, Ordering::Relaxed);
    }

    /// An audit record that could not be written to `audit_file`.
    pub(crate) fn audit_failed(&self) {
        self.audit_failures.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Snapshot {
        let mut calls = Vec::new();
        let mut latency = Vec::new();
        for call in Call::ALL {
            for code in Code::ALL {
                let n = self.outcomes[call.index()][code as i32 as usize].load(Ordering::Relaxed);
                if n > 0 {
                    calls.push((call, code, n));
                }
            }
            if let Some(s) = self.latency[call.index()].summary() {
                latency.push((call, s));
            }
        }
        let count = |call: Call, codes: &mut dyn Iterator<Item = Code>| -> u64 {
            codes
                .map(|c| self.outcomes[call.index()][c as i32 as usize].load(Ordering::Relaxed))
                .sum()
        };
        let names = ENDPOINTS.iter().copied().chain(["other"]);
        Snapshot {
            uptime: self.made.elapsed(),
            requests: names
                .zip(self.requests.iter())
                .map(|(name, n)| (name, n.load(Ordering::Relaxed)))
                .filter(|(_, n)| *n > 0)
                .collect(),
            retries: self.retries.load(Ordering::Relaxed),
            token_fetches: count(Call::TokenFetch, &mut Code::ALL.into_iter()),
            token_fetch_failures: count(
                Call::TokenFetch,
                &mut Code::ALL.into_iter().filter(|c| *c != Code::Ok),
            ),
            token_rejections: self.token_rejections.load(Ordering::Relaxed),
            replay_rejections: count(Call::V1Verify, &mut std::iter::once(Code::Replayed)),
            audit_failures: self.audit_failures.load(Ordering::Relaxed),
            calls,
            latency,
        }
    }
}

thread_local! {
    /// HTTP attempts made by the call in progress on this thread. Calls are
    /// synchronous, so the thread is the call; [`Attempts`] scopes nest (a
    /// token fetch inside a verification counts its own).
    static ATTEMPTS: Cell<u32> = const { Cell::new(0) };
}

/// Counts the HTTP attempts made between `begin` and `end` on this thread.
pub(crate) struct Attempts {
    outer: u32,
}

impl Attempts {
    pub(crate) fn begin() -> Attempts {
        Attempts {
            outer: ATTEMPTS.with(|a| a.replace(0)),
        }
    }

    pub(crate) fn end(self) -> u32 {
        ATTEMPTS.with(|a| a.replace(self.outer))
    }
}

/// Latency of one call kind, in microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LatencySummary {
    pub count: u64,
    pub sum_us: u64,
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
}

/// The counters at one moment. Everything counts from the client's making.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub uptime: Duration,
    /// Calls that ended with each code; pairs never seen are left out.
    pub calls: Vec<(Call, Code, u64)>,
    /// HTTP requests per WeChat endpoint, retries included.
    pub requests: Vec<(&'static str, u64)>,
    pub retries: u64,
    /// Access tokens fetched from WeChat or the token callback, failures
    /// included; tokens shared through the state store are not fetches.
    pub token_fetches: u64,
    pub token_fetch_failures: u64,
    /// Tokens WeChat refused mid-call (then refreshed once).
    pub token_rejections: u64,
    /// 1.0 results refused as already accepted (`WXFACE_ERR_REPLAYED`).
    pub replay_rejections: u64,
    pub audit_failures: u64,
    pub latency: Vec<(Call, LatencySummary)>,
}

impl Snapshot {
    /// Flat integer fields plus `prometheus` (the text below): what
    /// `wxface_client_stats` gives C and the bindings.
    pub fn to_response(&self) -> Response {
        let mut r = Response::new();
        let int = |r: &mut Response, name: &str, v: u64| {
            r.set(name, Value::Int(i64::try_from(v).unwrap_or(i64::MAX)))
        };
        int(&mut r, "uptime_s", self.uptime.as_secs());
        int(&mut r, "retries", self.retries);
        int(&mut r, "token_fetches", self.token_fetches);
        int(&mut r, "token_fetch_failures", self.token_fetch_failures);
        int(&mut r, "token_rejections", self.token_rejections);
        int(&mut r, "replay_rejections", self.replay_rejections);
        int(&mut r, "audit_failures", self.audit_failures);
        for (call, code, n) in &self.calls {
            int(
                &mut r,
                &format!("calls.{}.{}", call.name(), code.name()),
                *n,
            );
        }
        for (endpoint, n) in &self.requests {
            int(&mut r, &format!("requests.{endpoint}"), *n);
        }
        for (call, s) in &self.latency {
            let name = call.name();
            for (what, v) in [
                ("count", s.count),
                ("sum_us", s.sum_us),
                ("p50_us", s.p50_us),
                ("p90_us", s.p90_us),
                ("p99_us", s.p99_us),
                ("max_us", s.max_us),
            ] {
                int(&mut r, &format!("latency.{name}.{what}"), v);
            }
        }
        r.set_text("prometheus", self.prometheus());
        r
    }

    /// The Prometheus text exposition format (version 0.0.4): counters with
    /// `_total`, latency as a summary in seconds with quantiles 0.5, 0.9
    /// and 0.99.
    pub fn prometheus(&self) -> String {
        use std::fmt::Write;
        fn family(out: &mut String, name: &str, kind: &str, help: &str) {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
        }
        let mut out = String::new();
        family(
            &mut out,
            "wxface_calls_total",
            "counter",
            "Calls made through the client, by call and result code.",
        );
        for (call, code, n) in &self.calls {
            let _ = writeln!(
                out,
                "wxface_calls_total{{call=\"{}\",code=\"{}\"}} {n}",
                call.name(),
                code.name()
            );
        }
        family(
            &mut out,
            "wxface_requests_total",
            "counter",
            "HTTP requests sent to WeChat, by endpoint; each retry counts.",
        );
        for (endpoint, n) in &self.requests {
            let _ = writeln!(out, "wxface_requests_total{{endpoint=\"{endpoint}\"}} {n}");
        }
        for (name, help, v) in [
            (
                "wxface_retries_total",
                "Requests sent again after a failure that was safe to retry.",
                self.retries,
            ),
            (
                "wxface_token_fetches_total",
                "Access tokens fetched from WeChat or the token callback, failures included.",
                self.token_fetches,
            ),
            (
                "wxface_token_fetch_failures_total",
                "Access token fetches that failed.",
                self.token_fetch_failures,
            ),
            (
                "wxface_token_rejections_total",
                "Access tokens WeChat refused during a call (then refreshed once).",
                self.token_rejections,
            ),
            (
                "wxface_replay_rejections_total",
                "1.0 results refused because they were already accepted.",
                self.replay_rejections,
            ),
            (
                "wxface_audit_failures_total",
                "Audit records that could not be written to audit_file.",
                self.audit_failures,
            ),
        ] {
            family(&mut out, name, "counter", help);
            let _ = writeln!(out, "{name} {v}");
        }
        family(
            &mut out,
            "wxface_call_duration_seconds",
            "summary",
            "How long calls took, by call.",
        );
        let seconds = |us: u64| us as f64 / 1e6;
        for (call, s) in &self.latency {
            let call = call.name();
            for (q, v) in [("0.5", s.p50_us), ("0.9", s.p90_us), ("0.99", s.p99_us)] {
                let _ = writeln!(
                    out,
                    "wxface_call_duration_seconds{{call=\"{call}\",quantile=\"{q}\"}} {}",
                    seconds(v)
                );
            }
            let _ = writeln!(
                out,
                "wxface_call_duration_seconds_sum{{call=\"{call}\"}} {}",
                seconds(s.sum_us)
            );
            let _ = writeln!(
                out,
                "wxface_call_duration_seconds_count{{call=\"{call}\"}} {}",
                s.count
            );
        }
        family(
            &mut out,
            "wxface_client_uptime_seconds",
            "gauge",
            "Seconds since the client was made.",
        );
        let _ = writeln!(
            out,
            "wxface_client_uptime_seconds {}",
            self.uptime.as_secs()
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_counts_under_its_code_and_unseen_pairs_are_left_out() {
        let s = Stats::new();
        s.call(Call::V1Verify, Code::Ok, Duration::from_millis(3));
        s.call(Call::V1Verify, Code::Replayed, Duration::from_millis(4));
        s.call(Call::V1Verify, Code::Replayed, Duration::from_millis(5));
        let snap = s.snapshot();
        assert_eq!(
            snap.calls,
            vec![
                (Call::V1Verify, Code::Ok, 1),
                (Call::V1Verify, Code::Replayed, 2)
            ]
        );
        assert_eq!(snap.replay_rejections, 2);
    }

    #[test]
    fn requests_count_per_endpoint_and_later_attempts_are_retries() {
        let s = Stats::new();
        s.request("/cityservice/face/identify/getinfo", false);
        s.request("/cityservice/face/identify/getinfo", true);
        s.request("/cgi-bin/stable_token", false);
        let snap = s.snapshot();
        assert_eq!(snap.requests, vec![("getinfo", 2), ("stable_token", 1)]);
        assert_eq!(snap.retries, 1);
    }

    #[test]
    fn percentiles_come_from_the_recorded_latencies_within_one_percent() {
        let s = Stats::new();
        for ms in 1..=100 {
            s.call(Call::V2Query, Code::Ok, Duration::from_millis(ms));
        }
        let (call, l) = s.snapshot().latency[0];
        assert_eq!((call, l.count), (Call::V2Query, 100));
        for (got, want) in [(l.p50_us, 50_000), (l.p90_us, 90_000), (l.p99_us, 99_000)] {
            assert!(got.abs_diff(want) <= want / 100, "{got} vs {want}");
        }
        assert!(l.max_us.abs_diff(100_000) <= 1000);
        assert!(l.sum_us.abs_diff(5_050_000) <= 50_500, "{}", l.sum_us);
    }

    #[test]
    fn counts_from_many_threads_at_once_are_all_kept() {
        let s = Stats::new();
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..1000 {
                        s.call(Call::PushOpen, Code::Ok, Duration::from_micros(20));
                    }
                });
            }
        });
        let snap = s.snapshot();
        assert_eq!(snap.calls, vec![(Call::PushOpen, Code::Ok, 8000)]);
        assert_eq!(snap.latency[0].1.count, 8000);
    }

    #[test]
    fn attempts_are_counted_per_scope_and_scopes_nest() {
        let s = Stats::new();
        let outer = Attempts::begin();
        s.request("/x/getinfo", false);
        let inner = Attempts::begin();
        s.request("/cgi-bin/stable_token", false);
        s.request("/cgi-bin/stable_token", true);
        assert_eq!(inner.end(), 2);
        s.request("/x/getinfo", true);
        assert_eq!(outer.end(), 2);
    }

    #[test]
    fn prometheus_text_has_help_type_and_one_sample_per_line() {
        let s = Stats::new();
        s.call(
            Call::V1Verify,
            Code::NameMismatch,
            Duration::from_millis(12),
        );
        s.request("/cityservice/face/identify/getinfo", false);
        let text = s.snapshot().prometheus();
        assert!(text.contains(
            "wxface_calls_total{call=\"v1_verify\",code=\"WXFACE_ERR_NAME_MISMATCH\"} 1\n"
        ));
        assert!(text.contains("wxface_requests_total{endpoint=\"getinfo\"} 1\n"));
        assert!(text.contains("# TYPE wxface_call_duration_seconds summary\n"));
        assert!(text.contains("wxface_call_duration_seconds_count{call=\"v1_verify\"} 1\n"));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (_, value) = line.rsplit_once(' ').unwrap();
            value.parse::<f64>().unwrap_or_else(|_| panic!("{line}"));
        }
    }
}
