//! The default store: this process's memory, bounded by a count of
//! remembered keys (oldest forgotten first). Nothing is shared, so a
//! verify_result accepted here is unknown to every other server.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::{Remembered, ReplayKey, StateStore};
use crate::error::Result;

/// 16 bytes per key whatever its length: a replay key's own digest, or a
/// digest of any other key, so the memory per entry is fixed.
type Slot = [u8; 16];

/// foldhash, not SipHash: the slots are SHA-256 output of results WeChat
/// passed, nothing a caller can aim at a bucket, and this runs on every
/// verification under the lock.
type Seen = HashSet<Slot, foldhash::fast::RandomState>;

pub struct MemoryStore {
    capacity: usize,
    /// The set answers "seen?"; the queue remembers which to forget first.
    seen: Mutex<(Seen, VecDeque<Slot>)>,
}

impl MemoryStore {
    /// Remembers at most `capacity` keys; 0 remembers nothing (every key is new).
    pub fn new(capacity: usize) -> MemoryStore {
        MemoryStore {
            capacity,
            seen: Mutex::new((Seen::default(), VecDeque::new())),
        }
    }

    /// Check and insert are one step under the lock, so two threads racing
    /// with the same key cannot both get `New`.
    fn remember_slot(&self, slot: Slot) -> Remembered {
        if self.capacity == 0 {
            return Remembered::New;
        }
        let mut guard = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let (set, order) = &mut *guard;
        if !set.insert(slot) {
            return Remembered::Seen;
        }
        order.push_back(slot);
        if order.len() > self.capacity {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
        Remembered::New
    }
}

impl StateStore for MemoryStore {
    /// The expiry is not kept: a key old enough to be forgotten is
    /// normally rejected as stale anyway.
    fn remember(&self, key: &str, _ttl: Duration) -> Result<Remembered> {
        let mut slot: Slot = [0; 16];
        slot.copy_from_slice(&Sha256::digest(key.as_bytes())[..16]);
        Ok(self.remember_slot(slot))
    }

    /// The store is this client's own (one prefix), so the key's digest
    /// alone tells results apart.
    fn remember_replay(&self, key: &ReplayKey<'_>, _ttl: Duration) -> Result<Remembered> {
        Ok(self.remember_slot(*key.digest()))
    }

    fn describe(&self) -> String {
        format!("memory (at most {} results)", self.capacity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Duration = Duration::from_secs(60);

    #[test]
    fn a_key_is_new_once() {
        let s = MemoryStore::new(10);
        assert_eq!(s.remember("a", T).unwrap(), Remembered::New);
        assert_eq!(s.remember("a", T).unwrap(), Remembered::Seen);
        assert_eq!(s.remember("b", T).unwrap(), Remembered::New);
    }

    #[test]
    fn memory_is_bounded_by_forgetting_the_oldest() {
        let s = MemoryStore::new(2);
        for k in ["a", "b", "c"] {
            assert_eq!(s.remember(k, T).unwrap(), Remembered::New);
        }
        assert_eq!(
            s.remember("a", T).unwrap(),
            Remembered::New,
            "the oldest was forgotten"
        );
        assert_eq!(s.remember("c", T).unwrap(), Remembered::Seen);
    }

    #[test]
    fn a_replay_key_is_new_once_and_only_for_its_own_result() {
        let s = MemoryStore::new(10);
        let keys = super::super::Keys::new("p:".into());
        let (a, b) = (keys.replay("result-a"), keys.replay("result-b"));
        assert_eq!(s.remember_replay(&a, T).unwrap(), Remembered::New);
        assert_eq!(s.remember_replay(&a, T).unwrap(), Remembered::Seen);
        assert_eq!(s.remember_replay(&b, T).unwrap(), Remembered::New);
    }
}
