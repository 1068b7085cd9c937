//! The client: configuration turned into a transport, a token source, a
//! replay guard and push keys, shared by every thread that holds it.
//!
//! The 1.0 and 2.0 calls live in `v1.rs` and `v2.rs`; this file holds what
//! they share: one authenticated WeChat call with the token retry.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use zeroize::Zeroizing;

use crate::audit::{self, Audit, Record};
use crate::call::{check_errcode, Caller, Request, Safety};
use crate::config::{Config, TokenEndpoint};
use crate::errcode;
use crate::error::{Code, Error, Result};
use crate::lives::Lives;
use crate::log::{Level, Log};
use crate::mask;
use crate::push::PushConfig;
use crate::replay::ReplayGuard;
use crate::response::Response;
use crate::stats::{Attempts, Call, Snapshot, Stats};
use crate::store::{CallbackStore, Keys, MemoryStore, RedisStore, StateStore, StoreSetting};
use crate::text::TextEncoding;
use crate::token::{self as tokens, FetchedToken, TokenCache, TokenProvider};
use crate::transport::Transport;

enum TokenSource {
    Wechat {
        appid: String,
        secret: Zeroizing<String>,
        endpoint: TokenEndpoint,
    },
    Fixed(Arc<Zeroizing<String>>),
    Provider(Arc<dyn TokenProvider>),
}

pub(crate) struct Inner {
    pub(crate) caller: Caller,
    source: TokenSource,
    tokens: TokenCache,
    pub(crate) replay: ReplayGuard,
    /// Shares the token with other processes when it can (Redis).
    store: Arc<dyn StateStore>,
    keys: Keys,
    /// How long one process may hold the shared token lock: its own fetch
    /// with every retry, so a crashed holder blocks the others no longer.
    token_lock_ttl: Duration,
    pub(crate) max_result_age_s: u64,
    /// When the verify_ids this client obtained stop living (the 2.0 wait).
    pub(crate) lives: Lives,
    pub(crate) wait_interval: Duration,
    pub(crate) input_encoding: TextEncoding,
    pub(crate) output_encoding: TextEncoding,
    pub(crate) push: Option<PushConfig>,
    /// The configured per-attempt timeout, the ceiling for `with_timeout`.
    timeout: Duration,
    pub(crate) stats: Arc<Stats>,
    audit: Audit,
}

/// Cheap to clone; clones share tokens, connections and the replay guard.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    /// Per-handle override of the per-attempt timeout (Go contexts).
    timeout: Option<Duration>,
    /// Per-handle deadline for every call and retry (the 2.0 wait).
    deadline: Option<Instant>,
}

impl Client {
    pub fn new(cfg: &Config) -> Result<Client> {
        let source = match (
            &cfg.token_provider,
            &cfg.access_token,
            &cfg.appid,
            &cfg.secret,
        ) {
            (Some(p), None, _, _) => TokenSource::Provider(p.clone()),
            (None, Some(t), _, _) => TokenSource::Fixed(Arc::new(t.clone())),
            (Some(_), Some(_), _, _) => {
                return Err(Error::new(
                    Code::Config,
                    "set either access_token or a token callback, not both",
                ))
            }
            (None, None, Some(appid), Some(secret)) => TokenSource::Wechat {
                appid: appid.clone(),
                secret: secret.clone(),
                endpoint: cfg.token_endpoint,
            },
            (None, None, _, _) => {
                return Err(Error::new(
                    Code::Config,
                    "no credentials: set appid and secret, access_token, or a token callback",
                ))
            }
        };
        let push = match &cfg.push_token {
            None => None,
            Some(token) => {
                let appid = cfg.appid.clone().unwrap_or_default();
                if cfg.push_aes_key.is_some() && appid.is_empty() {
                    return Err(Error::new(
                        Code::Config,
                        "push_aes_key needs appid: the decrypted push ends with it",
                    ));
                }
                Some(PushConfig::new(
                    token,
                    cfg.push_aes_key.as_ref().map(|k| k.as_str()),
                    &appid,
                    cfg.push_max_skew_s,
                )?)
            }
        };
        let (store, keys) = open_store(cfg)?;
        let log = Log::new(cfg.logger.clone(), cfg.log_level);
        let audit = Audit::new(cfg.audit_sink.clone(), cfg.audit_file.as_deref())?;
        let stats = Arc::new(Stats::new());
        let caller = Caller {
            transport: Transport::new(cfg, &log)?,
            log,
            max_retries: cfg.max_retries,
            stats: stats.clone(),
        };
        caller.log.emit(Level::Info, || {
            format!(
                "client ready: api_base {}, token from {}",
                cfg.api_base,
                match &source {
                    TokenSource::Wechat {
                        endpoint: TokenEndpoint::Stable,
                        ..
                    } => "stable_token",
                    TokenSource::Wechat {
                        endpoint: TokenEndpoint::Legacy,
                        ..
                    } => "cgi-bin/token",
                    TokenSource::Fixed(_) => "configuration",
                    TokenSource::Provider(_) => "callback",
                }
            )
        });
        let inner = Inner {
            caller,
            source,
            tokens: TokenCache::new(),
            replay: ReplayGuard::new(store.clone(), keys.clone(), cfg.max_result_age_s),
            token_lock_ttl: cfg.timeout * (cfg.max_retries + 1) + Duration::from_secs(5),
            store,
            keys,
            max_result_age_s: cfg.max_result_age_s,
            lives: Lives::default(),
            wait_interval: cfg.wait_interval,
            input_encoding: cfg.input_encoding,
            output_encoding: cfg.output_encoding,
            push,
            timeout: cfg.timeout,
            stats,
            audit,
        };
        Ok(Client {
            inner: Arc::new(inner),
            timeout: None,
            deadline: None,
        })
    }

    /// A handle sharing everything with this one but whose calls each wait
    /// at most `timeout` per attempt, and never longer than the configured
    /// `timeout_ms`: a caller's deadline can shorten a call, not lengthen it.
    /// A zero timeout is `Code::InvalidArgument`: no call could be made.
    pub fn with_timeout(&self, timeout: Duration) -> Result<Client> {
        if timeout.is_zero() {
            return Err(Error::invalid_argument("timeout_ms", "must be at least 1"));
        }
        Ok(Client {
            inner: self.inner.clone(),
            timeout: Some(timeout.min(self.inner.timeout)),
            deadline: self.deadline,
        })
    }

    /// A handle whose calls, retries included, end by `deadline`: each
    /// attempt waits at most the time left, and a retry that could not
    /// finish in time is not started.
    pub(crate) fn with_deadline(&self, deadline: Instant) -> Client {
        Client {
            inner: self.inner.clone(),
            timeout: Some(self.timeout.unwrap_or(self.inner.timeout)),
            deadline: Some(self.deadline.map_or(deadline, |d| d.min(deadline))),
        }
    }

    pub fn input_encoding(&self) -> TextEncoding {
        self.inner.input_encoding
    }

    /// How the C layer hands this client's strings back (`text_encoding`).
    pub fn output_encoding(&self) -> TextEncoding {
        self.inner.output_encoding
    }

    pub(crate) fn log(&self) -> &Log {
        &self.inner.caller.log
    }

    /// One authenticated business call, with errcode checked. On a token
    /// error the failed token is dropped (if still current) and the call is
    /// retried exactly once: 40001 can also mean a wrong secret, never loop.
    /// `body` is a request struct of the calling module, serialized once.
    pub(crate) fn wechat_call(
        &self,
        path: &str,
        body: &impl Serialize,
        safety: Safety,
    ) -> Result<Response> {
        self.authed_call(path, &encode(body)?, safety, false)
    }

    /// getimage: the photo, or WeChat's JSON error.
    pub(crate) fn wechat_image_call(&self, path: &str, body: &impl Serialize) -> Result<Response> {
        let r = self.authed_call(path, &encode(body)?, Safety::Read, true)?;
        if !matches!(r.get("image"), Some(crate::Value::Bytes(_))) {
            return Err(Error::new(
                Code::BadResponse,
                format!("{path}: no image in the answer"),
            ));
        }
        Ok(r)
    }

    fn authed_call(
        &self,
        path: &str,
        body: &[u8],
        safety: Safety,
        image: bool,
    ) -> Result<Response> {
        let mut retried = false;
        loop {
            let token = self.token()?;
            let query = [("access_token", token.as_str())];
            let req = Request {
                method: "POST",
                path,
                query: &query,
                body: Some(body),
                safety,
                timeout: self.timeout,
                deadline: self.deadline,
                image,
            };
            let r = self.inner.caller.exchange(&req)?;
            // WeChat's business answers always carry errcode; the photo
            // of getimage is the one answer without it.
            let errcode = if image && r.get("errcode").is_none() && r.get("image").is_some() {
                0
            } else {
                r.require_int(path, "errcode")?
            };
            if errcode::is_token_error(errcode) && !retried && self.token_is_refreshable() {
                self.drop_rejected_token(path, errcode, token.as_str());
                retried = true;
                continue;
            }
            return check_errcode(path, r).map_err(|e| {
                if e.code == Code::AccessToken && retried {
                    after_refresh(e)
                } else {
                    e
                }
            });
        }
    }

    /// Forgets a token WeChat rejected, here and in the shared store.
    #[cold]
    #[inline(never)]
    fn drop_rejected_token(&self, path: &str, errcode: i64, token: &str) {
        self.log().emit(Level::Warn, || {
            format!("{path}: token rejected (errcode {errcode}); refreshing once")
        });
        self.inner.stats.token_rejected();
        self.inner.tokens.invalidate(token);
        self.drop_shared_token(token);
    }

    fn token_is_refreshable(&self) -> bool {
        !matches!(self.inner.source, TokenSource::Fixed(_))
    }

    /// The current access token, fetched if needed. Exposed for callers
    /// that make other WeChat calls with the same token.
    pub fn token(&self) -> Result<Arc<Zeroizing<String>>> {
        match &self.inner.source {
            TokenSource::Fixed(t) => Ok(t.clone()),
            TokenSource::Provider(p) => self.inner.tokens.get(|stale| {
                self.observe(Call::TokenFetch, |t| {
                    t.source = Some("callback");
                    p.fetch(stale).map_err(|e| {
                        Error::new(Code::AccessToken, format!("token callback: {}", e.message))
                    })
                })
            }),
            TokenSource::Wechat {
                appid,
                secret,
                endpoint,
            } => self.inner.tokens.get(|stale| {
                let own = || self.fetch_from_wechat(appid, secret, *endpoint);
                let Some(shared) = self.inner.store.shared_tokens() else {
                    return own();
                };
                let log = self.log();
                match tokens::fetch_shared(
                    shared,
                    &self.inner.keys,
                    stale,
                    self.inner.token_lock_ttl,
                    log,
                    own,
                ) {
                    // stable_token never invalidates another holder's token,
                    // so fetching our own while the store is away is safe;
                    // the legacy endpoint would start the 40001 storm.
                    Err(e) if e.code == Code::StateStore && *endpoint == TokenEndpoint::Stable => {
                        log.emit(Level::Warn, || {
                            format!(
                                "{}; fetching this process's own token from stable_token",
                                e.message
                            )
                        });
                        self.fetch_from_wechat(appid, secret, *endpoint)
                    }
                    other => other,
                }
            }),
        }
    }

    /// Drops the token WeChat rejected from the shared store too, unless
    /// another process has already replaced it.
    fn drop_shared_token(&self, failed: &str) {
        if !matches!(self.inner.source, TokenSource::Wechat { .. }) {
            return;
        }
        if let Some(shared) = self.inner.store.shared_tokens() {
            if let Err(e) = shared.delete_if(&self.inner.keys.token(), failed) {
                self.log().emit(Level::Warn, || {
                    format!("rejected token not dropped from the store: {}", e.message)
                });
            }
        }
    }

    fn fetch_from_wechat(
        &self,
        appid: &str,
        secret: &str,
        endpoint: TokenEndpoint,
    ) -> Result<FetchedToken> {
        self.observe(Call::TokenFetch, |t| {
            t.source = Some(match endpoint {
                TokenEndpoint::Stable => "stable_token",
                TokenEndpoint::Legacy => "token",
            });
            self.fetch_token_once(appid, secret, endpoint)
        })
    }

    fn fetch_token_once(
        &self,
        appid: &str,
        secret: &str,
        endpoint: TokenEndpoint,
    ) -> Result<FetchedToken> {
        let caller = &self.inner.caller;
        let (path, r) = match endpoint {
            TokenEndpoint::Stable => {
                let path = "/cgi-bin/stable_token";
                // force_refresh stays false: true invalidates every other
                // holder's token and is limited to 20 calls a day.
                let body = serde_json::json!({
                    "grant_type": "client_credential", "appid": appid, "secret": secret, "force_refresh": false,
                });
                let body = Zeroizing::new(serde_json::to_vec(&body).unwrap_or_default());
                let req = Request {
                    method: "POST",
                    path,
                    query: &[],
                    body: Some(&body),
                    safety: Safety::Read,
                    timeout: self.timeout,
                    deadline: self.deadline,
                    image: false,
                };
                (path, caller.exchange(&req)?)
            }
            TokenEndpoint::Legacy => {
                let path = "/cgi-bin/token";
                let query = [
                    ("grant_type", "client_credential"),
                    ("appid", appid),
                    ("secret", secret),
                ];
                // Not a read: each fetch invalidates the previous token.
                let req = Request {
                    method: "GET",
                    path,
                    query: &query,
                    body: None,
                    safety: Safety::Write,
                    timeout: self.timeout,
                    deadline: self.deadline,
                    image: false,
                };
                (path, caller.exchange(&req)?)
            }
        };
        let r = check_errcode(path, r).map_err(|e| {
            // Whatever WeChat said, the caller's problem is "no token".
            if e.code == Code::Wechat {
                Error {
                    code: Code::AccessToken,
                    ..e
                }
            } else {
                e
            }
        })?;
        let value = r.require_text(path, "access_token")?.to_owned();
        if value.len() > 2048 {
            return Err(Error::new(
                Code::BadResponse,
                format!("{path}: access_token longer than 2048 bytes in the answer"),
            ));
        }
        // A token's lifetime decides when it is fetched again: a JSON
        // integer or the answer is bad; WeChat always sends it.
        let expires_in = r.require_int(path, "expires_in")?;
        // 0 is a token that is already due for refresh: used once, then
        // fetched again.
        let expires_in = u64::try_from(expires_in).map_err(|_| {
            Error::new(
                Code::BadResponse,
                format!("{path}: a negative expires_in in the answer"),
            )
        })?;
        caller.log.emit(Level::Info, || {
            format!(
                "{path}: new access token {} valid {expires_in} s",
                mask::secret(&value)
            )
        });
        Ok(FetchedToken {
            value: Zeroizing::new(value),
            expires_in: Some(Duration::from_secs(expires_in)),
        })
    }

    /// The client's counters since it was made (shared by every handle).
    pub fn stats(&self) -> Snapshot {
        self.inner.stats.snapshot()
    }

    /// Runs one public call: counts it under its code, times it, and, for
    /// the audited calls when someone listens, emits its audit record from
    /// what `f` noted in the [`Trail`].
    pub(crate) fn observe<T>(
        &self,
        call: Call,
        f: impl FnOnce(&mut Trail) -> Result<T>,
    ) -> Result<T> {
        let started = Instant::now();
        let attempts = Attempts::begin();
        let mut trail = Trail {
            on: call.audited() && self.inner.audit.enabled(),
            ..Trail::default()
        };
        let result = f(&mut trail);
        let attempts = attempts.end();
        let took = started.elapsed();
        let code = result.as_ref().err().map_or(Code::Ok, |e| e.code);
        self.inner.stats.call(call, code, took);
        if trail.on {
            let (errcode, verify_ret) = match &result {
                Err(e) => (e.wechat_errcode, e.verify_ret),
                Ok(_) => (0, trail.verify_ret),
            };
            let record = Record {
                unix_ms: unix_now_ms(),
                call,
                code,
                errcode,
                verify_ret,
                out_seq_no: trail.out_seq_no,
                verify_result_hash: trail.verify_result_hash,
                verify_id: trail.verify_id,
                openid: trail.openid,
                subject: trail.subject,
                event: trail.event,
                source: trail.source,
                latency_us: u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
                attempts,
                queries: trail.queries,
            };
            self.inner
                .audit
                .emit(&record, self.log(), &self.inner.stats);
        }
        result
    }

    pub(crate) fn push_config(&self) -> Result<&PushConfig> {
        self.inner.push.as_ref().ok_or_else(|| {
            Error::new(
                Code::Config,
                "message push needs push_token (and push_aes_key for safe mode)",
            )
        })
    }
}

/// What an audited call notes for its record, already masked. Noted only
/// when `on` (someone listens), so masking costs nothing otherwise.
#[derive(Default)]
pub(crate) struct Trail {
    pub(crate) on: bool,
    out_seq_no: Option<String>,
    verify_result_hash: Option<String>,
    verify_id: Option<String>,
    openid: Option<String>,
    subject: Option<String>,
    pub(crate) event: Option<String>,
    pub(crate) source: Option<&'static str>,
    /// verify_ret (identify_ret for 1.0) of a call that passed.
    pub(crate) verify_ret: i32,
    pub(crate) queries: Option<u32>,
}

impl Trail {
    pub(crate) fn out_seq_no(&mut self, v: &str) {
        if self.on {
            self.out_seq_no = Some(audit::order_number(v));
        }
    }

    pub(crate) fn verify_result(&mut self, v: &str) {
        if self.on {
            self.verify_result_hash = Some(audit::verify_result_hash(v));
        }
    }

    pub(crate) fn verify_id(&mut self, v: &str) {
        if self.on {
            self.verify_id = Some(mask::opaque(v));
        }
    }

    pub(crate) fn openid(&mut self, v: &str) {
        if self.on {
            self.openid = Some(mask::opaque(v));
        }
    }

    /// The identifiers of a 2.0 query (or wait), as given.
    pub(crate) fn note_query(&mut self, verify_id: &str, out_seq_no: &str, openid: &str) {
        self.out_seq_no(out_seq_no);
        self.verify_id(verify_id);
        self.openid(openid);
    }

    /// The expected person: a name and ID number already checked and
    /// normalised (so that the masks recognise their shapes).
    pub(crate) fn subject(&mut self, name: &str, id_card_number: &str) {
        if self.on {
            self.subject = Some(format!(
                "{} {}",
                mask::name(name),
                mask::id_card(id_card_number)
            ));
        }
    }
}

fn unix_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The store and key layout a configuration asks for. Opening a Redis
/// store connects lazily: a store that is down makes calls fail with
/// `Code::StateStore` until it is back, not the client creation.
fn open_store(cfg: &Config) -> Result<(Arc<dyn StateStore>, Keys)> {
    let prefix = match (&cfg.state_key_prefix, &cfg.appid) {
        (Some(p), _) => p.clone(),
        (None, Some(appid)) => format!("wxface:{{{appid}}}:"),
        (None, None) => {
            if cfg.state_store != StoreSetting::Memory || cfg.replay_callback.is_some() {
                return Err(Error::new(
                    Code::Config,
                    "a shared state store needs appid or state_key_prefix to keep its keys apart from other applications'",
                ));
            }
            String::new()
        }
    };
    let store: Arc<dyn StateStore> = match (&cfg.replay_callback, &cfg.state_store) {
        (Some(_), StoreSetting::Redis(_) | StoreSetting::Cluster(_)) => {
            return Err(Error::new(
                Code::Config,
                "set either state_store or a replay callback, not both",
            ))
        }
        (Some(cb), StoreSetting::Memory) => Arc::new(CallbackStore::new(cb.clone())),
        (None, StoreSetting::Memory) => Arc::new(MemoryStore::new(cfg.replay_cache_size)),
        (None, setting) => Arc::new(RedisStore::open(
            setting,
            cfg.state_timeout,
            cfg.state_ca_file.as_ref().or(cfg.ca_file.as_ref()),
        )?),
    };
    Ok((store, Keys::new(prefix)))
}

pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A request body as WeChat reads it, wiped when dropped (it holds names,
/// ID numbers, verify_results).
fn encode(body: &impl Serialize) -> Result<Zeroizing<Vec<u8>>> {
    serde_json::to_vec(body)
        .map(Zeroizing::new)
        .map_err(|_| Error::new(Code::Internal, "cannot encode request"))
}

#[cold]
#[inline(never)]
fn after_refresh(e: Error) -> Error {
    Error {
        message: format!("{} (after one token refresh)", e.message),
        ..e
    }
}

/// Rejects empty and absurdly long text arguments before any network work.
pub(crate) fn require(what: &str, value: &str, max_chars: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid_argument(what, "must not be empty"));
    }
    // Opaque values (verify_result, keys, openids) are ASCII: one byte a
    // character, and the ASCII controls are all of char::is_control there.
    let (chars, control) = if value.is_ascii() {
        (value.len(), value.bytes().any(|b| b.is_ascii_control()))
    } else {
        (value.chars().count(), value.chars().any(char::is_control))
    };
    if chars > max_chars {
        return Err(Error::invalid_argument(
            what,
            &format!("longer than {max_chars} characters"),
        ));
    }
    if control {
        return Err(Error::invalid_argument(what, "contains control characters"));
    }
    Ok(())
}
