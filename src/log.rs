//! Log lines for the integrator's own logger. Every line is built from masked
//! values only (see [`crate::mask`]); the logger sees nothing a log file may
//! not keep.

use std::fmt;
use std::sync::Arc;

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

    pub fn enabled(&self, level: Level) -> bool {
        self.sink.is_some() && level <= self.max
    }

    /// Formats only when someone listens: log lines are never built for nothing.
    pub fn emit(&self, level: Level, message: impl FnOnce() -> String) {
        if let (true, Some(sink)) = (self.enabled(level), &self.sink) {
            sink.log(level, &message());
        }
    }
}

impl fmt::Debug for Log {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Log")
            .field("enabled", &self.sink.is_some())
            .field("max", &self.max)
            .finish()
    }
}
