//! The audit trail: one record per verdict-bearing call (who, when, which
//! order, which outcome) without the identity or biometric data itself.
//!
//! A record holds only masked or derived values (see [`crate::mask`]): the
//! openid and verify_id masked, the subject's name and ID number masked,
//! the verify_result as its SHA-256, never a token, secret or photo. The
//! order number (out_seq_no) is the record's key and is kept whole when it
//! has the shape of one; any other value is masked like in a log line.
//!
//! Records go to the integrator's callback ([`AuditSink`]) and, with the
//! `audit_file` key, are appended to a file as JSON lines. The file is
//! reopened when its path no longer names the open file, so logrotate's
//! default (rename, then a new file) and `copytruncate` both work.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{Code, Error, Result};
use crate::log::{Level, Log};
use crate::mask;
use crate::response::{Response, Value};
use crate::stats::{Call, Stats};

/// One audit record; every text field is already masked or derived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// When the call ended, Unix milliseconds (UTC).
    pub unix_ms: i64,
    pub call: Call,
    pub code: Code,
    /// WeChat's errcode when it answered with one, else 0.
    pub errcode: i32,
    /// 2.0's verify_ret or 1.0's identify_ret when WeChat gave one, else 0.
    pub verify_ret: i32,
    pub out_seq_no: Option<String>,
    /// Lower-case hex SHA-256 of the (trimmed) 1.0 verify_result: matches
    /// the result the integrator stored without holding it here.
    pub verify_result_hash: Option<String>,
    pub verify_id: Option<String>,
    pub openid: Option<String>,
    /// The expected person, masked: `张* 110***********002X`.
    pub subject: Option<String>,
    /// A push's Event (`face_identify`).
    pub event: Option<String>,
    /// How the access token was obtained (`stable_token`, `token`,
    /// `callback`), for `token_fetch` records.
    pub source: Option<&'static str>,
    pub latency_us: u64,
    /// HTTP requests made by this call (retries included; a token fetch
    /// inside it has its own record).
    pub attempts: u32,
    /// Queries made by a `v2_wait`.
    pub queries: Option<u32>,
}

impl Record {
    /// VERIFIED, REJECTED, PENDING, OK or FAILED: what an auditor reads
    /// first. FAILED is a call that could not reach a verdict (input,
    /// network, WeChat's errcode); like every non-pass it is no pass.
    pub fn outcome(&self) -> &'static str {
        match self.code {
            Code::Ok if self.call.gives_verdict() => "VERIFIED",
            Code::Ok => "OK",
            Code::Pending => "PENDING",
            c if (30..=38).contains(&(c as i32)) => "REJECTED",
            Code::VerifyIdExpired | Code::OutSeqNoUsed => "REJECTED",
            _ => "FAILED",
        }
    }

    /// The record as fields, in the order of the JSON line.
    fn fields(&self) -> Vec<(&'static str, Value)> {
        let mut f = vec![
            ("time", Value::Text(rfc3339(self.unix_ms))),
            ("call", Value::Text(self.call.name().to_owned())),
            ("outcome", Value::Text(self.outcome().to_owned())),
            ("code", Value::Int(self.code as i64)),
            ("code_name", Value::Text(self.code.name().to_owned())),
            ("errcode", Value::Int(i64::from(self.errcode))),
            ("verify_ret", Value::Int(i64::from(self.verify_ret))),
        ];
        let texts = [
            ("out_seq_no", &self.out_seq_no),
            ("verify_result_hash", &self.verify_result_hash),
            ("verify_id", &self.verify_id),
            ("openid", &self.openid),
            ("subject", &self.subject),
            ("event", &self.event),
        ];
        for (name, v) in texts {
            if let Some(v) = v {
                f.push((name, Value::Text(v.clone())));
            }
        }
        if let Some(s) = self.source {
            f.push(("source", Value::Text(s.to_owned())));
        }
        f.push((
            "latency_us",
            Value::Int(i64::try_from(self.latency_us).unwrap_or(i64::MAX)),
        ));
        f.push(("attempts", Value::Int(i64::from(self.attempts))));
        if let Some(q) = self.queries {
            f.push(("queries", Value::Int(i64::from(q))));
        }
        f
    }

    /// One JSON object on one line (no newline): the `audit_file` line and
    /// the callback's text.
    pub fn to_json(&self) -> String {
        use serde::ser::{SerializeMap, Serializer};
        let mut out = Vec::with_capacity(384);
        let mut ser = serde_json::Serializer::new(&mut out);
        // serde_json escapes every control character: one record, one line.
        let written = ser.serialize_map(None).and_then(|mut map| {
            for (name, v) in self.fields() {
                match v {
                    Value::Int(n) => map.serialize_entry(name, &n)?,
                    Value::Text(t) => map.serialize_entry(name, &t)?,
                    // Records hold no other kind.
                    _ => map.serialize_entry(name, &())?,
                }
            }
            map.end()
        });
        // Writing to a vector fails only for a value JSON cannot hold,
        // which a record never has; its text is UTF-8 by construction.
        match written {
            Ok(()) => String::from_utf8(out).unwrap_or_default(),
            Err(_) => String::from("{}"),
        }
    }

    /// The same fields as a response, for the C callback.
    pub fn to_response(&self) -> Response {
        let mut r = Response::new();
        for (name, v) in self.fields() {
            r.set(name, v);
        }
        r
    }
}

fn rfc3339(unix_ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    // Milliseconds always written: lines of one width sort as text.
    static FORMAT: once_cell::sync::Lazy<Vec<time::format_description::FormatItem<'static>>> =
        once_cell::sync::Lazy::new(|| {
            time::format_description::parse_borrowed::<2>(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z",
            )
            .unwrap_or_default()
        });
    t.format(&FORMAT[..]).unwrap_or_default()
}

/// The order number as the record keeps it: whole when it has the shape
/// of one (WeChat's 2.0 rule: 5 to 32 of `0-9 A-Z a-z _ -`) and holds no
/// run of 15 or more digits (an ID number used as an order number); any
/// other value masked as in a log line.
pub fn order_number(out_seq_no: &str) -> String {
    let mut digits = 0usize;
    let mut longest = 0usize;
    for b in out_seq_no.bytes() {
        digits = if b.is_ascii_digit() { digits + 1 } else { 0 };
        longest = longest.max(digits);
    }
    if crate::out_seq_no::check(out_seq_no).is_ok() && longest < 15 {
        out_seq_no.to_owned()
    } else {
        mask::opaque(out_seq_no)
    }
}

/// The SHA-256 of a (trimmed) verify_result, lower-case hex.
pub fn verify_result_hash(verify_result: &str) -> String {
    crate::digest::sha256_hex(verify_result.trim().as_bytes())
}

/// Receives audit records. Called on the thread that made the call, after
/// its outcome is known and before it returns: it must be quick, never
/// block, and be safe to call from several threads at once.
pub trait AuditSink: Send + Sync {
    fn record(&self, record: &Record);
}

/// Where a client's records go.
pub(crate) struct Audit {
    sink: Option<Arc<dyn AuditSink>>,
    file: Option<AuditFile>,
}

impl Audit {
    pub(crate) fn new(sink: Option<Arc<dyn AuditSink>>, path: Option<&Path>) -> Result<Audit> {
        let file = match path {
            None => None,
            Some(p) => Some(AuditFile::open(p).map_err(|e| {
                Error::new(
                    Code::Config,
                    format!("audit_file {}: cannot open for appending: {e}", p.display()),
                )
            })?),
        };
        Ok(Audit { sink, file })
    }

    /// False when nobody listens: records are then never built.
    pub(crate) fn enabled(&self) -> bool {
        self.sink.is_some() || self.file.is_some() || crate::log::diag_enabled()
    }

    pub(crate) fn emit(&self, record: &Record, log: &Log, stats: &Stats) {
        // The line is built once, and only for the file and the diagnostic
        // log; a callback builds what it needs.
        let line = (self.file.is_some() || crate::log::diag_enabled()).then(|| record.to_json());
        if let Some(line) = &line {
            crate::log::record_audit(line);
        }
        if let (Some(f), Some(line)) = (&self.file, &line) {
            if let Err(e) = f.append(line) {
                stats.audit_failed();
                log.emit(Level::Error, || {
                    format!("audit record not written to {}: {e}", f.path.display())
                });
            }
        }
        if let Some(sink) = &self.sink {
            sink.record(record);
        }
    }
}

/// `audit_file`: JSON lines, appended. Each record is one `write` of one
/// line on a file opened with O_APPEND, so records from several processes
/// sharing the file do not interleave, and a file truncated by logrotate's
/// `copytruncate` is written from its start again.
struct AuditFile {
    path: PathBuf,
    open: Mutex<Opened>,
}

struct Opened {
    file: File,
    /// The device and inode the path named when the file was opened.
    id: Option<(u64, u64)>,
}

impl AuditFile {
    fn open(path: &Path) -> std::io::Result<AuditFile> {
        Ok(AuditFile {
            path: path.to_owned(),
            open: Mutex::new(Opened::at(path)?),
        })
    }

    fn append(&self, line: &str) -> std::io::Result<()> {
        let mut opened = self.open.lock().unwrap_or_else(|p| p.into_inner());
        // Renamed away (logrotate) or deleted: start the file again.
        if identity(&self.path) != opened.id || opened.id.is_none() {
            *opened = Opened::at(&self.path)?;
        }
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        opened.file.write_all(&bytes)
    }
}

impl Opened {
    fn at(path: &Path) -> std::io::Result<Opened> {
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // An audit trail is for the service and its auditors, not
            // every user of the machine.
            options.mode(0o640);
        }
        let file = options.open(path)?;
        Ok(Opened {
            id: file_identity(&file),
            file,
        })
    }
}

#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(unix)]
fn file_identity(file: &File) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    file.metadata().ok().map(|m| (m.dev(), m.ino()))
}

// Windows: std gives no stable file index, so the path's existence stands
// in for it: a file renamed away is noticed, one replaced in the same
// instant is not.
#[cfg(not(unix))]
fn identity(path: &Path) -> Option<(u64, u64)> {
    path.exists().then_some((0, 0))
}

#[cfg(not(unix))]
fn file_identity(_file: &File) -> Option<(u64, u64)> {
    Some((0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> Record {
        Record {
            unix_ms: 1_764_603_915_123,
            call: Call::V1Verify,
            code: Code::NameMismatch,
            errcode: 0,
            verify_ret: 0,
            out_seq_no: Some(order_number("HIS-20261201-0001")),
            verify_result_hash: Some(verify_result_hash("vr-1")),
            verify_id: None,
            openid: Some(mask::opaque("oUser0000000001")),
            subject: Some("张* 110***********002X".to_owned()),
            event: None,
            source: None,
            latency_us: 1234,
            attempts: 1,
            queries: None,
        }
    }

    #[test]
    fn a_record_is_one_json_line_with_fields_in_a_fixed_order() {
        let line = record().to_json();
        assert!(!line.contains('\n'));
        assert!(line.starts_with(
            r#"{"time":"2025-12-01T15:45:15.123Z","call":"v1_verify","outcome":"REJECTED","code":32,"code_name":"WXFACE_ERR_NAME_MISMATCH","errcode":0,"verify_ret":0,"out_seq_no":"HIS-20261201-0001","verify_result_hash":""#
        ), "{line}");
        assert!(line.ends_with(r#""openid":"oUse…01","subject":"张* 110***********002X","latency_us":1234,"attempts":1}"#), "{line}");
    }

    #[test]
    fn outcomes_name_the_verdict_group() {
        let mut r = record();
        for (call, code, want) in [
            (Call::V1Verify, Code::Ok, "VERIFIED"),
            (Call::V2Query, Code::Ok, "VERIFIED"),
            (Call::TokenFetch, Code::Ok, "OK"),
            (Call::V2Query, Code::Pending, "PENDING"),
            (Call::V2Query, Code::NotPassed, "REJECTED"),
            (Call::V2Query, Code::VerifyIdExpired, "REJECTED"),
            (Call::V1Verify, Code::Replayed, "REJECTED"),
            (Call::V1Verify, Code::Timeout, "FAILED"),
            (Call::PushOpen, Code::PushSignature, "FAILED"),
        ] {
            r.call = call;
            r.code = code;
            assert_eq!(r.outcome(), want, "{call:?} {code:?}");
        }
    }

    #[test]
    fn an_order_number_is_kept_whole_only_when_shaped_like_one() {
        assert_eq!(
            order_number("0192f0c4a1b27c3d8e9f00112233aabb"),
            "0192f0c4a1b27c3d8e9f00112233aabb"
        );
        assert_eq!(order_number("HIS-20261201-0001"), "HIS-20261201-0001");
        assert_eq!(order_number("11010519491231002X"), "1101…2X");
        assert_eq!(order_number("挂号-2026-张三"), "<10 chars hidden>");
        assert_eq!(order_number("order 2026 Zhang San"), "<20 chars hidden>");
    }

    #[test]
    fn the_verify_result_is_kept_as_its_sha256_only() {
        assert_eq!(
            verify_result_hash(" abc "),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    fn temp_path(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("wxface-audit-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("audit.jsonl")
    }

    #[test]
    fn a_file_renamed_away_by_logrotate_is_started_again_at_the_path() {
        let path = temp_path("rename");
        let f = AuditFile::open(&path).unwrap();
        f.append("{\"n\":1}").unwrap();
        let rotated = path.with_extension("jsonl.1");
        std::fs::rename(&path, &rotated).unwrap();
        f.append("{\"n\":2}").unwrap();
        assert_eq!(std::fs::read_to_string(&rotated).unwrap(), "{\"n\":1}\n");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"n\":2}\n");
    }

    #[test]
    fn a_file_truncated_by_copytruncate_is_written_from_its_start() {
        let path = temp_path("truncate");
        let f = AuditFile::open(&path).unwrap();
        f.append("{\"n\":1}").unwrap();
        std::fs::copy(&path, path.with_extension("jsonl.1")).unwrap();
        File::create(&path).unwrap(); // truncates, same inode
        f.append("{\"n\":2}").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"n\":2}\n");
    }

    #[test]
    fn a_deleted_file_is_made_again() {
        let path = temp_path("delete");
        let f = AuditFile::open(&path).unwrap();
        f.append("{\"n\":1}").unwrap();
        std::fs::remove_file(&path).unwrap();
        f.append("{\"n\":2}").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"n\":2}\n");
    }
}
