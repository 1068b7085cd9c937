//! Access tokens: where they come from, and a cache that fetches one at a
//! time however many threads need one.
//!
//! After a token error the cached token is dropped only if it is still the
//! one that failed: another thread may already have replaced it, and
//! dropping the new one would start a refresh storm.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use crate::error::{Code, Error, Result};

/// A token from the caller (e.g. a central token server), for deployments
/// where only one service may talk to WeChat's token endpoints.
pub trait TokenProvider: Send + Sync {
    /// `stale` is the token WeChat just rejected, if any, so the provider
    /// can fetch a fresh one instead of returning it again.
    fn fetch(&self, stale: Option<&str>) -> Result<FetchedToken>;
}

pub struct FetchedToken {
    pub value: Zeroizing<String>,
    /// `None`: keep it until WeChat rejects it.
    pub expires_in: Option<Duration>,
}

struct Cached {
    value: Arc<Zeroizing<String>>,
    refresh_at: Option<Instant>,
}

#[derive(Default)]
struct State {
    current: Option<Cached>,
    stale: Option<Arc<Zeroizing<String>>>,
    fetching: bool,
    /// Bumped by every finished fetch, so waiters know theirs is done.
    generation: u64,
    last_error: Option<Error>,
}

#[derive(Default)]
pub struct TokenCache {
    state: Mutex<State>,
    done: Condvar,
}

/// Resets `fetching` even if the fetch panics, so no waiter hangs forever.
struct FetchGuard<'a>(&'a TokenCache, bool);

impl Drop for FetchGuard<'_> {
    fn drop(&mut self) {
        if !self.1 {
            let mut st = self.0.lock();
            st.fetching = false;
            st.generation += 1;
            st.last_error = Some(Error::new(Code::Internal, "access token fetch panicked"));
            self.0.done.notify_all();
        }
    }
}

impl TokenCache {
    pub fn new() -> TokenCache {
        TokenCache::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cached token, or one fresh from `fetch`. Threads that arrive
    /// while a fetch runs wait for it and share its result, error included.
    pub fn get(
        &self,
        fetch: impl FnOnce(Option<&str>) -> Result<FetchedToken>,
    ) -> Result<Arc<Zeroizing<String>>> {
        let mut st = self.lock();
        loop {
            if let Some(c) = &st.current {
                if c.refresh_at.map_or(true, |t| Instant::now() < t) {
                    return Ok(c.value.clone());
                }
            }
            if !st.fetching {
                break;
            }
            let waiting_for = st.generation;
            while st.fetching && st.generation == waiting_for {
                st = self.done.wait(st).unwrap_or_else(|p| p.into_inner());
            }
            if let Some(e) = &st.last_error {
                return Err(e.clone());
            }
        }
        st.fetching = true;
        let stale = st.stale.take();
        drop(st);

        let mut guard = FetchGuard(self, false);
        let fetched = fetch(stale.as_ref().map(|s| s.as_str()));
        guard.1 = true;

        let mut st = self.lock();
        st.fetching = false;
        st.generation += 1;
        let result = match fetched {
            Ok(t) => {
                let value = Arc::new(t.value);
                // Refresh early: at 90% of the lifetime, at most 5 minutes before.
                // Lifetimes come from outside: a day at most (WeChat's are
                // two hours), so an absurd one cannot overflow the clock.
                let refresh_at = t.expires_in.map(|d| {
                    let d = d.min(Duration::from_secs(86_400));
                    let margin = (d / 10).min(Duration::from_secs(300));
                    Instant::now() + d.saturating_sub(margin)
                });
                st.current = Some(Cached {
                    value: value.clone(),
                    refresh_at,
                });
                st.last_error = None;
                Ok(value)
            }
            Err(e) => {
                st.last_error = Some(e.clone());
                st.stale = stale;
                Err(e)
            }
        };
        self.done.notify_all();
        result
    }

    /// Drops the cached token if it is still `failed`.
    pub fn invalidate(&self, failed: &str) {
        let mut st = self.lock();
        if st
            .current
            .as_ref()
            .is_some_and(|c| c.value.as_str() == failed)
        {
            st.stale = st.current.take().map(|c| c.value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn token(v: &str) -> Result<FetchedToken> {
        Ok(FetchedToken {
            value: Zeroizing::new(v.to_owned()),
            expires_in: Some(Duration::from_secs(7200)),
        })
    }

    #[test]
    fn an_absurd_lifetime_is_capped_not_a_panic() {
        let c = TokenCache::new();
        let huge = FetchedToken {
            value: Zeroizing::new("t".into()),
            expires_in: Some(Duration::from_secs(u64::MAX)),
        };
        assert_eq!(c.get(|_| Ok(huge)).unwrap().as_str(), "t");
    }

    #[test]
    fn a_cached_token_is_reused() {
        let c = TokenCache::new();
        assert_eq!(c.get(|_| token("t1")).unwrap().as_str(), "t1");
        assert_eq!(c.get(|_| token("t2")).unwrap().as_str(), "t1");
    }

    #[test]
    fn sixteen_threads_at_a_cold_start_fetch_once() {
        let c = Arc::new(TokenCache::new());
        let fetches = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let (c, fetches) = (c.clone(), fetches.clone());
                std::thread::spawn(move || {
                    c.get(|_| {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(50));
                        token("t")
                    })
                    .unwrap()
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap().as_str(), "t");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn invalidating_an_old_token_keeps_the_new_one() {
        let c = TokenCache::new();
        c.get(|_| token("old")).unwrap();
        c.invalidate("old");
        assert_eq!(
            c.get(|stale| {
                assert_eq!(stale, Some("old"));
                token("new")
            })
            .unwrap()
            .as_str(),
            "new"
        );
        c.invalidate("old");
        assert_eq!(c.get(|_| token("newer")).unwrap().as_str(), "new");
    }

    #[test]
    fn waiters_share_a_failed_fetch_instead_of_retrying_it() {
        let c = Arc::new(TokenCache::new());
        let fetches = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (c, fetches) = (c.clone(), fetches.clone());
                std::thread::spawn(move || {
                    c.get(|_| {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(100));
                        Err(Error::new(Code::AccessToken, "wrong secret"))
                    })
                })
            })
            .collect();
        let errors = threads
            .into_iter()
            .map(|t| t.join().unwrap())
            .filter(Result::is_err)
            .count();
        assert_eq!(errors, 8);
        assert!(
            fetches.load(Ordering::SeqCst) < 8,
            "a failure must not make every waiter fetch again"
        );
    }
}
