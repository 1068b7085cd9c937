//! Log lines for the integrator's own logger. Every line is built from masked
//! values only (see [`crate::mask`]); the logger sees nothing a log file may
//! not keep.

use std::borrow::Cow;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::sync::{Arc, Mutex};

use once_cell::sync::Lazy;

/// Severity, most severe first. Values are part of the C ABI.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Some(Level::Error),
            "warn" | "warning" => Some(Level::Warn),
            "info" => Some(Level::Info),
            "debug" => Some(Level::Debug),
            "trace" => Some(Level::Trace),
            _ => None,
        }
    }

    pub fn from_i32(v: i32) -> Option<Level> {
        [
            Level::Error,
            Level::Warn,
            Level::Info,
            Level::Debug,
            Level::Trace,
        ]
        .into_iter()
        .find(|l| *l as i32 == v)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Receives log lines. Called from whichever thread makes the call, so it
/// must be safe to call concurrently.
pub trait Logger: Send + Sync {
    fn log(&self, level: Level, message: &str);
}

/// A logger and the most verbose level it wants.
#[derive(Clone)]
pub struct Log {
    sink: Option<Arc<dyn Logger>>,
    max: Level,
}

impl Log {
    pub fn new(sink: Option<Arc<dyn Logger>>, max: Level) -> Log {
        Log { sink, max }
    }

    #[inline]
    pub fn enabled(&self, level: Level) -> bool {
        (self.sink.is_some() && level <= self.max) || DIAG.as_ref().is_some_and(|d| level <= d.max)
    }

    /// Formats only when someone listens: log lines are never built for
    /// nothing. Inlined down to the check; the building is out of line, so
    /// a call site with no listener costs a compare, not a function.
    #[inline]
    pub fn emit(&self, level: Level, message: impl FnOnce() -> String) {
        if self.enabled(level) {
            self.build_and_write(level, message);
        }
    }

    #[cold]
    #[inline(never)]
    fn build_and_write(&self, level: Level, message: impl FnOnce() -> String) {
        self.write(level, &message());
    }

    fn write(&self, level: Level, built: &str) {
        // Lines carry values from outside (a push's Event, WeChat's field
        // names): one line stays one line whatever they hold.
        let line = escape_controls(built);
        if let Some(sink) = self.sink.as_ref().filter(|_| level <= self.max) {
            sink.log(level, &line);
        }
        if let Some(d) = DIAG.as_ref().filter(|d| level <= d.max) {
            d.write(level.as_str(), &line);
        }
    }
}

/// The process-wide diagnostic file: `WXFACE_LOG_FILE=path` appends every
/// log line (up to `WXFACE_LOG_LEVEL`, default `debug`) and every error
/// returned through the C ABI. For support cases and for the test suites'
/// PII scan; what it holds is as masked as any log line.
struct DiagFile {
    file: Mutex<File>,
    max: Level,
}

impl DiagFile {
    fn write(&self, kind: &str, line: &str) {
        // One write of the whole line: the file is opened for appending and
        // shared by every process of a test run, and writeln! would write
        // the pieces separately, letting another process's line in between.
        let whole = format!("{} {kind} {line}\n", std::process::id());
        let mut f = self.file.lock().unwrap_or_else(|p| p.into_inner());
        let _ = f.write_all(whole.as_bytes());
    }
}

static DIAG: Lazy<Option<DiagFile>> = Lazy::new(|| {
    let path = std::env::var_os("WXFACE_LOG_FILE").filter(|p| !p.is_empty())?;
    let max = std::env::var("WXFACE_LOG_LEVEL")
        .ok()
        .and_then(|l| Level::parse(&l))
        .unwrap_or(Level::Debug);
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .ok()?;
    Some(DiagFile {
        file: Mutex::new(file),
        max,
    })
});

/// Records an error handed to a caller, in the diagnostic file if one is set.
pub fn record_error(e: &crate::Error) {
    if let Some(d) = DIAG.as_ref() {
        d.write(
            "error",
            &escape_controls(&format!("{}: {}", e.code.name(), e.message)),
        );
    }
}

/// Whether the diagnostic file is on (it receives audit records too).
pub(crate) fn diag_enabled() -> bool {
    DIAG.is_some()
}

/// An audit record (a JSON line, already PII-free) in the diagnostic file,
/// so that the test suites' PII scan sees every record any suite made.
pub(crate) fn record_audit(json: &str) {
    if let Some(d) = DIAG.as_ref() {
        d.write("audit", json);
    }
}

/// The line with every character that could end it or disguise it (C0
/// and C1 controls, U+2028/U+2029, bidirectional overrides) written as an
/// escape: `\n`, `\r`, `\t`, `\u{1b}`. Borrowed when there is none.
pub fn escape_controls(line: &str) -> Cow<'_, str> {
    fn needs_escape(c: char) -> bool {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    }
    if !line.chars().any(needs_escape) {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

impl fmt::Debug for Log {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Log")
            .field("enabled", &self.sink.is_some())
            .field("max", &self.max)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_plain_lines_untouched() {
        assert_eq!(escape_controls("a\nb\r\tc"), "a\\nb\\r\\tc");
        assert_eq!(escape_controls("x\u{1b}[2K"), "x\\u{1b}[2K");
        assert_eq!(escape_controls("\u{2028}\u{202e}"), "\\u{2028}\\u{202e}");
        assert!(matches!(
            escape_controls("张* 110***002X ok"),
            Cow::Borrowed(_)
        ));
    }
}
