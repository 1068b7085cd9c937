//! Fixtures for the tool's end-to-end tests: the `wxface` binary, a sandbox
//! per test, tinyproxy, a private CA, configuration files. Every server
//! listens on an ephemeral loopback port and is killed when dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

#[path = "../../../tests/common/fixtures.rs"]
mod fixtures;
#[allow(unused_imports)] // each test binary uses its own part
pub use fixtures::*;

pub const APPID: &str = "wx5a3d6f1e2b4c8d90";
pub const SECRET: &str = "sandbox-secret-0123456789abcdef";
pub const NAME: &str = "张三";
pub const ID: &str = "11010519491231002X";
pub const PUSH_TOKEN: &str = "pushToken2026";
pub const PUSH_AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

/// What one run of `wxface` printed and how it ended.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// The line of one doctor step, e.g. `step("proxy")`.
    pub fn step(&self, name: &str) -> String {
        self.stdout
            .lines()
            .find(|l| {
                l.get(7..)
                    .is_some_and(|rest| rest.split_whitespace().next() == Some(name))
            })
            .unwrap_or_else(|| panic!("no {name} step in:\n{}", self.stdout))
            .to_owned()
    }

    pub fn summary(&self) -> String {
        self.stdout.lines().last().unwrap_or_default().to_owned()
    }

    /// Nothing secret or personal ever appears in the tool's output.
    pub fn assert_pii_free(&self, extra: &[&str]) {
        let all = self.all();
        for needle in [SECRET, NAME, ID, PUSH_AES_KEY, PUSH_TOKEN]
            .iter()
            .chain(extra)
        {
            assert!(!all.contains(needle), "output shows {needle:?}:\n{all}");
        }
    }
}

/// Runs the tool with `args`, feeding `stdin`.
pub fn wxface(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wxface"))
        .args(args)
        .env_remove("WXFACE_CONFIG")
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("wxface runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    Run {
        status: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// `WXFACE_SANDBOX`, or the sandbox built beside this test binary.
fn sandbox_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("WXFACE_SANDBOX") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let p = dir.join("wxface-sandbox");
    assert!(p.exists(), "no sandbox at {}: run cargo build", p.display());
    p
}

pub struct Sandbox {
    child: Child,
    pub base: String,
}

impl Sandbox {
    pub fn start() -> Sandbox {
        Sandbox::start_with(&[])
    }

    pub fn start_with(args: &[&str]) -> Sandbox {
        let mut child = Command::new(sandbox_binary())
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sandbox starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line.trim().rsplit(' ').next().unwrap().to_owned();
        Sandbox { child, base }
    }

    /// A control-API call; `https` sandboxes are reached with the CA given.
    pub fn control(&self, method: &str, path: &str, body: &str) -> Value {
        let agent = ureq::Agent::new_with_defaults();
        let url = format!("{}{}", self.base, path);
        let r = match method {
            "GET" => agent.get(&url).call(),
            "DELETE" => agent.delete(&url).call(),
            _ => agent.post(&url).send(body.to_owned()),
        };
        let text = r
            .unwrap_or_else(|e| panic!("control {method} {path}: {e}"))
            .body_mut()
            .read_to_string()
            .unwrap_or_default();
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// The sandbox's appid and secret, api_base, and `extra` lines; mode 600.
    pub fn config(&self, dir: &Path, extra: &str) -> PathBuf {
        write_config(
            dir,
            &format!(
                "appid={APPID}\nsecret={SECRET}\napi_base={}\n{extra}",
                self.base
            ),
        )
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn write_config(dir: &Path, text: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = dir.join(format!("wxface-{}.conf", N.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}
