//! How long each verify_id a client obtained lives (from getverifyid's
//! `expires_in`), so that the 2.0 wait never runs past it. Kept by a
//! digest of the verify_id; the oldest are forgotten first.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Instant;

use sha2::{Digest, Sha256};

/// verify_ids whose life a client remembers; older ones are forgotten first.
const REMEMBERED: usize = 100_000;

type Key = [u8; 16];

/// When each verify_id this client obtained stops living.
#[derive(Default)]
pub(crate) struct Lives {
    /// The map answers "until when?"; the queue says which to forget first.
    inner: Mutex<(HashMap<Key, Instant>, VecDeque<Key>)>,
}

impl Lives {
    pub(crate) fn remember(&self, verify_id: &str, ends: Instant) {
        let key = digest(verify_id);
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (ends_at, order) = &mut *guard;
        if ends_at.insert(key, ends).is_none() {
            order.push_back(key);
        }
        while order.len() > REMEMBERED {
            if let Some(old) = order.pop_front() {
                ends_at.remove(&old);
            }
        }
    }

    pub(crate) fn end_of(&self, verify_id: &str) -> Option<Instant> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.0.get(&digest(verify_id)).copied()
    }
}

fn digest(verify_id: &str) -> Key {
    let mut key = [0; 16];
    key.copy_from_slice(&Sha256::digest(verify_id.as_bytes())[..16]);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lives_are_remembered_by_digest_and_bounded() {
        let lives = Lives::default();
        let t = Instant::now();
        lives.remember("vid-1", t);
        assert_eq!(lives.end_of("vid-1"), Some(t));
        assert_eq!(lives.end_of("vid-2"), None);
        for i in 0..REMEMBERED {
            lives.remember(&format!("v{i}"), t);
        }
        assert_eq!(lives.end_of("vid-1"), None, "the oldest was forgotten");
    }
}
