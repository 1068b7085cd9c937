//! What the sandbox remembers between calls: pending 1.0 verifications
//! (by user_id_key), finished 1.0 results (by verify_result) and 2.0
//! verifications (by verify_id). Every entry has a deadline; the maps are
//! bounded so a long soak test cannot grow them without limit.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Entries per map before the oldest are dropped.
const CAPACITY: usize = 100_000;
/// How long an expired entry is kept so that it answers "expired" (84002)
/// rather than "unknown" (84001).
const REMEMBER_EXPIRED: Duration = Duration::from_secs(3600);

pub enum Lookup<'a, V> {
    Live(&'a mut V),
    Expired,
    Unknown,
}

/// A map whose entries expire, oldest-first eviction when full.
pub struct Expiring<V> {
    entries: HashMap<String, (Instant, V)>,
    order: VecDeque<String>,
}

impl<V> Default for Expiring<V> {
    fn default() -> Self {
        Expiring {
            entries: HashMap::new(),
            order: VecDeque::new(),
        }
    }
}

impl<V> Expiring<V> {
    pub fn insert(&mut self, key: String, value: V, expires_at: Instant, now: Instant) {
        self.evict(now);
        self.entries.insert(key.clone(), (expires_at, value));
        self.order.push_back(key);
    }

    pub fn get(&mut self, key: &str, now: Instant) -> Lookup<'_, V> {
        match self.entries.get_mut(key) {
            Some((deadline, value)) if *deadline > now => Lookup::Live(value),
            Some(_) => Lookup::Expired,
            None => Lookup::Unknown,
        }
    }

    /// Moves an entry's deadline (the control API's ttl options).
    pub fn set_deadline(&mut self, key: &str, expires_at: Instant) {
        if let Some((deadline, _)) = self.entries.get_mut(key) {
            *deadline = expires_at;
        }
    }

    /// Brings an entry's deadline `by` closer, as if that much time had
    /// passed (the control API's age route); None for an unknown key.
    pub fn age(&mut self, key: &str, by: Duration, now: Instant) -> Option<Duration> {
        let (deadline, _) = self.entries.get_mut(key)?;
        // Instants cannot go before the process started: clamp at `now`.
        let left = deadline.saturating_duration_since(now).saturating_sub(by);
        *deadline = now + left;
        Some(left)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    fn evict(&mut self, now: Instant) {
        while let Some(oldest) = self.order.front() {
            let drop = match self.entries.get(oldest) {
                None => true,
                Some((deadline, _)) => {
                    self.entries.len() >= CAPACITY || *deadline + REMEMBER_EXPIRED <= now
                }
            };
            if !drop {
                break;
            }
            if let Some(key) = self.order.pop_front() {
                self.entries.remove(&key);
            }
        }
        // A key inserted twice leaves a stale copy in `order`; keep the
        // queue from outgrowing the map because of them.
        if self.order.len() > 2 * CAPACITY {
            let entries = &self.entries;
            self.order.retain(|k| entries.contains_key(k));
        }
    }
}

/// 1.0: what getuseridkey received, waiting for the phone.
pub struct Pending1 {
    pub name: String,
    /// Normalised (ASCII, upper-case X).
    pub id_card_number: String,
    pub out_seq_no: Option<String>,
}

/// 1.0: what getinfo will report for a verify_result.
pub struct Result1 {
    pub identify_ret: i64,
    pub identify_time: i64,
    pub finish_time: i64,
    pub validate_data: Option<String>,
    pub openid: String,
    pub user_id_key: String,
    pub id_card_number_md5: String,
    pub name_utf8_md5: String,
    /// Answer getinfo with this errcode instead (e.g. 84003).
    pub getinfo_errcode: Option<i64>,
}

/// 2.0: what getverifyid received, and the phone's outcome once known.
pub struct Verify2 {
    pub out_seq_no: String,
    pub openid: String,
    pub cert_hash: String,
    pub verify_ret: Option<i64>,
    /// Queries still answered 10005 ("still checking") before the outcome.
    pub checking_left: u64,
}

#[derive(Default)]
pub struct Sessions {
    pub pending1: Expiring<Pending1>,
    pub results1: Expiring<Result1>,
    pub verify2: Expiring<Verify2>,
    /// out_seq_nos getverifyid has accepted: a second use is 84019.
    pub used_out_seq_nos: Expiring<()>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_answer_live_then_expired_then_unknown() {
        let now = Instant::now();
        let mut m = Expiring::default();
        m.insert("a".into(), 1, now + Duration::from_secs(5), now);
        assert!(matches!(m.get("a", now), Lookup::Live(1)));
        assert!(matches!(
            m.get("a", now + Duration::from_secs(5)),
            Lookup::Expired
        ));
        assert!(matches!(m.get("b", now), Lookup::Unknown));
        // Long-expired entries are dropped on the next insert.
        let later = now + Duration::from_secs(5) + REMEMBER_EXPIRED;
        m.insert("c".into(), 3, later + Duration::from_secs(5), later);
        assert!(matches!(m.get("a", later), Lookup::Unknown));
        assert_eq!(m.len(), 1);
    }
}
