//! What the benchmark programs share: their settings from the environment,
//! medians, and "calls per second of N threads doing one thing for a while".
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

pub fn env_num(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Calls per second of `threads` threads, each running `call` in a loop for
/// `length` once all have started; `state` makes each thread's own state
/// (a connection) before the clock starts.
pub fn per_second<S>(
    threads: usize,
    length: Duration,
    state: impl Fn() -> S + Sync,
    call: impl Fn(&mut S) + Sync,
) -> f64 {
    let stop = AtomicBool::new(false);
    let calls = AtomicU64::new(0);
    let start = Barrier::new(threads + 1);
    let began = std::thread::scope(|s| {
        for _ in 0..threads {
            let (stop, calls, start, state, call) = (&stop, &calls, &start, &state, &call);
            s.spawn(move || {
                let mut own = state();
                start.wait();
                while !stop.load(Ordering::Relaxed) {
                    call(&mut own);
                    calls.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        start.wait();
        let began = Instant::now();
        std::thread::sleep(length);
        stop.store(true, Ordering::Relaxed);
        began
    });
    calls.load(Ordering::Relaxed) as f64 / began.elapsed().as_secs_f64()
}
