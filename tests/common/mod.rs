//! Test fixtures: a sandbox per test binary run, its control API, clients.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};
use wxface::{Client, Config};

pub const APPID: &str = "wx5a3d6f1e2b4c8d90";
pub const SECRET: &str = "sandbox-secret-0123456789abcdef";

/// The emulator lives in its own crate (`sandbox/`), so cargo gives this
/// package no path to it; every suite of every language finds it the same
/// way, through `WXFACE_SANDBOX`, which the Makefile exports.
pub fn sandbox_binary() -> String {
    match std::env::var("WXFACE_SANDBOX") {
        Ok(path) if !path.is_empty() => path,
        _ => panic!(
            "WXFACE_SANDBOX is not set: build the workspace and point it at the emulator, \
             e.g. `cargo build && WXFACE_SANDBOX=$PWD/target/debug/wxface-sandbox cargo test` \
             (`make test` does this)"
        ),
    }
}

/// A sandbox process, killed when dropped.
pub struct Sandbox {
    child: Child,
    pub base: String,
    /// One pooled agent for the control API, so busy tests reuse connections.
    agent: ureq::Agent,
}

impl Sandbox {
    pub fn start() -> Sandbox {
        Sandbox::start_with(&[])
    }

    pub fn start_with(args: &[&str]) -> Sandbox {
        let binary = sandbox_binary();
        let mut child = Command::new(&binary)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the sandbox {binary} (WXFACE_SANDBOX): {e}"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout piped"))
            .read_line(&mut line)
            .expect("listen line");
        let base = line.trim().rsplit(' ').next().expect("address").to_owned();
        assert!(
            base.starts_with("http://127.0.0.1:") || base.starts_with("https://127.0.0.1:"),
            "unexpected listen line {line:?}"
        );
        Sandbox {
            child,
            base,
            agent: ureq::Agent::new_with_defaults(),
        }
    }

    pub fn config(&self) -> Config {
        let mut c = Config::new();
        for (k, v) in [
            ("appid", APPID),
            ("secret", SECRET),
            ("api_base", self.base.as_str()),
            ("proxy", "none"),
        ] {
            c.set(k, v).unwrap();
        }
        c
    }

    pub fn client(&self) -> Client {
        Client::new(&self.config()).unwrap()
    }

    pub fn control(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{}", self.base, path);
        let r = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self.agent.post(&url).send(body.to_string()),
        };
        match r {
            Ok(mut r) => {
                let text = r.body_mut().read_to_string().unwrap_or_default();
                serde_json::from_str(&text).unwrap_or(Value::Null)
            }
            Err(e) => panic!("control {method} {path} failed: {e}"),
        }
    }

    pub fn stats(&self) -> Value {
        self.control("GET", "/sandbox/stats", Value::Null)
    }

    pub fn requests(&self, path: &str) -> u64 {
        self.stats()["requests"][path].as_u64().unwrap_or(0)
    }

    pub fn fault(&self, spec: Value) {
        self.control("POST", "/sandbox/faults", spec);
    }

    /// A 1.0 verification of `name`/`id` begun by `client` and finished by
    /// the user with `outcome` (`{}`: passed): (user_id_key, verify_result, openid).
    pub fn finished_v1(
        &self,
        client: &Client,
        name: &str,
        id: &str,
        outcome: &Value,
    ) -> (String, String, String) {
        let key = client
            .v1_get_user_id_key(name, id, None)
            .unwrap()
            .text("user_id_key")
            .unwrap();
        let (verify_result, openid) = self.complete_v1(&key, outcome);
        (key, verify_result, openid)
    }

    pub fn complete_v1(&self, user_id_key: &str, outcome: &Value) -> (String, String) {
        let mut body = json!({ "user_id_key": user_id_key });
        if let Value::Object(o) = outcome {
            for (k, v) in o {
                body[k] = v.clone();
            }
        }
        let r = self.control("POST", "/sandbox/v1/complete", body);
        (
            r["verify_result"].as_str().unwrap().to_owned(),
            r["openid"].as_str().unwrap().to_owned(),
        )
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The audit records a client emitted, collected as its audit callback.
#[derive(Default)]
pub struct Records(std::sync::Mutex<Vec<wxface::audit::Record>>);

impl wxface::audit::AuditSink for Records {
    fn record(&self, record: &wxface::audit::Record) {
        self.0.lock().unwrap().push(record.clone());
    }
}

impl Records {
    /// The records since the last take.
    pub fn take(&self) -> Vec<wxface::audit::Record> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// A fresh audit file path: in `WXFACE_AUDIT_DIR` when set (`make test`
/// sets it, and its PII scan reads every file there), else a temp dir.
pub fn audit_path(name: &str) -> std::path::PathBuf {
    let dir = match std::env::var_os("WXFACE_AUDIT_DIR").filter(|d| !d.is_empty()) {
        Some(d) => std::path::PathBuf::from(d),
        None => std::env::temp_dir().join(format!("wxface-audit-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("rust-{name}-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// Fails if an audit line holds any of `values` (names, ID numbers in
/// either case, verify_results, tokens, secrets, raw openids).
pub fn assert_no_pii(line: &str, values: &[&str]) {
    for v in values.iter().filter(|v| v.len() >= 2) {
        assert!(
            !line.contains(v) && !line.to_lowercase().contains(&v.to_lowercase()),
            "an audit record holds a PII value ({} chars): {line}",
            v.chars().count()
        );
    }
}
