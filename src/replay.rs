//! Remembers accepted verify_results so one cannot be accepted twice, by
//! this process or (with a shared store) by any other server.
//!
//! The store sees a digest of the verify_result, never the value.

use std::sync::Arc;
use std::time::Duration;

use crate::error::Result;
use crate::store::{Keys, Remembered, StateStore};

/// How long a result is remembered when the age check is off
/// (`max_result_age_s=0`): WeChat forgets a verify_result within minutes
/// (84002), so a day outlives any that can still be fetched.
pub const TTL_WITHOUT_AGE_CHECK: Duration = Duration::from_secs(86_400);

/// A result whose finish_time lies this far in the future is still
/// accepted (clock skew), so it must be remembered that much longer.
const SKEW_ALLOWANCE: Duration = Duration::from_secs(300);

pub struct ReplayGuard {
    store: Arc<dyn StateStore>,
    keys: Keys,
    ttl: Duration,
}

impl ReplayGuard {
    pub fn new(store: Arc<dyn StateStore>, keys: Keys, max_result_age_s: u64) -> ReplayGuard {
        // Remembered at least as long as the age check would still let the
        // result through; after that the age check rejects it by itself.
        let ttl = if max_result_age_s == 0 {
            TTL_WITHOUT_AGE_CHECK
        } else {
            Duration::from_secs(max_result_age_s) + SKEW_ALLOWANCE
        };
        ReplayGuard { store, keys, ttl }
    }

    /// Records `verify_result`; `Ok(false)` if it was recorded before. One
    /// atomic step in the store, so racing callers cannot both win; an
    /// unreachable store is an error, never a "first use".
    pub fn first_use(&self, verify_result: &str) -> Result<bool> {
        let key = self.keys.replay(verify_result);
        Ok(self.store.remember_replay(&key, self.ttl)? == Remembered::New)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    #[test]
    fn a_value_is_accepted_once() {
        let g = ReplayGuard::new(
            Arc::new(MemoryStore::new(10)),
            Keys::new(String::new()),
            600,
        );
        assert!(g.first_use("a").unwrap());
        assert!(!g.first_use("a").unwrap());
        assert!(g.first_use("b").unwrap());
    }
}
