//! `v1_verify` calls per second with the replay guard in this process's
//! memory, in a standalone Redis and in a three-master Redis Cluster, on 1
//! and 8 threads sharing one client, in alternating rounds in this one
//! process; the ratios are each store's rate over memory's. Beside them, a
//! bare redis-rs loop of the same SET NX EX on the standalone server (one
//! connection per thread, nothing else): the round trip every shared-store
//! verification adds, and `ceiling`, the rate a verification could reach
//! if the store cost exactly that round trip (1 / (1/memory + 1/bare)).
//! Also prints the Redis memory per remembered result.
//!
//! Every call offers a new verify_result (the double passes any), so every
//! call writes one key. The Redis servers are Debian's redis-server,
//! started here on free loopback ports with `appendonly yes` and
//! `appendfsync everysec` (the README's advice for throughput; `always`
//! costs an fsync per accepted result).
//!
//! Needs the nginx double (`benches/double/start.sh`): WXFACE_BENCH_BASE is
//! its `http://127.0.0.1:PORT`. Optional: WXFACE_BENCH_ROUND_S (default 1),
//! WXFACE_BENCH_ROUNDS (default 3). `make bench` runs it.

#[path = "../tests/common/fixtures.rs"]
mod fixtures;
#[path = "../tests/common/redis_server.rs"]
mod redis_server;
#[path = "support/rounds.rs"]
mod rounds;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use redis_server::{RedisCluster, RedisServer, PASSWORD};
use rounds::{env_num, median, per_second};
use wxface::{Client, Config, Expected};

const EXPECTED: Expected<'static> = Expected {
    name: "张三",
    id_card_number: "11010519491231002X",
    user_id_key: None,
    openid: None,
};

fn main() {
    let base = std::env::var("WXFACE_BENCH_BASE")
        .expect("WXFACE_BENCH_BASE=http://127.0.0.1:PORT of the double (benches/double/start.sh)");
    let round = Duration::from_secs_f64(env_num("WXFACE_BENCH_ROUND_S", 1.0));
    let rounds = env_num("WXFACE_BENCH_ROUNDS", 3.0) as usize;

    let throughput = ["--appendfsync", "everysec"];
    let mut auth = vec!["--requirepass", PASSWORD];
    auth.extend(throughput);
    let standalone = RedisServer::start(&auth);
    let cluster = RedisCluster::start_with(&throughput);
    let stores = [
        ("memory", "memory".to_owned()),
        ("redis", standalone.url(&format!(":{PASSWORD}@"))),
        ("cluster", cluster.setting()),
    ];
    let clients: Vec<(&str, Client)> = stores
        .iter()
        .map(|(label, store)| (*label, client(&base, store)))
        .collect();

    println!("double: nginx at {base}; redis-server {}", redis_version());
    println!(
        "{rounds} alternating rounds of {:.1} s per store and thread count; medians; a new verify_result per call",
        round.as_secs_f64()
    );
    println!(
        "{:>7} | {:>10} | {:>10} {:>6} | {:>10} {:>6} | {:>11} {:>10}",
        "threads", "memory/s", "redis/s", "ratio", "cluster/s", "ratio", "bare SET/s", "ceiling/s"
    );
    let bare_url = standalone.url(&format!(":{PASSWORD}@"));
    let serial = AtomicU64::new(0);
    for threads in [1, 8] {
        for (_, c) in &clients {
            run_round(c, threads, Duration::from_millis(200), &serial);
        }
        let mut rates: Vec<Vec<f64>> = vec![Vec::new(); clients.len() + 1];
        for _ in 0..rounds {
            for (i, (_, c)) in clients.iter().enumerate() {
                rates[i].push(run_round(c, threads, round, &serial));
            }
            rates[clients.len()].push(bare_round(&bare_url, threads, round, &serial));
        }
        let m: Vec<f64> = rates.iter_mut().map(|r| median(r)).collect();
        println!(
            "{threads:>7} | {:>10.0} | {:>10.0} {:>5.2}x | {:>10.0} {:>5.2}x | {:>11.0} {:>10.0}",
            m[0],
            m[1],
            m[1] / m[0],
            m[2],
            m[2] / m[0],
            m[3],
            1.0 / (1.0 / m[0] + 1.0 / m[3])
        );
    }

    // MEMORY USAGE of a sample of result keys: key, value, expiry and the
    // server's per-key overhead, as `redis-cli --memkeys` counts them.
    let mut look = standalone.inspect(&format!(":{PASSWORD}@"), None);
    let mut cursor = 0u64;
    let mut sample: Vec<String> = Vec::new();
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg("*:r:*")
            .arg("COUNT")
            .arg(1000)
            .query(&mut look)
            .expect("SCAN");
        sample.extend(keys);
        cursor = next;
        if cursor == 0 || sample.len() >= 1000 {
            break;
        }
    }
    let usages: Vec<u64> = sample
        .iter()
        .filter_map(|k| {
            redis::cmd("MEMORY")
                .arg("USAGE")
                .arg(k)
                .query(&mut look)
                .ok()
        })
        .collect();
    println!(
        "redis memory per remembered result: {:.0} bytes (MEMORY USAGE, mean of {} keys of {} characters)",
        usages.iter().sum::<u64>() as f64 / usages.len().max(1) as f64,
        usages.len(),
        sample.first().map_or(0, String::len)
    );
}

fn client(base: &str, store: &str) -> Client {
    let mut c = Config::new();
    for (k, v) in [
        ("appid", "wx5a3d6f1e2b4c8d90"),
        ("secret", "bench-secret"),
        ("api_base", base),
        ("proxy", "none"),
        ("state_store", store),
        ("replay_cache_size", "10000000"),
    ] {
        c.set(k, v).expect("bench configuration");
    }
    Client::new(&c).expect("bench client")
}

/// Calls per second of `threads` threads verifying new results for `length`.
fn run_round(client: &Client, threads: usize, length: Duration, serial: &AtomicU64) -> f64 {
    per_second(
        threads,
        length,
        || (),
        |_| {
            let vr = format!(
                "bench-verify-result-{}",
                serial.fetch_add(1, Ordering::Relaxed)
            );
            if let Err(e) = client.v1_verify(&vr, &EXPECTED) {
                panic!("bench verify failed: {}: {}", e.code, e.message);
            }
        },
    )
}

/// SET NX EX per second from `threads` bare redis-rs connections.
fn bare_round(url: &str, threads: usize, length: Duration, serial: &AtomicU64) -> f64 {
    let client = redis::Client::open(url).expect("bare client");
    per_second(
        threads,
        length,
        || client.get_connection().expect("bare connection"),
        |c| {
            let key = format!("bare:{}", serial.fetch_add(1, Ordering::Relaxed));
            let _: Option<String> = redis::cmd("SET")
                .arg(&key)
                .arg(1)
                .arg("NX")
                .arg("EX")
                .arg(900)
                .query(c)
                .expect("bare SET");
        },
    )
}

fn redis_version() -> String {
    std::process::Command::new("redis-server")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| {
            s.split_whitespace()
                .nth(2)
                .map(|v| v.trim_start_matches("v=").to_owned())
        })
        .unwrap_or_default()
}
