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
use crate::log::{Level, Log};
use crate::store::{Keys, SharedTokens};

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
                if c.refresh_at.is_none_or(|t| Instant::now() < t) {
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
                let refresh_at = t.expires_in.map(|d| Instant::now() + refresh_after(d));
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

/// When to fetch again a token valid for `lifetime`: at 90% of it, at
/// most 5 minutes early. Lifetimes come from outside: a day at most
/// (WeChat's are two hours), so an absurd one cannot overflow the clock.
fn refresh_after(lifetime: Duration) -> Duration {
    let d = lifetime.min(Duration::from_secs(86_400));
    let margin = (d / 10).min(Duration::from_secs(300));
    d.saturating_sub(margin)
}

/// How often a process waiting for another's token fetch looks again.
const SHARED_POLL: Duration = Duration::from_millis(20);

/// One token for every process sharing `store`: the token is read from the
/// store when there; otherwise one process takes the lock key and fetches,
/// and the others wait and read what it wrote. `stale` (the token WeChat
/// just rejected) is never taken from the store, and is dropped from it only
/// if nobody has replaced it yet, so a rejection seen by many processes
/// still causes a single refresh.
///
/// `Code::StateStore` comes only from store operations before `fetch` ran,
/// so the caller may fall back to its own fetch; once `fetch` ran, its
/// result is returned whatever the store does afterwards.
pub(crate) fn fetch_shared(
    store: &dyn SharedTokens,
    keys: &Keys,
    stale: Option<&str>,
    lock_ttl: Duration,
    log: &Log,
    fetch: impl FnOnce() -> Result<FetchedToken>,
) -> Result<FetchedToken> {
    let (token_key, lock_key) = (keys.token(), keys.token_lock());
    let fresh = |found: Option<(Zeroizing<String>, Option<Duration>)>| {
        found.filter(|(value, _)| Some(value.as_str()) != stale)
    };
    let give_up_at = Instant::now() + lock_ttl + SHARED_POLL * 5;
    let owner = lock_owner();
    loop {
        if let Some((value, expires_in)) = fresh(store.get(&token_key)?) {
            return Ok(FetchedToken { value, expires_in });
        }
        if let Some(failed) = stale {
            store.delete_if(&token_key, failed)?;
        }
        if store.put_new(&lock_key, &owner, lock_ttl)? {
            break;
        }
        if Instant::now() >= give_up_at {
            return Err(Error::new(
                Code::AccessToken,
                "another server holds the shared token lock and wrote no token in time",
            ));
        }
        std::thread::sleep(SHARED_POLL);
    }
    // The previous holder may have written its token just before we locked.
    let result = match fresh(store.get(&token_key)?) {
        Some((value, expires_in)) => Ok(FetchedToken { value, expires_in }),
        None => {
            let fetched = fetch();
            if let Ok(t) = &fetched {
                // The key expires when every process should refresh.
                if let Err(e) = store.put(&token_key, &t.value, t.expires_in.map(refresh_after)) {
                    log.emit(Level::Warn, || {
                        format!("token fetched but not shared: {}", e.message)
                    });
                }
            }
            fetched
        }
    };
    if let Err(e) = store.delete_if(&lock_key, &owner) {
        log.emit(Level::Warn, || {
            format!(
                "token lock not released (it expires by itself): {}",
                e.message
            )
        });
    }
    result
}

/// A random lock value, so a holder releases only its own lock.
fn lock_owner() -> String {
    let mut r = [0u8; 16];
    // A failing system RNG leaves zeros: the lock still expires by itself.
    let _ = getrandom::getrandom(&mut r);
    r.iter().map(|b| format!("{b:02x}")).collect()
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
