//! How many safe-mode JSON pushes one thread can open per second: the full
//! path of `wxface::push::open` (query, signature, window, AES, appid, JSON).
//!
//! Run with `cargo run --release --example bench_push [seconds]`.

use std::time::{Duration, Instant};

use wxface::push::{self, Format, Mode, PushConfig};
use wxface::{Response, Value};

fn main() -> Result<(), wxface::Error> {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let cfg = PushConfig::new(
        "wxfaceToken2024",
        Some("kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"),
        "wx5d7c3f1e2b4a6980",
        300,
    )?;
    let now = 1_703_657_835;
    let mut event = Response::new();
    event.set_text("ToUserName", "gh_3f1c9a7b2e4d");
    event.set_text("FromUserName", "oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM");
    event.set("CreateTime", Value::Int(now));
    event.set_text("MsgType", "event");
    event.set_text("Event", "face_identify");
    event.set_text("openid", "oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM");
    event.set_text("out_seq_no", "test1234");
    event.set_text(
        "verify_result",
        "XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60cEB6Bp4ggOG-ZaiNeOTdkEORjL7HaC9ZMUMIzjcnQ",
    );
    let sealed = push::seal(&cfg, Format::Json, Mode::Safe, &event, now, "1320562132")?;

    // Warm up, and make sure the loop measures successful opens.
    for _ in 0..1000 {
        push::open(&cfg, &sealed.query, &sealed.body, now)?;
    }
    let deadline = Duration::from_secs(seconds.max(1));
    let start = Instant::now();
    let mut opened: u64 = 0;
    while start.elapsed() < deadline {
        for _ in 0..1000 {
            let e = push::open(&cfg, &sealed.query, &sealed.body, now)?;
            std::hint::black_box(&e);
        }
        opened += 1000;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "safe-mode JSON pushes opened: {opened} in {secs:.2} s = {:.0}/s on one thread ({} byte body)",
        opened as f64 / secs,
        sealed.body.len()
    );
    Ok(())
}
