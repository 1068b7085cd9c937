//! N calls of one kind through the C ABI (or the bare ureq loop of
//! `bench_verify_ratio`), on one thread after a warm-up, for counting
//! instructions per call: CPU time on a shared machine swings by tens of
//! microseconds, `valgrind --tool=callgrind` counts do not. Run it twice,
//! with N calls and with none, and divide the difference by N:
//!
//! ```sh
//! eval "$(benches/double/start.sh target/bench-double)"
//! for n in 0 1000; do
//!   valgrind --tool=callgrind --callgrind-out-file=cg.verify.$n \
//!     target/release/examples/bench_instructions verify $n
//! done
//! ```
//!
//! Kinds: `verify` (`wxface_v1_verify`), `query` (`wxface_v2_query`),
//! `push` (`wxface_push_open` then `wxface_response_texts`, what the
//! bindings do), `bare` (ureq: the same POST and JSON parse as `verify`).
//! Each call is checked: a failure ends the program with status 1. Needs
//! WXFACE_BENCH_BASE (the nginx double's `http://127.0.0.1:PORT`) for all
//! but `push`.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

#[path = "support/bare.rs"]
mod bare;
use bare::Bare;
use wxface::ffi::client::{wxface_client, wxface_client_new};
use wxface::ffi::config::{wxface_config_free, wxface_config_new, wxface_config_set};
use wxface::ffi::error::wxface_error;
use wxface::ffi::push::{wxface_push_open, wxface_push_seal};
use wxface::ffi::response::{
    wxface_response, wxface_response_bytes, wxface_response_free, wxface_response_texts,
};
use wxface::ffi::v1::wxface_v1_verify;
use wxface::ffi::v2::wxface_v2_query;

const WARM_UP: u64 = 50;
const NAME: &CStr = c"张三";
const ID: &CStr = c"11010519491231002X";

fn main() {
    let mut args = std::env::args().skip(1);
    let kind = args.next().unwrap_or_default();
    let n: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let base = || {
        std::env::var("WXFACE_BENCH_BASE")
            .expect("WXFACE_BENCH_BASE=http://127.0.0.1:PORT of the double")
    };
    let mut call: Box<dyn FnMut(u64) -> bool> = match kind.as_str() {
        "verify" => {
            let c = client(&[("api_base", &by_name(&base()))]);
            Box::new(move |i| verify(c, i))
        }
        "query" => {
            let c = client(&[("api_base", &by_name(&base()))]);
            Box::new(move |_| query(c))
        }
        "push" => {
            let c = client(&[
                ("push_token", "wxfaceToken2024"),
                (
                    "push_aes_key",
                    "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
                ),
            ]);
            let (query, body) = sealed(c);
            Box::new(move |_| push(c, &query, &body))
        }
        "bare" => {
            let bare = Bare::new(&base());
            Box::new(move |i| bare.verify(i))
        }
        _ => {
            eprintln!("usage: bench_instructions verify|query|push|bare [N]");
            std::process::exit(2);
        }
    };
    // Warm: the token, the connection, the resolver's cache; then the
    // measured calls, numbered past the warm-up's (verify_results differ).
    for i in 0..WARM_UP + n {
        if !call(i) {
            eprintln!("bench_instructions: {kind} call {i} failed");
            std::process::exit(1);
        }
    }
}

/// The library reaches the double by name, as it reaches WeChat.
fn by_name(base: &str) -> String {
    let port = base.rsplit(':').next().unwrap_or_default();
    format!("http://localhost:{port}")
}

fn client(extra: &[(&str, &str)]) -> *mut wxface_client {
    let keys = [
        ("appid", "wx5d7c3f1e2b4a6980"),
        ("secret", "bench-secret-0123456789abcdef"),
        ("proxy", "none"),
    ];
    // SAFETY: a fresh config, freed below; keys and values are C strings.
    unsafe {
        let cfg = wxface_config_new();
        for (k, v) in keys.iter().chain(extra) {
            let (k, v) = (CString::new(*k).unwrap(), CString::new(*v).unwrap());
            let rc = wxface_config_set(cfg, k.as_ptr(), v.as_ptr(), ptr::null_mut());
            assert_eq!(rc, 0, "wxface_config_set");
        }
        let mut c = ptr::null_mut();
        let rc = wxface_client_new(cfg, &mut c, ptr::null_mut());
        assert_eq!(rc, 0, "wxface_client_new");
        wxface_config_free(cfg);
        c
    }
}

fn verify(c: *mut wxface_client, i: u64) -> bool {
    let vr = CString::new(format!("bench-{i}")).unwrap();
    let mut err = std::mem::MaybeUninit::<wxface_error>::uninit();
    // SAFETY: a live client, NUL-terminated strings, `err` written by the call.
    let rc = unsafe {
        wxface_v1_verify(
            c,
            vr.as_ptr(),
            NAME.as_ptr(),
            ID.as_ptr(),
            ptr::null(),
            ptr::null(),
            ptr::null_mut(),
            err.as_mut_ptr(),
        )
    };
    checked(rc, &err)
}

fn query(c: *mut wxface_client) -> bool {
    let mut out = ptr::null_mut();
    let mut err = std::mem::MaybeUninit::<wxface_error>::uninit();
    // SAFETY: a live client, NUL-terminated strings; `out` ours to free.
    unsafe {
        let rc = wxface_v2_query(
            c,
            c"verify-id-0123456789".as_ptr(),
            c"20261201000000000001".as_ptr(),
            c"oBenchOpenid0123456789abcdef".as_ptr(),
            c"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".as_ptr(),
            &mut out,
            err.as_mut_ptr(),
        );
        wxface_response_free(out);
        checked(rc, &err)
    }
}

/// True on WXFACE_OK; else prints the message the call filled in.
fn checked(rc: i32, err: &std::mem::MaybeUninit<wxface_error>) -> bool {
    if rc != 0 {
        // SAFETY: the call filled `err` on failure; its message ends in NUL.
        let m = unsafe { CStr::from_ptr((*err.as_ptr()).message.as_ptr()) };
        eprintln!("code {rc}: {}", m.to_string_lossy());
    }
    rc == 0
}

/// A safe-mode JSON push sealed by the library itself, now-stamped.
fn sealed(c: *mut wxface_client) -> (CString, Vec<u8>) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let message = format!(
        r#"{{"ToUserName":"gh_3f1c9a7b2e4d","FromUserName":"oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM","CreateTime":{now},"MsgType":"event","Event":"face_identify","openid":"oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM","out_seq_no":"test1234","verify_result":"XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60cEB6Bp4ggOG-ZaiNeOTdkEORjL7HaC9ZMUMIzjcnQ"}}"#
    );
    let mut out = ptr::null_mut();
    // SAFETY: a live client, C strings and `message.len()` bytes; `out` ours.
    unsafe {
        let rc = wxface_push_seal(
            c,
            c"json".as_ptr(),
            c"safe".as_ptr(),
            message.as_ptr().cast(),
            message.len(),
            now as i64,
            c"1320562132".as_ptr(),
            &mut out,
            ptr::null_mut(),
        );
        assert_eq!(rc, 0, "wxface_push_seal");
        let field = |name: &CStr| {
            let (mut data, mut len) = (ptr::null(), 0);
            let rc =
                wxface_response_bytes(out, name.as_ptr(), &mut data, &mut len, ptr::null_mut());
            assert_eq!(rc, 0, "wxface_response_bytes");
            std::slice::from_raw_parts(data, len).to_vec()
        };
        let query = CString::new(field(c"query")).unwrap();
        let body = field(c"body");
        wxface_response_free(out);
        (query, body)
    }
}

fn push(c: *mut wxface_client, query: &CStr, body: &[u8]) -> bool {
    let mut event: *mut wxface_response = ptr::null_mut();
    // SAFETY: a live client, a C string and `body.len()` bytes; `event` ours.
    unsafe {
        let rc = wxface_push_open(
            c,
            query.as_ptr(),
            body.as_ptr().cast::<c_char>(),
            body.len(),
            &mut event,
            ptr::null_mut(),
        );
        let (mut data, mut len) = (ptr::null(), 0);
        let read =
            rc == 0 && wxface_response_texts(event, &mut data, &mut len, ptr::null_mut()) == 0;
        std::hint::black_box((data, len));
        wxface_response_free(event);
        read
    }
}
