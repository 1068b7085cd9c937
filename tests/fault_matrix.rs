//! Every injected fault against every WeChat call: each ends in its
//! documented code, within the configured time bound, without a retry storm,
//! and the client works again once the fault is gone. Every log line and
//! error message of the run is checked for personal data and secrets.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Sandbox, SECRET};
use serde_json::{json, Value};
use wxface::log::{Level, Logger};
use wxface::{Client, Code};

const NAME: &str = "张三";
const ID: &str = "11010519491231002X";
const OPENID: &str = "o_matrix_user_000000000000001";
const TIMEOUT_MS: u64 = 600;
const MAX_RETRIES: u64 = 2;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Call {
    Token,
    GetUserIdKey,
    GetInfo,
    GetVerifyId,
    Query,
}

impl Call {
    fn path(self) -> &'static str {
        match self {
            Call::Token => "/cgi-bin/stable_token",
            Call::GetUserIdKey => "/cityservice/face/identify/getuseridkey",
            Call::GetInfo => "/cityservice/face/identify/getinfo",
            Call::GetVerifyId => "/cityservice/face/identify/getverifyid",
            Call::Query => "/cityservice/face/identify/queryverifyinfo",
        }
    }

    /// Reads may be resent after a reset or a gateway error; writes may not.
    fn is_read(self) -> bool {
        matches!(self, Call::Token | Call::GetInfo | Call::Query)
    }
}

struct Case {
    fault: Value,
    /// The code the call must end in.
    code: Code,
    /// How many requests the endpoint may see: retries are bounded.
    requests: u64,
}

fn cases_for(call: Call) -> Vec<(String, Case)> {
    let retried = |read_only: bool| {
        if !read_only || call.is_read() {
            MAX_RETRIES + 1
        } else {
            1
        }
    };
    let mut v = vec![
        (
            "http 500",
            json!({"kind": "http_status", "status": 500}),
            Code::Http,
            1,
        ),
        (
            "http 502",
            json!({"kind": "http_status", "status": 502}),
            Code::Http,
            retried(true),
        ),
        (
            "http 503",
            json!({"kind": "http_status", "status": 503}),
            Code::Http,
            retried(true),
        ),
        (
            "errcode -1",
            json!({"kind": "errcode", "errcode": -1}),
            Code::SystemBusy,
            retried(false),
        ),
        (
            "errcode 45009",
            json!({"kind": "errcode", "errcode": 45009}),
            Code::RateLimited,
            1,
        ),
        (
            "errcode 45011",
            json!({"kind": "errcode", "errcode": 45011}),
            Code::RateLimited,
            1,
        ),
        (
            "delay past the timeout",
            json!({"kind": "delay", "delay_ms": 3000}),
            Code::Timeout,
            1,
        ),
        ("hang", json!({"kind": "hang"}), Code::Timeout, 1),
        (
            "reset mid-body",
            json!({"kind": "reset"}),
            Code::Network,
            retried(true),
        ),
        (
            "truncated JSON",
            json!({"kind": "truncated"}),
            Code::BadResponse,
            1,
        ),
        ("5 MiB body", json!({"kind": "huge"}), Code::BadResponse, 1),
        ("trickle", json!({"kind": "trickle"}), Code::Timeout, 1),
        ("empty body", json!({"kind": "empty"}), Code::BadResponse, 1),
        // WeChat's content types vary; the body decides.
        (
            "wrong content type",
            json!({"kind": "content_type"}),
            Code::Ok,
            1,
        ),
    ];
    if call != Call::Token {
        // A persistent token error: one refresh, one retry, never a loop.
        v.push((
            "errcode 40001",
            json!({"kind": "errcode", "errcode": 40001}),
            Code::AccessToken,
            2,
        ));
    }
    v.into_iter()
        .map(|(name, mut fault, code, requests)| {
            fault["path"] = json!(call.path());
            fault["count"] = json!(0);
            (
                name.to_owned(),
                Case {
                    fault,
                    code,
                    requests,
                },
            )
        })
        .collect()
}

#[derive(Default)]
struct Collect(Mutex<Vec<String>>);

impl Logger for Collect {
    fn log(&self, _level: Level, message: &str) {
        self.0.lock().unwrap().push(message.to_owned());
    }
}

struct Fixture {
    sandbox: Sandbox,
    lines: Arc<Collect>,
}

impl Fixture {
    fn client(&self) -> Client {
        let mut cfg = self.sandbox.config();
        cfg.set("timeout_ms", &TIMEOUT_MS.to_string()).unwrap();
        cfg.set("connect_timeout_ms", "1000").unwrap();
        cfg.set("max_retries", &MAX_RETRIES.to_string()).unwrap();
        cfg.set("log_level", "trace").unwrap();
        cfg.logger = Some(self.lines.clone());
        Client::new(&cfg).unwrap()
    }

    /// Inputs prepared without faults, so only the call under test meets one.
    fn prepare(&self, client: &Client, call: Call) -> Vec<String> {
        match call {
            Call::Token | Call::GetUserIdKey | Call::GetVerifyId => vec![],
            Call::GetInfo => {
                let (_, vr, _) = self.sandbox.finished_v1(client, NAME, ID, &json!({}));
                vec![vr]
            }
            Call::Query => {
                let seq = format!("seq-{}", unique());
                let r = client.v2_get_verify_id(&seq, OPENID, NAME, ID).unwrap();
                let id = r.text("verify_id").unwrap();
                self.sandbox
                    .control("POST", "/sandbox/v2/complete", json!({ "verify_id": id }));
                vec![id, seq, r.text("cert_hash").unwrap()]
            }
        }
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn run(client: &Client, call: Call, input: &[String]) -> wxface::Result<()> {
    match call {
        Call::Token | Call::GetUserIdKey => client
            .v1_get_user_id_key(NAME, ID, Some("order-1"))
            .map(drop),
        Call::GetInfo => client.v1_get_info(&input[0]).map(drop),
        Call::GetVerifyId => client
            .v2_get_verify_id(&format!("seq-{}", unique()), OPENID, NAME, ID)
            .map(drop),
        Call::Query => client
            .v2_query(&input[0], &input[1], OPENID, &input[2])
            .map(drop),
    }
}

#[test]
fn every_fault_against_every_call_ends_in_its_documented_code() {
    let fx = Fixture {
        sandbox: Sandbox::start(),
        lines: Arc::new(Collect::default()),
    };
    let mut errors = Vec::new();
    let mut failures = Vec::new();
    let mut total = 0;
    let calls = [
        Call::Token,
        Call::GetUserIdKey,
        Call::GetInfo,
        Call::GetVerifyId,
        Call::Query,
    ];
    for call in calls {
        for (name, case) in cases_for(call) {
            total += 1;
            // The token row needs a cold client; the others a warm one.
            let client = fx.client();
            let input = fx.prepare(&client, call);
            if call != Call::Token {
                client.token().unwrap();
            }
            fx.sandbox.control("POST", "/sandbox/reset", Value::Null);
            fx.sandbox.fault(case.fault.clone());
            let started = Instant::now();
            let result = run(&client, call, &input);
            let took = started.elapsed();
            let seen = fx.sandbox.requests(call.path());
            let token_fetches = fx.sandbox.stats()["token_fetches"].as_u64().unwrap_or(0);
            fx.sandbox.control("DELETE", "/sandbox/faults", Value::Null);
            let code = result.as_ref().err().map_or(Code::Ok, |e| e.code);
            if let Err(e) = &result {
                errors.push(e.message.clone());
            }
            // Per attempt at most connect + total timeout; backoff adds < 2 s per retry.
            let bound = Duration::from_millis(
                (TIMEOUT_MS + 1000) * (MAX_RETRIES + 1) + 2000 * MAX_RETRIES + 1000,
            );
            let healed = fx.prepare(&client, call);
            let after = run(&client, call, &healed);
            let label = format!("{:?} / {name}", call);
            if code != case.code {
                failures.push(format!(
                    "{label}: got {} want {}",
                    code.name(),
                    case.code.name()
                ));
            } else if seen != case.requests {
                failures.push(format!("{label}: {seen} requests, want {}", case.requests));
            } else if took > bound
                || (case.code == Code::Timeout && took > Duration::from_millis(TIMEOUT_MS + 1500))
            {
                failures.push(format!("{label}: took {took:?}"));
            } else if name == "errcode 40001" && token_fetches != 1 {
                failures.push(format!(
                    "{label}: {token_fetches} token fetches, want exactly 1"
                ));
            } else if let Err(e) = after {
                failures.push(format!("{label}: client unusable afterwards: {e}"));
            }
        }
    }
    println!(
        "fault matrix: {total} cases, {} passed, {} failed",
        total - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    let token = fx.client().token().unwrap().to_string();
    let lines = fx.lines.0.lock().unwrap();
    assert!(lines.len() > total, "trace logging produced too few lines");
    for text in errors.iter().chain(lines.iter()) {
        for secret in [NAME, ID, &ID.to_lowercase(), SECRET, token.as_str()] {
            assert!(!text.contains(secret), "a message leaks a secret: {text}");
        }
    }
}
