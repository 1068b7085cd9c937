//! The default store: this process's memory, bounded by a count of
//! remembered keys (oldest forgotten first). Nothing is shared, so a
//! verify_result accepted here is unknown to every other server.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::{Remembered, StateStore};
use crate::error::Result;

/// 16 bytes per key whatever its length: the keys already hold a digest,
/// and hashing again keeps the memory per entry fixed.
type Slot = [u8; 16];

pub struct MemoryStore {
    capacity: usize,
    /// The set answers "seen?"; the queue remembers which to forget first.
    seen: Mutex<(HashSet<Slot>, VecDeque<Slot>)>,
}

impl MemoryStore {
    /// Remembers at most `capacity` keys; 0 remembers nothing (every key is new).
    pub fn new(capacity: usize) -> MemoryStore {
        MemoryStore {
            capacity,
            seen: Mutex::new((HashSet::new(), VecDeque::new())),
        }
    }
}

impl StateStore for MemoryStore {
    /// Check and insert are one step under the lock, so two threads racing
    /// with the same key cannot both get `New`. The expiry is not kept: a
    /// key old enough to be forgotten is normally rejected as stale anyway.
    fn remember(&self, key: &str, _ttl: Duration) -> Result<Remembered> {
        if self.capacity == 0 {
            return Ok(Remembered::New);
        }
        let mut slot: Slot = [0; 16];
        slot.copy_from_slice(&Sha256::digest(key.as_bytes())[..16]);
        let mut guard = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let (set, order) = &mut *guard;
        if !set.insert(slot) {
            return Ok(Remembered::Seen);
        }
        order.push_back(slot);
        if order.len() > self.capacity {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
        Ok(Remembered::New)
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
}
