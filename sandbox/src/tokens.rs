//! Access tokens: issuing (legacy and stable semantics) and checking them
//! the way WeChat does on a business call.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::ids;

/// WeChat's tokens are 136 characters today (room for 512 is advised).
const TOKEN_LEN: usize = 136;
/// Old tokens are remembered so that a stale one answers 40001 rather than
/// "never issued"; beyond this many the oldest are forgotten (also 40001).
const REMEMBERED: usize = 1024;

#[derive(Clone, Copy)]
enum State {
    Live { expires_at: Instant },
    Invalidated,
    Expired,
}

/// Why a token was refused: WeChat's errcode and errmsg.
pub struct Refusal {
    pub errcode: i64,
    pub errmsg: &'static str,
}

pub struct Tokens {
    ttl: Duration,
    known: HashMap<String, State>,
    order: VecDeque<String>,
    current: Option<String>,
}

impl Tokens {
    pub fn new(ttl: Duration) -> Tokens {
        Tokens {
            ttl,
            known: HashMap::new(),
            order: VecDeque::new(),
            current: None,
        }
    }

    /// Legacy `/cgi-bin/token`: every call issues a new token and the
    /// previous one stops working, the classic cause of 40001 storms.
    pub fn issue_legacy(&mut self, now: Instant) -> (String, u64) {
        self.invalidate_current();
        (self.issue(now), self.ttl.as_secs())
    }

    /// `/cgi-bin/stable_token`: the live token and its remaining lifetime,
    /// or a new one when none is live or `force_refresh` asks for it.
    pub fn issue_stable(&mut self, force_refresh: bool, now: Instant) -> (String, u64) {
        if !force_refresh {
            if let Some(token) = &self.current {
                if let Some(State::Live { expires_at }) = self.known.get(token) {
                    if *expires_at > now {
                        let remaining = expires_at.duration_since(now).as_secs().max(1);
                        return (token.clone(), remaining);
                    }
                }
            }
        }
        self.invalidate_current();
        (self.issue(now), self.ttl.as_secs())
    }

    /// The check every business endpoint makes on `?access_token=`.
    pub fn check(&self, token: Option<&str>, now: Instant) -> Result<(), Refusal> {
        let token = match token {
            Some(t) if !t.is_empty() => t,
            _ => {
                return Err(Refusal {
                    errcode: 41001,
                    errmsg: "access_token missing",
                })
            }
        };
        match self.known.get(token) {
            Some(State::Live { expires_at }) if *expires_at > now => Ok(()),
            Some(State::Live { .. }) | Some(State::Expired) => Err(Refusal {
                errcode: 42001,
                errmsg: "access_token expired",
            }),
            Some(State::Invalidated) | None => Err(Refusal {
                errcode: 40001,
                errmsg: "invalid credential, access_token is invalid or not latest",
            }),
        }
    }

    /// Control API: the live token answers 40001 from now on.
    pub fn invalidate_current(&mut self) {
        self.retire(State::Invalidated);
    }

    /// Control API: the live token answers 42001 from now on.
    pub fn expire_current(&mut self) {
        self.retire(State::Expired);
    }

    fn retire(&mut self, to: State) {
        if let Some(token) = self.current.take() {
            if let Some(state) = self.known.get_mut(&token) {
                *state = to;
            }
        }
    }

    fn issue(&mut self, now: Instant) -> String {
        let token = ids::random(TOKEN_LEN);
        crate::secrets_log::record(&token);
        self.known.insert(
            token.clone(),
            State::Live {
                expires_at: now + self.ttl,
            },
        );
        self.order.push_back(token.clone());
        while self.order.len() > REMEMBERED {
            if let Some(old) = self.order.pop_front() {
                self.known.remove(&old);
            }
        }
        self.current = Some(token.clone());
        token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errcode(t: &Tokens, token: &str, now: Instant) -> i64 {
        t.check(Some(token), now).err().map_or(0, |r| r.errcode)
    }

    #[test]
    fn legacy_issue_invalidates_the_previous_token() {
        let now = Instant::now();
        let mut t = Tokens::new(Duration::from_secs(7200));
        let (a, _) = t.issue_legacy(now);
        let (b, _) = t.issue_legacy(now);
        assert_eq!(errcode(&t, &a, now), 40001);
        assert_eq!(errcode(&t, &b, now), 0);
    }

    #[test]
    fn stable_issue_returns_the_live_token_until_forced() {
        let now = Instant::now();
        let mut t = Tokens::new(Duration::from_secs(7200));
        let (a, _) = t.issue_stable(false, now);
        let (b, left) = t.issue_stable(false, now + Duration::from_secs(200));
        assert_eq!(a, b);
        assert_eq!(left, 7000);
        let (c, _) = t.issue_stable(true, now);
        assert_ne!(a, c);
        assert_eq!(errcode(&t, &a, now), 40001);
    }

    #[test]
    fn tokens_expire_after_their_ttl_and_on_request() {
        let now = Instant::now();
        let mut t = Tokens::new(Duration::from_secs(10));
        let (a, _) = t.issue_stable(false, now);
        assert_eq!(errcode(&t, &a, now + Duration::from_secs(11)), 42001);
        let (b, _) = t.issue_stable(false, now + Duration::from_secs(11));
        assert_ne!(a, b);
        t.expire_current();
        assert_eq!(errcode(&t, &b, now), 42001);
        assert_eq!(t.check(None, now).err().map(|r| r.errcode), Some(41001));
        assert_eq!(errcode(&t, "never-issued", now), 40001);
    }
}
