//! For PII scans of test runs: when `WXFACE_SANDBOX_SECRETS_FILE` is set,
//! every access token and verify_result the sandbox hands out is appended
//! to that file, one per line, so a scanner can prove that none of them
//! reached a client's log or error message.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::sync::Mutex;

use once_cell::sync::Lazy;

static FILE: Lazy<Option<Mutex<File>>> = Lazy::new(|| {
    let path = std::env::var_os("WXFACE_SANDBOX_SECRETS_FILE")?;
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .ok()
        .map(Mutex::new)
});

pub fn record(secret: &str) {
    if let Some(f) = FILE.as_ref() {
        let mut f = f.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(f, "{secret}");
    }
}
