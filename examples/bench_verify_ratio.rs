//! `wxface_v1_verify` through the C ABI against a bare ureq keep-alive loop
//! doing the same POST and JSON parse, in alternating rounds in this one
//! process, on 1, 4 and 16 threads sharing one client (one agent). Prints
//! each side's calls per second, the ratio (the median of the rounds' own
//! ratios, with the lowest and highest, so the spread of a noisy machine
//! shows), each side's user and system CPU per call, and the threads
//! started and host-name lookups per 1,000 library calls.
//!
//! Needs the nginx double (`benches/double/start.sh`): WXFACE_BENCH_BASE is
//! its `http://127.0.0.1:PORT`, WXFACE_BENCH_DOUBLE its master's pid (for
//! its CPU figures). Thread and lookup counts need `benches/count/count.c`
//! preloaded (LD_PRELOAD); without it they print as n/a. Optional:
//! WXFACE_BENCH_ROUND_S (seconds per round, default 0.4), WXFACE_BENCH_ROUNDS
//! (rounds per side and thread count, default 15: many short rounds, each
//! side first in every other one), WXFACE_BENCH_THREADS
//! (default `1,4,16`), WXFACE_BENCH_SIDE (`wxface` or `ureq`: run only that
//! side, for profiling one side with perf or strace; no ratio is printed).
//! `make bench` runs it.

use std::ffi::{c_char, CStr, CString};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

// The C ABI as a C program declares it from include/wxface.h; the symbols
// come from the library this example links (the same exported functions).
#[allow(non_camel_case_types)]
type wxface_config = std::ffi::c_void;
#[allow(non_camel_case_types)]
type wxface_client = std::ffi::c_void;

#[allow(non_camel_case_types)]
#[repr(C)]
struct wxface_error {
    code: i32,
    wechat_errcode: i32,
    verify_ret: i32,
    http_status: i32,
    message: [c_char; 512],
}

extern "C" {
    fn wxface_config_new() -> *mut wxface_config;
    fn wxface_config_set(
        cfg: *mut wxface_config,
        key: *const c_char,
        value: *const c_char,
        err: *mut wxface_error,
    ) -> i32;
    fn wxface_config_free(cfg: *mut wxface_config);
    fn wxface_client_new(
        cfg: *const wxface_config,
        out: *mut *mut wxface_client,
        err: *mut wxface_error,
    ) -> i32;
    #[allow(clippy::too_many_arguments)]
    fn wxface_v1_verify(
        c: *mut wxface_client,
        verify_result: *const c_char,
        name: *const c_char,
        id_card_number: *const c_char,
        user_id_key: *const c_char,
        openid: *const c_char,
        out: *mut *mut std::ffi::c_void,
        err: *mut wxface_error,
    ) -> i32;
}

// Keeps the library (and its exported symbols) linked into this example.
use wxface as _;

#[path = "support/bare.rs"]
mod bare;
#[path = "support/rounds.rs"]
mod rounds;
use bare::Bare;
use rounds::{env_num, median};

const NAME: &CStr = c"张三";
const ID: &CStr = c"11010519491231002X";

fn main() {
    let base = std::env::var("WXFACE_BENCH_BASE")
        .expect("WXFACE_BENCH_BASE=http://127.0.0.1:PORT of the double (benches/double/start.sh)");
    let port = base.rsplit(':').next().unwrap_or_default().to_owned();
    let round = Duration::from_secs_f64(env_num("WXFACE_BENCH_ROUND_S", 0.4));
    let rounds = env_num("WXFACE_BENCH_ROUNDS", 15.0) as usize;
    let double = Double::find();
    let counts = Counters::find();

    // The library reaches the double by name, as it reaches WeChat: the
    // cached resolver is part of what is measured. The bare loop gets the
    // address literal, its fastest case.
    let library = Library::new(&format!("http://localhost:{port}"));
    let reference = Bare::new(&base);

    println!("double: nginx (Debian's nginx-light, 2 workers) at {base}, fixed answers");
    println!(
        "{rounds} rounds of {:.1} s per side and thread count, the two sides back to back, each first in every other round",
        round.as_secs_f64()
    );
    println!(
        "{:>7} | {:>9} {:>9} | {:>6} {:>11} | {:>13} | {:>13} | {:>7} {:>7} | {:>9}",
        "threads",
        "wxface/s",
        "ureq/s",
        "ratio",
        "low-high",
        "user us wx ureq",
        "sys us wx ureq",
        "threads",
        "lookups",
        "double"
    );
    let thread_counts: Vec<usize> = std::env::var("WXFACE_BENCH_THREADS")
        .ok()
        .map(|v| v.split(',').filter_map(|t| t.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 4, 16]);
    let side = std::env::var("WXFACE_BENCH_SIDE").unwrap_or_default();
    let (run_lib, run_bare) = match side.as_str() {
        "" => (true, true),
        "wxface" => (true, false),
        "ureq" => (false, true),
        other => panic!("WXFACE_BENCH_SIDE={other}: wxface or ureq"),
    };
    for threads in thread_counts {
        let mut lib = Side::default();
        let mut bare = Side::default();
        let mut pair_ratios = Vec::new();
        let (mut started, mut looked_up) = (0u64, 0u64);
        let (mut double_cpu, mut all_calls) = (0.0f64, 0u64);
        let lib_call = |t, i| library.verify(t, i);
        let bare_call = |_, i| {
            reference.verify(i);
        };
        // Warm: the token, the connections and the resolver's cache.
        for (run, call) in [(run_lib, &lib_call as Work), (run_bare, &bare_call)] {
            if run {
                library.next_round();
                run_round(threads, Duration::from_millis(200), call, &counts);
            }
        }
        for r in 0..rounds {
            let before = double.cpu_s();
            // Each side goes first in every other round, so that neither
            // always inherits the other's connections' and caches' state.
            let lib_first = r % 2 == 0;
            let mut pair = [None, None];
            for turn in 0..2 {
                let is_lib = (turn == 0) == lib_first;
                if is_lib && run_lib {
                    library.next_round();
                    let got = run_round(threads, round, &lib_call, &counts);
                    started += got.threads_started;
                    looked_up += got.lookups;
                    all_calls += got.calls;
                    pair[0] = Some(lib.add(&got));
                } else if !is_lib && run_bare {
                    let got = run_round(threads, round, &bare_call, &counts);
                    all_calls += got.calls;
                    pair[1] = Some(bare.add(&got));
                }
            }
            if let [Some(l), Some(b)] = pair {
                pair_ratios.push(l / b);
            }
            double_cpu += double.cpu_s() - before;
        }
        let lib_calls = lib.calls;
        let per_k = |n: u64| match counts {
            Some(_) => format!("{:.2}", n as f64 * 1000.0 / lib_calls as f64),
            None => "n/a".to_owned(),
        };
        let (ratio, low, high) = spread(&mut pair_ratios);
        println!(
            "{threads:>7} | {:>9.0} {:>9.0} | {ratio:>5.2}x {low:>5.2}-{high:<5.2} | {:>6.1} {:>6.1} | {:>6.1} {:>6.1} | {:>7} {:>7} | {:>6.1} us",
            lib.rate(),
            bare.rate(),
            lib.user_us(),
            bare.user_us(),
            lib.sys_us(),
            bare.sys_us(),
            per_k(started),
            per_k(looked_up),
            double_cpu * 1e6 / all_calls as f64
        );
    }
    println!(
        "(ratio: the median of the rounds' wxface/ureq ratios, each round's two sides run back to back, then\n \
         their lowest and highest; calls/s and CPU: medians over the rounds; user, sys: this process's CPU\n \
         per call; threads, lookups: started per 1,000 wxface calls after warm-up; double: nginx's CPU per call)"
    );
    let failed = (
        library.failures.load(Ordering::Relaxed),
        reference.failures.load(Ordering::Relaxed),
    );
    if failed != (0, 0) {
        eprintln!(
            "bench_verify_ratio: {} library and {} bare calls failed",
            failed.0, failed.1
        );
        std::process::exit(1);
    }
}

type Work<'a> = &'a (dyn Fn(usize, u64) + Sync);

/// The median, or NaN (printed as such) for a side that did not run.
fn median_or_nan(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        f64::NAN
    } else {
        median(v)
    }
}

/// The median, lowest and highest of the rounds' ratios (NaN when one side did not run).
fn spread(v: &mut [f64]) -> (f64, f64, f64) {
    let m = median_or_nan(v);
    match (v.first(), v.last()) {
        (Some(&low), Some(&high)) => (m, low, high),
        _ => (m, f64::NAN, f64::NAN),
    }
}

/// One side's rounds at one thread count.
#[derive(Default)]
struct Side {
    rates: Vec<f64>,
    user_us: Vec<f64>,
    sys_us: Vec<f64>,
    calls: u64,
}

impl Side {
    /// Records a round; gives its calls per second.
    fn add(&mut self, r: &Round) -> f64 {
        let rate = r.calls as f64 / r.elapsed;
        self.rates.push(rate);
        self.user_us.push(r.cpu_s.0 * 1e6 / r.calls as f64);
        self.sys_us.push(r.cpu_s.1 * 1e6 / r.calls as f64);
        self.calls += r.calls;
        rate
    }

    fn rate(&mut self) -> f64 {
        median_or_nan(&mut self.rates)
    }

    fn user_us(&mut self) -> f64 {
        median_or_nan(&mut self.user_us)
    }

    fn sys_us(&mut self) -> f64 {
        median_or_nan(&mut self.sys_us)
    }
}

struct Round {
    calls: u64,
    elapsed: f64,
    /// This process's user and system CPU seconds during the round.
    cpu_s: (f64, f64),
    threads_started: u64,
    lookups: u64,
}

/// `threads` threads call `work(thread, i)` until `length` has passed; the
/// threads are started before the clock and the counters start.
fn run_round(threads: usize, length: Duration, work: Work<'_>, counts: &Option<Counters>) -> Round {
    let stop = AtomicBool::new(false);
    let calls = AtomicU64::new(0);
    let start = Barrier::new(threads + 1);
    let (t0, cpu0, c0) = std::thread::scope(|s| {
        for t in 0..threads {
            let (stop, calls, start) = (&stop, &calls, &start);
            s.spawn(move || {
                start.wait();
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    work(t, i);
                    i += 1;
                }
                calls.fetch_add(i, Ordering::Relaxed);
            });
        }
        start.wait();
        let marks = (Instant::now(), cpu_s(), counts.map(|c| c.read()));
        std::thread::sleep(length);
        stop.store(true, Ordering::Relaxed);
        marks
    });
    // After the join: the calls still running at `stop` are counted and timed.
    let elapsed = t0.elapsed().as_secs_f64();
    let (threads_started, lookups) = match (counts.map(|c| c.read()), c0) {
        (Some(after), Some(before)) => (after.0 - before.0, after.1 - before.1),
        _ => (0, 0),
    };
    Round {
        calls: calls.into_inner(),
        elapsed,
        cpu_s: {
            let now = cpu_s();
            (now.0 - cpu0.0, now.1 - cpu0.1)
        },
        threads_started,
        lookups,
    }
}

/// This process's (user, system) CPU seconds so far, every thread's.
fn cpu_s() -> (f64, f64) {
    // SAFETY: getrusage writes into the zeroed struct we own.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as above; RUSAGE_SELF covers every thread of the process.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (tv(u.ru_utime), tv(u.ru_stime))
}

/// The library through its C ABI, one client shared by every thread.
struct Library {
    client: *mut wxface_client,
    failures: AtomicU64,
    /// Numbers the rounds, so that verify_results never repeat: a call
    /// numbers its own from its round, thread and count, touching nothing
    /// the other threads write (as the bare loop's calls do).
    round: AtomicU64,
}

// SAFETY: the header declares a client safe to share between threads.
unsafe impl Sync for Library {}

impl Library {
    fn new(base: &str) -> Library {
        // SAFETY: a fresh config, freed below; keys and values are C strings.
        unsafe {
            let cfg = wxface_config_new();
            for (k, v) in [
                ("appid", "wx5a3d6f1e2b4c8d90"),
                ("secret", "bench-secret-0123456789abcdef"),
                ("api_base", base),
                ("proxy", "none"),
            ] {
                let (k, v) = (CString::new(k).unwrap(), CString::new(v).unwrap());
                let rc = wxface_config_set(cfg, k.as_ptr(), v.as_ptr(), ptr::null_mut());
                assert_eq!(rc, 0, "wxface_config_set");
            }
            let mut client = ptr::null_mut();
            let rc = wxface_client_new(cfg, &mut client, ptr::null_mut());
            assert_eq!(rc, 0, "wxface_client_new");
            wxface_config_free(cfg);
            Library {
                client,
                failures: AtomicU64::new(0),
                round: AtomicU64::new(0),
            }
        }
    }

    /// Called before each round of calls.
    fn next_round(&self) {
        self.round.fetch_add(1, Ordering::Relaxed);
    }

    /// A distinct verify_result per call: the replay guard works as usual.
    fn verify(&self, thread: usize, i: u64) {
        let round = self.round.load(Ordering::Relaxed);
        // One allocation, like the bare loop's body: the NUL comes with the text.
        let vr = format!("bench-{round}-{thread}-{i}\0");
        let mut err = std::mem::MaybeUninit::<wxface_error>::uninit();
        // SAFETY: live client, NUL-terminated strings, `err` is written by the call.
        let rc = unsafe {
            wxface_v1_verify(
                self.client,
                vr.as_ptr().cast::<c_char>(),
                NAME.as_ptr(),
                ID.as_ptr(),
                ptr::null::<c_char>(),
                ptr::null::<c_char>(),
                ptr::null_mut(),
                err.as_mut_ptr(),
            )
        };
        if rc != 0 && self.failures.fetch_add(1, Ordering::Relaxed) == 0 {
            // SAFETY: the call filled `err` on failure.
            let e = unsafe { err.assume_init() };
            // SAFETY: the message is NUL-terminated within its array.
            let m = unsafe { CStr::from_ptr(e.message.as_ptr()) };
            eprintln!("wxface_v1_verify failed: {rc}: {}", m.to_string_lossy());
        }
    }
}

/// The CPU time of the double's worker processes, from /proc.
struct Double {
    workers: Vec<u32>,
}

impl Double {
    fn find() -> Double {
        let master: Option<u32> = std::env::var("WXFACE_BENCH_DOUBLE")
            .ok()
            .and_then(|p| p.parse().ok());
        let workers = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| master.is_some() && stat(*pid).map(|s| s.0) == master)
            .collect();
        Double { workers }
    }

    fn cpu_s(&self) -> f64 {
        // SAFETY: sysconf has no preconditions.
        let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
        self.workers
            .iter()
            .filter_map(|p| stat(*p))
            .map(|s| s.1 as f64 / ticks)
            .sum()
    }
}

/// (parent pid, utime + stime in clock ticks) of a process.
fn stat(pid: u32) -> Option<(u32, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; fields resume after its ')'.
    let fields: Vec<&str> = text.rsplit_once(')')?.1.split_whitespace().collect();
    let ppid = fields.get(1)?.parse().ok()?;
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some((ppid, ticks))
}

/// benches/count/count.c's counters, when it is preloaded.
#[derive(Clone, Copy)]
struct Counters {
    threads: extern "C" fn() -> libc::c_ulong,
    lookups: extern "C" fn() -> libc::c_ulong,
}

impl Counters {
    fn find() -> Option<Counters> {
        let get = |name: &CStr| {
            // SAFETY: dlsym with a NUL-terminated name; NULL if absent.
            let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
            // SAFETY: the shim defines these as `unsigned long f(void)`.
            (!p.is_null()).then(|| unsafe {
                std::mem::transmute::<*mut libc::c_void, extern "C" fn() -> libc::c_ulong>(p)
            })
        };
        Some(Counters {
            threads: get(c"wxface_bench_threads_started")?,
            lookups: get(c"wxface_bench_lookups")?,
        })
    }

    // c_ulong is u64 here but 32 bits on other targets.
    #[allow(clippy::unnecessary_cast)]
    fn read(&self) -> (u64, u64) {
        ((self.threads)() as u64, (self.lookups)() as u64)
    }
}
