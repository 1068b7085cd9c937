//! The integrator's own store (Oracle, SQL Server, DB2...), reached through
//! a callback: "remember this key for N seconds; was it new?".
//!
//! Only the replay guard goes through it; tokens have the token callback.

use std::sync::Arc;
use std::time::Duration;

use super::{Remembered, StateStore};
use crate::error::{Code, Error, Result};

/// The integrator's answer to "remember this key". An `Err` (the database
/// is down, a timeout) makes the verdict `Code::StateStore`, never OK.
pub trait ReplayCallback: Send + Sync {
    /// Must be atomic across every server sharing the table (an INSERT
    /// against a primary key, a MERGE): of several callers with the same
    /// key exactly one may see `New`.
    fn remember(&self, key: &str, ttl_s: u64) -> Result<Remembered>;
}

pub struct CallbackStore {
    callback: Arc<dyn ReplayCallback>,
}

impl CallbackStore {
    pub fn new(callback: Arc<dyn ReplayCallback>) -> CallbackStore {
        CallbackStore { callback }
    }
}

impl StateStore for CallbackStore {
    fn remember(&self, key: &str, ttl: Duration) -> Result<Remembered> {
        self.callback.remember(key, ttl.as_secs()).map_err(|e| {
            if e.code == Code::StateStore {
                e
            } else {
                Error::new(Code::StateStore, format!("replay callback: {}", e.message))
            }
        })
    }

    fn describe(&self) -> String {
        "the replay callback".into()
    }
}
