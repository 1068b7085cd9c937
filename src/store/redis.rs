//! Redis, standalone or Cluster, through the `redis` crate's synchronous
//! client, with connections pooled and bounded by `r2d2`.
//!
//! Every operation is one command on one key (SET NX, GET, or a one-key
//! script for compare-and-delete), so a Cluster routes it to one node and
//! nothing depends on pipelining or multi-key transactions.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use once_cell::sync::Lazy;
use redis::{ConnectionLike, RedisError, RedisResult};
use scheduled_thread_pool::ScheduledThreadPool;
use zeroize::Zeroizing;

use super::{redact_url, Remembered, SharedTokens, StateStore, StoreSetting};
use crate::error::{Code, Error, Result};

/// Connections per client: each verification holds one for a single
/// round trip, so a few serve many threads.
const POOL_SIZE: u32 = 16;

/// Deletes KEYS[1] only if it holds ARGV[1]: "drop the token only if it is
/// still the one that failed", and "release the lock only if it is ours".
/// Redis 7 has no single command for it; a one-key script is atomic and
/// works on a Cluster.
const DELETE_IF: &str =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/// r2d2 opens connections on a thread pool; one small pool for the whole
/// process instead of three threads per client.
static CONNECTOR: Lazy<Arc<ScheduledThreadPool>> = Lazy::new(|| {
    Arc::new(
        ScheduledThreadPool::builder()
            .num_threads(2)
            .thread_name_pattern("wxface-store-{}")
            .build(),
    )
});

pub struct RedisStore {
    pool: Pool,
    timeout: Duration,
    /// For log lines and errors, password masked.
    describe: String,
    /// Passwords that must never reach an error message, even when a
    /// server or the client library quotes a URL.
    secrets: Vec<Zeroizing<String>>,
}

enum Pool {
    One(r2d2::Pool<Standalone>),
    Cluster(r2d2::Pool<Cluster>),
}

impl RedisStore {
    pub fn open(
        setting: &StoreSetting,
        timeout: Duration,
        ca_file: Option<&std::path::PathBuf>,
    ) -> Result<RedisStore> {
        let certs = |url: &str| -> Result<Option<redis::TlsCertificates>> {
            if !url.starts_with("rediss://") {
                return Ok(None);
            }
            Ok(Some(redis::TlsCertificates {
                client_tls: None,
                root_cert: match ca_file {
                    Some(path) => Some(read_ca(path)?),
                    None => None,
                },
            }))
        };
        let config_error =
            |e: RedisError| Error::new(Code::Config, format!("state_store: {}", e.category()));
        let (pool, describe, urls) = match setting {
            StoreSetting::Memory => {
                return Err(Error::new(Code::Internal, "RedisStore::open with memory"))
            }
            StoreSetting::Redis(url) => {
                let client = match certs(url)? {
                    // With no ca_file the roots are webpki-roots, as for WeChat.
                    Some(c) if c.root_cert.is_some() => {
                        redis::Client::build_with_tls(url.as_str(), c)
                    }
                    _ => redis::Client::open(url.as_str()),
                }
                .map_err(config_error)?;
                let pool = builder(timeout).build_unchecked(Standalone { client, timeout });
                (Pool::One(pool), redact_url(url), vec![url.clone()])
            }
            StoreSetting::Cluster(seeds) => {
                let mut b = redis::cluster::ClusterClientBuilder::new(
                    seeds.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                )
                .connection_timeout(timeout)
                .response_timeout(timeout)
                // The crate's default is 16 retries over minutes; a verdict
                // waits for the store at most about state_timeout_ms.
                .retries(2)
                .min_retry_wait(5)
                .max_retry_wait(50);
                if let Some(c) = certs(&seeds[0])?.filter(|c| c.root_cert.is_some()) {
                    b = b.certs(c);
                }
                let client = b.build().map_err(config_error)?;
                let pool = builder(timeout).build_unchecked(Cluster { client });
                (Pool::Cluster(pool), setting.redacted(), seeds.clone())
            }
        };
        let secrets = urls
            .iter()
            .filter_map(|u| ::redis::parse_redis_url(u))
            .filter_map(|u| u.password().map(|p| Zeroizing::new(p.to_owned())))
            .filter(|p| !p.is_empty())
            .collect();
        Ok(RedisStore {
            pool,
            timeout,
            describe,
            secrets,
        })
    }

    /// Runs `op` on a pooled connection. A connection that breaks (the
    /// server restarted, an idle connection was cut) is dropped and the
    /// operation tried on another, as long as the time allows: after a
    /// restart every idle connection is dead, and the store is back.
    fn run<T>(
        &self,
        what: &str,
        op: impl Fn(&mut dyn ConnectionLike) -> RedisResult<T>,
    ) -> Result<T> {
        let deadline = Instant::now() + self.timeout;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let left = deadline.saturating_duration_since(Instant::now());
            let result = match &self.pool {
                Pool::One(p) => p
                    .get_timeout(left)
                    .map_err(|e| self.unreachable(what, &e))
                    .map(|mut c| op(&mut *c)),
                Pool::Cluster(p) => p
                    .get_timeout(left)
                    .map_err(|e| self.unreachable(what, &e))
                    .map(|mut c| op(&mut *c)),
            }?;
            match result {
                Ok(v) => return Ok(v),
                Err(e)
                    if (e.is_connection_dropped() || e.is_connection_refusal())
                        && !e.is_timeout()
                        && attempts <= POOL_SIZE as usize
                        && Instant::now() < deadline =>
                {
                    continue
                }
                Err(e) => return Err(self.failed(what, &e)),
            }
        }
    }

    fn unreachable(&self, what: &str, e: &r2d2::Error) -> Error {
        Error::new(
            Code::StateStore,
            self.scrub(format!(
                "state store {}: {what}: no connection within state_timeout_ms {} ({e})",
                self.describe,
                self.timeout.as_millis()
            )),
        )
    }

    fn failed(&self, what: &str, e: &RedisError) -> Error {
        let why = if e.is_timeout() {
            format!(
                "no answer within state_timeout_ms {}",
                self.timeout.as_millis()
            )
        } else {
            e.to_string()
        };
        Error::new(
            Code::StateStore,
            self.scrub(format!("state store {}: {what}: {why}", self.describe)),
        )
    }

    fn scrub(&self, mut message: String) -> String {
        for s in &self.secrets {
            message = message.replace(s.as_str(), "***");
        }
        message
    }
}

impl StateStore for RedisStore {
    fn remember(&self, key: &str, ttl: Duration) -> Result<Remembered> {
        let ttl_s = ttl.as_secs().max(1);
        // SET key 1 NX EX ttl: answers OK only to the first caller.
        let set: Option<String> = self.run("remember a result", |c| {
            redis::cmd("SET")
                .arg(key)
                .arg(1)
                .arg("NX")
                .arg("EX")
                .arg(ttl_s)
                .query(c)
        })?;
        Ok(if set.is_some() {
            Remembered::New
        } else {
            Remembered::Seen
        })
    }

    fn shared_tokens(&self) -> Option<&dyn SharedTokens> {
        Some(self)
    }

    fn describe(&self) -> String {
        self.describe.clone()
    }
}

impl SharedTokens for RedisStore {
    fn get(&self, key: &str) -> Result<Option<(Zeroizing<String>, Option<Duration>)>> {
        let value: Option<String> =
            self.run("read the token", |c| redis::cmd("GET").arg(key).query(c))?;
        let Some(value) = value.map(Zeroizing::new) else {
            return Ok(None);
        };
        // A second command, not a script: a key that expires in between
        // reads as "expires now", which only makes the next call ask again.
        let pttl: i64 = self.run("read the token's lifetime", |c| {
            redis::cmd("PTTL").arg(key).query(c)
        })?;
        let ttl = match pttl {
            -1 => None,
            ms => Some(Duration::from_millis(ms.max(0) as u64)),
        };
        Ok(Some((value, ttl)))
    }

    fn put(&self, key: &str, value: &str, ttl: Option<Duration>) -> Result<()> {
        self.run("store the token", |c| {
            let mut cmd = redis::cmd("SET");
            cmd.arg(key).arg(value);
            if let Some(t) = ttl {
                cmd.arg("PX").arg((t.as_millis() as u64).max(1));
            }
            cmd.query::<()>(c)
        })
    }

    fn put_new(&self, key: &str, value: &str, ttl: Duration) -> Result<bool> {
        let set: Option<String> = self.run("take the token lock", |c| {
            redis::cmd("SET")
                .arg(key)
                .arg(value)
                .arg("NX")
                .arg("PX")
                .arg((ttl.as_millis() as u64).max(1))
                .query(c)
        })?;
        Ok(set.is_some())
    }

    fn delete_if(&self, key: &str, value: &str) -> Result<bool> {
        // Plain EVAL, not EVALSHA + SCRIPT LOAD: one command for an ACL
        // to allow, and it runs only on a token refresh.
        let deleted: i64 = self.run("delete a key if unchanged", |c| {
            redis::cmd("EVAL")
                .arg(DELETE_IF)
                .arg(1)
                .arg(key)
                .arg(value)
                .query(c)
        })?;
        Ok(deleted == 1)
    }
}

fn builder<M: r2d2::ManageConnection>(timeout: Duration) -> r2d2::Builder<M> {
    r2d2::Pool::builder()
        .max_size(POOL_SIZE)
        // Connect on demand: a store that is down at start-up is not an
        // error until a call needs it, and the pool retries by itself.
        .min_idle(Some(0))
        // A PING per checkout would double the round trips; a broken
        // connection is detected by its failure and replaced instead.
        .test_on_check_out(false)
        .connection_timeout(timeout)
        .idle_timeout(Some(Duration::from_secs(300)))
        .thread_pool(CONNECTOR.clone())
        // The pool's default handler logs through the `log` crate, which
        // the library does not use; failures reach the caller as errors.
        .error_handler(Box::new(r2d2::NopErrorHandler))
}

fn read_ca(path: &Path) -> Result<Vec<u8>> {
    let bad = |why: &str| {
        Error::new(
            Code::Config,
            format!("state_ca_file {}: {why}", path.display()),
        )
    };
    let bytes = std::fs::read(path).map_err(|e| bad(&e.to_string()))?;
    if !bytes
        .windows(27)
        .any(|w| w == b"-----BEGIN CERTIFICATE-----")
    {
        return Err(bad("contains no PEM certificate"));
    }
    Ok(bytes)
}

/// One standalone connection with the store's timeouts on connect, reads
/// and writes, so a hung server costs a call at most the timeout.
struct Standalone {
    client: redis::Client,
    timeout: Duration,
}

impl r2d2::ManageConnection for Standalone {
    type Connection = redis::Connection;
    type Error = RedisError;

    fn connect(&self) -> RedisResult<redis::Connection> {
        let c = self.client.get_connection_with_timeout(self.timeout)?;
        c.set_read_timeout(Some(self.timeout))?;
        c.set_write_timeout(Some(self.timeout))?;
        Ok(c)
    }

    fn is_valid(&self, c: &mut redis::Connection) -> RedisResult<()> {
        redis::cmd("PING").query(c)
    }

    fn has_broken(&self, c: &mut redis::Connection) -> bool {
        !c.is_open()
    }
}

/// One Cluster connection (a connection per node, routed by key slot).
struct Cluster {
    client: redis::cluster::ClusterClient,
}

impl r2d2::ManageConnection for Cluster {
    type Connection = redis::cluster::ClusterConnection;
    type Error = RedisError;

    fn connect(&self) -> RedisResult<redis::cluster::ClusterConnection> {
        self.client.get_connection()
    }

    fn is_valid(&self, c: &mut redis::cluster::ClusterConnection) -> RedisResult<()> {
        redis::cmd("PING").query(c)
    }

    fn has_broken(&self, c: &mut redis::cluster::ClusterConnection) -> bool {
        !c.is_open()
    }
}
