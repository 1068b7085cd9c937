//! The reference the verify benchmarks measure the library against: what a
//! user would write with ureq alone (one agent, keep-alive, the same POST
//! and JSON parse, the pass checked).
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

pub struct Bare {
    agent: ureq::Agent,
    url: String,
    /// Calls that did not come back as a pass.
    pub failures: AtomicU64,
}

impl Bare {
    pub fn new(base: &str) -> Bare {
        let agent = ureq::Agent::new_with_defaults();
        let token = agent
            .post(&format!("{base}/cgi-bin/stable_token"))
            .send(r#"{"grant_type":"client_credential"}"#)
            .and_then(|mut r| r.body_mut().read_to_vec())
            .expect("stable_token from the double");
        let token: serde_json::Value =
            serde_json::from_slice(&token).expect("stable_token from the double is JSON");
        let token = token["access_token"].as_str().unwrap_or_default();
        Bare {
            url: format!("{base}/cityservice/face/identify/getinfo?access_token={token}"),
            agent,
            failures: AtomicU64::new(0),
        }
    }

    /// One verification; whether it passed (a failure is also counted).
    pub fn verify(&self, i: u64) -> bool {
        let body = format!("{{\"verify_result\":\"bench-{i}\"}}");
        let passed = self
            .agent
            .post(&self.url)
            .header("Content-Type", "application/json; charset=utf-8")
            .send(body.as_bytes())
            .and_then(|mut r| r.body_mut().read_to_vec())
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .is_some_and(|v| v["errcode"] == 0 && v["identify_ret"] == 0);
        if !passed {
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
        passed
    }
}
