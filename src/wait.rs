//! The bounded wait for a 2.0 verdict: query, and while WeChat answers
//! "not finished yet" (PENDING), ask again with growing pauses until the
//! caller's deadline or the end of the verify_id's life, never past either.
//!
//! The verify_id's life is known only to the client that made the
//! getverifyid call (from its `expires_in`); it remembers it here, by a
//! digest of the verify_id. A verify_id from another process is bounded by
//! the caller's timeout alone, and WeChat's 84022 ends the wait once it has
//! expired.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::client::{Client, Trail};
use crate::error::{Code, Error, Result};
use crate::log::Level;
use crate::mask;
use crate::response::Response;
use crate::stats::Call;

/// Pauses grow from `wait_interval_ms` up to this many times it.
const MAX_PAUSE_FACTOR: u32 = 8;
/// A pause is cut so that this much time is left for the last query.
const LAST_QUERY_RESERVE: Duration = Duration::from_millis(500);

/// Lets another thread end a wait early (Go's context cancellation).
#[derive(Clone, Default)]
pub struct Cancel(Arc<(Mutex<bool>, Condvar)>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Ends every wait using this token, now and from now on.
    pub fn fire(&self) {
        let (fired, woken) = &*self.0;
        *fired.lock().unwrap_or_else(|p| p.into_inner()) = true;
        woken.notify_all();
    }

    pub fn is_fired(&self) -> bool {
        *self.0 .0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sleeps for `pause` unless fired first; false if fired.
    fn sleep(&self, pause: Duration) -> bool {
        let (fired, woken) = &*self.0;
        let guard = fired.lock().unwrap_or_else(|p| p.into_inner());
        let (guard, _) = woken
            .wait_timeout_while(guard, pause, |fired| !*fired)
            .unwrap_or_else(|p| p.into_inner());
        !*guard
    }
}

/// The pause before query number `attempt + 1` (attempt >= 1): the
/// interval, doubling, capped at MAX_PAUSE_FACTOR times it.
pub(crate) fn pause(attempt: u32, interval: Duration) -> Duration {
    let factor = 1u32 << attempt.saturating_sub(1).min(3);
    interval * factor.min(MAX_PAUSE_FACTOR)
}

/// How long to sleep before the next query, or None if no query could
/// start and finish before `end`: the pause is shortened so that the last
/// query keeps LAST_QUERY_RESERVE (or half the time left, if less).
pub(crate) fn next_sleep(now: Instant, end: Instant, wanted: Duration) -> Option<Duration> {
    let left = end.saturating_duration_since(now);
    let reserve = LAST_QUERY_RESERVE.min(left / 2);
    let sleep = wanted.min(left.saturating_sub(reserve));
    if left.is_zero() || left <= reserve + Duration::from_millis(1) {
        None
    } else {
        Some(sleep)
    }
}

impl Client {
    /// [`Client::v2_query`] repeated while the answer is PENDING, until
    /// `timeout` from now, or until the verify_id's life ends if this
    /// client obtained it, whichever comes first; no call or pause runs
    /// past that end. Pauses start at `wait_interval_ms` and double up to
    /// 8 times it. Returns the first answer that is not PENDING; PENDING
    /// if the caller's deadline came (or `cancel` fired) first;
    /// VERIFY_ID_EXPIRED if the verify_id's life ended first.
    pub fn v2_wait(
        &self,
        verify_id: &str,
        out_seq_no: &str,
        openid: &str,
        cert_hash: &str,
        timeout: Duration,
        cancel: Option<&Cancel>,
    ) -> Result<Response> {
        self.observe(Call::V2Wait, |trail| {
            trail.note_query(verify_id, out_seq_no, openid);
            self.wait(
                verify_id, out_seq_no, openid, cert_hash, timeout, cancel, trail,
            )
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn wait(
        &self,
        verify_id: &str,
        out_seq_no: &str,
        openid: &str,
        cert_hash: &str,
        timeout: Duration,
        cancel: Option<&Cancel>,
        trail: &mut Trail,
    ) -> Result<Response> {
        if timeout.is_zero() {
            return Err(Error::invalid_argument("timeout_ms", "must be at least 1"));
        }
        let started = Instant::now();
        let deadline = started + timeout;
        let life = self.inner.lives.end_of(verify_id);
        let end = life.map_or(deadline, |l| l.min(deadline));
        let ended_by_life = life.is_some_and(|l| l <= deadline);
        if ended_by_life && end <= started {
            return Err(Error::new(
                Code::VerifyIdExpired,
                "the verify_id's life (getverifyid's expires_in) has ended: the user must start again",
            ));
        }
        let interval = self.inner.wait_interval;
        let bounded = self.with_deadline(end);
        let mut queries = 0u32;
        let mut last: Option<Error> = None;
        let mut final_query = false;
        loop {
            queries += 1;
            trail.queries = Some(queries);
            let outcome = bounded.query(verify_id, out_seq_no, openid, cert_hash, trail);
            let pending = match (outcome, last.take()) {
                (Err(e), _) if e.code == Code::Pending => e,
                // A query cut short by the end itself: the state is still
                // the pending one seen before.
                (Err(e), Some(before)) if e.code == Code::Timeout && Instant::now() >= end => {
                    before
                }
                (other, _) => return other,
            };
            if cancel.is_some_and(Cancel::is_fired) {
                return Err(still_pending(pending, queries, started, "cancelled"));
            }
            let wanted = pause(queries, interval);
            let sleep = next_sleep(Instant::now(), end, wanted);
            let Some(sleep) = sleep.filter(|_| !final_query) else {
                return Err(ended(pending, queries, started, ended_by_life));
            };
            if sleep < wanted {
                // The pause was cut to fit: this is the last query.
                final_query = true;
            }
            self.log().emit(Level::Debug, || {
                format!(
                    "v2 wait openid {}: pending after {queries} queries, next in {} ms",
                    mask::opaque(openid),
                    sleep.as_millis()
                )
            });
            let slept_in_full = match cancel {
                Some(c) => c.sleep(sleep),
                None => {
                    std::thread::sleep(sleep);
                    true
                }
            };
            if !slept_in_full {
                return Err(still_pending(pending, queries, started, "cancelled"));
            }
            if Instant::now() >= end {
                return Err(ended(pending, queries, started, ended_by_life));
            }
            last = Some(pending);
        }
    }
}

/// The answer when no further query fits before the end.
fn ended(pending: Error, queries: u32, started: Instant, by_life: bool) -> Error {
    if by_life {
        return Error::new(
            Code::VerifyIdExpired,
            format!(
                "still pending after {queries} queries and the verify_id's life (getverifyid's expires_in) ends before another: the user must start again"
            ),
        );
    }
    still_pending(pending, queries, started, "the deadline came")
}

fn still_pending(last: Error, queries: u32, started: Instant, why: &str) -> Error {
    Error {
        message: format!(
            "{}; still pending when {why} ({queries} queries in {} ms)",
            last.message,
            started.elapsed().as_millis()
        ),
        ..last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn pauses_double_from_the_interval_and_stop_growing_at_eight_times_it() {
        let i = 100 * MS;
        let got: Vec<u128> = (1..7).map(|a| pause(a, i).as_millis()).collect();
        assert_eq!(got, [100, 200, 400, 800, 800, 800]);
    }

    #[test]
    fn a_pause_never_reaches_past_the_end() {
        let now = Instant::now();
        let end = now + 3000 * MS;
        assert_eq!(next_sleep(now, end, 1000 * MS), Some(1000 * MS));
        // Cut so that the last query keeps its reserve.
        assert_eq!(next_sleep(now, end, 8000 * MS), Some(2500 * MS));
        // Little time left: half of it for the pause, half for the query.
        assert_eq!(next_sleep(now, now + 400 * MS, 1000 * MS), Some(200 * MS));
        assert_eq!(next_sleep(now, now, 1000 * MS), None);
        assert_eq!(next_sleep(now + 10 * MS, now, 1000 * MS), None);
    }

    #[test]
    fn a_fired_cancel_ends_a_sleep_at_once() {
        let c = Cancel::new();
        let other = c.clone();
        let t = std::thread::spawn(move || {
            let started = Instant::now();
            (other.sleep(Duration::from_secs(30)), started.elapsed())
        });
        std::thread::sleep(20 * MS);
        c.fire();
        let (woke_normally, slept) = t.join().unwrap();
        assert!(!woke_normally);
        assert!(slept < Duration::from_secs(5), "{slept:?}");
        assert!(!c.sleep(Duration::from_secs(30)), "stays fired");
    }
}
