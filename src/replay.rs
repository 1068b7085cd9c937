//! Remembers accepted verify_results so one cannot be accepted twice.
//!
//! Memory is bounded: a fixed number of 16-byte digests (never the results
//! themselves), oldest forgotten first. A result old enough to be forgotten
//! is normally rejected as stale anyway.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

type Key = [u8; 16];

pub struct ReplayGuard {
    capacity: usize,
    /// The set answers "seen?"; the queue remembers which to forget first.
    seen: Mutex<(HashSet<Key>, VecDeque<Key>)>,
}

impl ReplayGuard {
    pub fn new(capacity: usize) -> ReplayGuard {
        ReplayGuard {
            capacity,
            seen: Mutex::new((HashSet::new(), VecDeque::new())),
        }
    }

    /// Records `value`; false if it was recorded before. Check and insert
    /// are one step, so two threads racing with the same value cannot both win.
    pub fn first_use(&self, value: &str) -> bool {
        if self.capacity == 0 {
            return true;
        }
        let mut key: Key = [0; 16];
        key.copy_from_slice(&Sha256::digest(value.as_bytes())[..16]);
        let mut guard = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let (set, order) = &mut *guard;
        if !set.insert(key) {
            return false;
        }
        order.push_back(key);
        if order.len() > self.capacity {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_accepted_once() {
        let g = ReplayGuard::new(10);
        assert!(g.first_use("a"));
        assert!(!g.first_use("a"));
        assert!(g.first_use("b"));
    }

    #[test]
    fn memory_is_bounded_by_forgetting_the_oldest() {
        let g = ReplayGuard::new(2);
        assert!(g.first_use("a"));
        assert!(g.first_use("b"));
        assert!(g.first_use("c"));
        assert!(g.first_use("a"), "the oldest entry was forgotten");
        assert!(!g.first_use("c"));
    }
}
