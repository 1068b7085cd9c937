//! The whole verification flow, 1.0 and 2.0 and a push, against the sandbox,
//! step by step with masked personal data. `make demo` runs it.
//!
//! The sandbox plays WeChat and the user's phone; this program plays the
//! hospital's back end, using wxface as an integrator would.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};
use wxface::{mask, Client, Config, Expected};

const APPID: &str = "wx5a3d6f1e2b4c8d90";
const SECRET: &str = "sandbox-secret-0123456789abcdef";
const PUSH_TOKEN: &str = "demoPushToken2026";
const PUSH_AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const NAME: &str = "张三";
const ID: &str = "11010519491231002x"; // lower-case x, as a legacy HIS form sends it
const OTHER_NAME: &str = "李四";

struct Sandbox {
    child: Child,
    base: String,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sandbox_path() -> PathBuf {
    if let Some(p) = std::env::var_os("WXFACE_SANDBOX") {
        return p.into();
    }
    // target/<profile>/examples/demo -> target/<profile>/wxface-sandbox
    let exe = std::env::current_exe().expect("own path");
    exe.parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("wxface-sandbox"))
        .expect("target dir")
}

fn start_sandbox() -> Sandbox {
    let path = sandbox_path();
    let mut child = Command::new(&path)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {}: {e} (run `cargo build` first)",
                path.display()
            )
        });
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("listen line");
    let base = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_owned();
    Sandbox { child, base }
}

fn control(sb: &Sandbox, path: &str, body: Value) -> Value {
    let url = format!("{}{path}", sb.base);
    let r = if body.is_null() {
        ureq::get(&url).call()
    } else {
        ureq::post(&url).send(body.to_string())
    };
    let text = r
        .expect("sandbox control API")
        .body_mut()
        .read_to_string()
        .unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn step(n: &str, what: &str) {
    println!("[{n}] {what}");
}

fn verdict(r: &wxface::Result<wxface::Response>) -> String {
    match r {
        Ok(_) => "VERIFIED".to_owned(),
        // Not finished yet: neither a pass nor a failure.
        Err(e) if e.code == wxface::Code::Pending => format!(
            "PENDING {} ({}): {}",
            e.code.name(),
            e.code as i32,
            e.message
        ),
        Err(e) => format!(
            "REJECTED {} ({}): {}",
            e.code.name(),
            e.code as i32,
            e.message
        ),
    }
}

/// A one-shot HTTP receiver standing in for the hospital's push URL.
fn push_receiver() -> (String, mpsc::Receiver<(String, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind receiver");
    let url = format!(
        "http://{}/wechat/push",
        listener.local_addr().expect("addr")
    );
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut length = 0usize;
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0; length.min(64 * 1024)];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let query = request_line
                .split_whitespace()
                .nth(1)
                .and_then(|t| t.split_once('?'))
                .map(|(_, q)| q.to_owned());
            let mut stream = reader.into_inner();
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nsuccess",
            );
            if tx.send((query.unwrap_or_default(), body)).is_err() {
                break;
            }
        }
    });
    (url, rx)
}

fn main() {
    println!(
        "wxface {} demo: WeChat face verification against the sandbox\n",
        wxface::VERSION
    );
    let sb = start_sandbox();
    step(
        "setup",
        &format!("sandbox (WeChat + the user's phone) on {}", sb.base),
    );

    let mut cfg = Config::new();
    for (k, v) in [
        ("appid", APPID),
        ("secret", SECRET),
        ("api_base", sb.base.as_str()),
        ("proxy", "none"),
        ("push_token", PUSH_TOKEN),
        ("push_aes_key", PUSH_AES_KEY),
        // The 2.0 wait's first pause (default 1000 ms), short for the demo.
        ("wait_interval_ms", "250"),
    ] {
        cfg.set(k, v).expect("valid demo configuration");
    }
    // `WXFACE_STATE_STORE=redis://127.0.0.1:6379 make demo`: the replay
    // guard and the token in a Redis, as on several servers.
    if let Some(store) = std::env::var("WXFACE_STATE_STORE")
        .ok()
        .filter(|s| !s.is_empty())
    {
        cfg.set("state_store", &store)
            .expect("WXFACE_STATE_STORE: a valid state_store");
    }
    let client = Client::new(&cfg).expect("client");
    step(
        "setup",
        &format!(
            "accepted results and the token kept in {}",
            cfg.state_store.redacted()
        ),
    );
    step(
        "setup",
        &format!("client for appid {APPID}, secret {}", mask::secret(SECRET)),
    );

    println!("\n== 1.0 API (getuseridkey / getinfo) ==");
    let key = client
        .v1_get_user_id_key(NAME, ID, None)
        .expect("getuseridkey")
        .text("user_id_key")
        .unwrap_or_default();
    step(
        "1",
        &format!(
            "getuseridkey for {} {} -> user_id_key {}",
            mask::name(NAME),
            mask::id_card(ID),
            mask::opaque(&key)
        ),
    );
    let done = control(&sb, "/sandbox/v1/complete", json!({ "user_id_key": key }));
    let (vr, openid) = (
        done["verify_result"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        done["openid"].as_str().unwrap_or_default().to_owned(),
    );
    step(
        "2",
        &format!(
            "phone: wx.startFacialRecognitionVerify passed -> verify_result {}",
            mask::secret(&vr)
        ),
    );
    let expected = Expected {
        name: NAME,
        id_card_number: ID,
        user_id_key: Some(&key),
        openid: Some(&openid),
    };
    let r = client.v1_verify(&vr, &expected);
    step(
        "3",
        &format!(
            "back end: verify (identify_ret, ID and name MD5s, key, openid, age, replay) -> {}",
            verdict(&r)
        ),
    );
    step(
        "4",
        &format!(
            "the same verify_result sent again -> {}",
            verdict(&client.v1_verify(&vr, &expected))
        ),
    );

    let key2 = client
        .v1_get_user_id_key(NAME, ID, None)
        .expect("getuseridkey")
        .text("user_id_key")
        .unwrap_or_default();
    let forged = control(
        &sb,
        "/sandbox/v1/complete",
        json!({ "user_id_key": key2, "as_name": OTHER_NAME }),
    );
    let vr2 = forged["verify_result"].as_str().unwrap_or_default();
    step(
        "5",
        &format!(
            "tampered: a passed verification of {} presented for {}",
            mask::name(OTHER_NAME),
            mask::name(NAME)
        ),
    );
    let expected2 = Expected {
        user_id_key: Some(&key2),
        openid: None,
        ..expected
    };
    step(
        "6",
        &format!(
            "back end: verify -> {}",
            verdict(&client.v1_verify(vr2, &expected2))
        ),
    );

    println!("\n== 2.0 API (getverifyid / queryverifyinfo) ==");
    let openid2 = "o_demo_user_00000000000000001";
    let seq = wxface::out_seq_no::new();
    step(
        "0",
        &format!("order number: your own, or a fresh out_seq_no -> {seq} (time-ordered, unique, no personal data)"),
    );
    let r = client
        .v2_get_verify_id(&seq, openid2, NAME, ID)
        .expect("getverifyid");
    let (verify_id, cert_hash) = (
        r.text("verify_id").unwrap_or_default(),
        r.text("cert_hash").unwrap_or_default(),
    );
    step(
        "1",
        &format!(
            "getverifyid for {} -> verify_id {}, keep cert_hash {}…",
            mask::name(NAME),
            mask::opaque(&verify_id),
            &cert_hash[..12]
        ),
    );
    let q = client.v2_query(&verify_id, &seq, openid2, &cert_hash);
    step(
        "2",
        &format!(
            "back end asks before the user has finished -> {}",
            verdict(&q)
        ),
    );
    control(
        &sb,
        "/sandbox/v2/complete",
        json!({ "verify_id": verify_id, "checking_queries": 2 }),
    );
    step(
        "3",
        "phone: wx.requestFacialVerify done (only \"ask the back end\"); WeChat is still checking",
    );
    let started = std::time::Instant::now();
    let q = client.v2_wait(
        &verify_id,
        &seq,
        openid2,
        &cert_hash,
        std::time::Duration::from_secs(30),
        None,
    );
    step(
        "4",
        &format!(
            "back end: wait (queryverifyinfo again while 10005/10300, at most 30 s) -> {} after {} ms",
            verdict(&q),
            started.elapsed().as_millis()
        ),
    );
    let again = client.v2_get_verify_id(&seq, openid2, NAME, ID);
    step(
        "5",
        &format!("the same order number again -> {}", verdict(&again)),
    );
    let r = client
        .v2_get_verify_id("his-20261126-0002", openid2, NAME, ID)
        .expect("getverifyid");
    let verify_id = r.text("verify_id").unwrap_or_default();
    control(
        &sb,
        "/sandbox/v2/complete",
        json!({ "verify_id": verify_id, "verify_ret": 10004 }),
    );
    step(
        "6",
        "tampered: the front end claims success, but the face did not match (verify_ret 10004)",
    );
    let q = client.v2_query(
        &verify_id,
        "his-20261126-0002",
        openid2,
        &r.text("cert_hash").unwrap_or_default(),
    );
    step(
        "7",
        &format!("back end: queryverifyinfo -> {}", verdict(&q)),
    );

    println!("\n== Message push (1.0 with out_seq_no, safe mode, JSON) ==");
    let (url, inbox) = push_receiver();
    control(
        &sb,
        "/sandbox/push",
        json!({ "url": url, "format": "json", "mode": "safe", "token": PUSH_TOKEN, "aes_key": PUSH_AES_KEY }),
    );
    step(
        "1",
        &format!(
            "push URL {url} (Token and EncodingAESKey {})",
            mask::secret(PUSH_AES_KEY)
        ),
    );
    let key3 = client
        .v1_get_user_id_key(NAME, ID, Some("his-20261126-0003"))
        .expect("getuseridkey")
        .text("user_id_key")
        .unwrap_or_default();
    control(&sb, "/sandbox/v1/complete", json!({ "user_id_key": key3 }));
    let (query, body) = inbox
        .recv_timeout(Duration::from_secs(10))
        .expect("WeChat pushes within 10 s");
    step(
        "2",
        &format!("push received: {} bytes, encrypted", body.len()),
    );
    match client.push_open(&query, &body) {
        Ok(event) => {
            let vr3 = event.text("verify_result").unwrap_or_default();
            step(
                "3",
                &format!(
                "opened (msg_signature, timestamp, AES, appid checked): Event {}, out_seq_no {}",
                event.text("Event").unwrap_or_default(),
                event.text("out_seq_no").unwrap_or_default()
            ),
            );
            let expected3 = Expected {
                user_id_key: Some(&key3),
                openid: None,
                ..expected
            };
            step(
                "4",
                &format!(
                    "a push is a hint; back end: verify its verify_result -> {}",
                    verdict(&client.v1_verify(&vr3, &expected3))
                ),
            );
        }
        Err(e) => step("3", &format!("push refused: {e}")),
    }
    step(
        "5",
        &format!(
            "a forged copy of that push (body altered) -> {}",
            match client.push_open(&query, &[&body[..body.len() - 3], b"x\"}"].concat()) {
                Ok(_) => "ACCEPTED (wrong!)".to_owned(),
                Err(e) => format!("REJECTED {}", e.code.name()),
            }
        ),
    );

    let stats = control(&sb, "/sandbox/stats", Value::Null);
    println!("\nsandbox counters: {} access-token fetch(es), {} TCP connection(s) from the client, {} push attempt(s)",
        stats["token_fetches"], stats["api_connections"], stats["push_attempts"]);
}
