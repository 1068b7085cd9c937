//! Where the state that must be shared between servers lives: which
//! verify_results were accepted, and (for Redis) the access token.
//!
//! `memory` keeps it in this process, as 0.1 did; `redis://`, `rediss://`
//! and `redis-cluster://` share it between every process pointed at the
//! same store; a replay callback hands it to the integrator's own database.
//! Every failure to reach a shared store is `Code::StateStore`, and a
//! verdict is never OK without the store's "new".

mod callback;
mod memory;
mod redis;

use std::time::Duration;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::Result;

pub use callback::{CallbackStore, ReplayCallback};
pub use memory::MemoryStore;
pub use redis::RedisStore;

/// The store's answer to "remember this key".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remembered {
    /// The key was not known; it is now, for the time asked.
    New,
    /// The key was already known: the value was seen before.
    Seen,
}

/// A place to remember keys for a while, shared or not.
pub trait StateStore: Send + Sync {
    /// Remembers `key` for `ttl` in one atomic step: of any number of
    /// callers racing with the same key, in any process, exactly one gets
    /// `New`.
    fn remember(&self, key: &str, ttl: Duration) -> Result<Remembered>;

    /// [`StateStore::remember`] for the replay guard's key. A store that
    /// keeps keys by digest (the memory store) takes the one the key
    /// already holds instead of formatting the text and hashing it again
    /// on every verification.
    fn remember_replay(&self, key: &ReplayKey<'_>, ttl: Duration) -> Result<Remembered> {
        self.remember(&key.text(), ttl)
    }

    /// The shared token slot, for stores that can hold one.
    fn shared_tokens(&self) -> Option<&dyn SharedTokens> {
        None
    }

    /// For log lines: the kind and address, never a password.
    fn describe(&self) -> String;
}

/// Single-key operations for the access token shared between processes.
/// Each is one command so that they work on a Redis Cluster.
pub trait SharedTokens: Send + Sync {
    /// The value and its remaining lifetime (`None`: no expiry).
    fn get(&self, key: &str) -> Result<Option<(Zeroizing<String>, Option<Duration>)>>;
    /// Sets the value, replacing any, with an expiry if given.
    fn put(&self, key: &str, value: &str, ttl: Option<Duration>) -> Result<()>;
    /// Sets the value only if the key is absent; true if it was set.
    fn put_new(&self, key: &str, value: &str, ttl: Duration) -> Result<bool>;
    /// Deletes the key only if it still holds `value`; true if deleted.
    fn delete_if(&self, key: &str, value: &str) -> Result<bool>;
}

/// Which store `state_store` names. The URLs may hold a password: never
/// print them, use [`StoreSetting::redacted`].
#[derive(Clone, PartialEq, Eq)]
pub enum StoreSetting {
    Memory,
    Redis(Zeroizing<String>),
    /// One `redis://` or `rediss://` URL per seed node.
    Cluster(Vec<Zeroizing<String>>),
}

impl std::fmt::Debug for StoreSetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl StoreSetting {
    /// `memory`, `redis://[user:password@]host:port[/db]`, `rediss://...`
    /// (TLS), or `redis-cluster://[user:password@]host:port,host:port...`
    /// (`rediss-cluster://` for TLS). The error never repeats the value.
    pub fn parse(value: &str) -> std::result::Result<StoreSetting, String> {
        const SHAPES: &str = "must be `memory`, `redis://[user:password@]host:port[/db]`, `rediss://...` or `redis-cluster://[user:password@]host:port,host:port`";
        if value == "memory" {
            return Ok(StoreSetting::Memory);
        }
        let (scheme, rest) = value.split_once("://").ok_or(SHAPES)?;
        match scheme {
            "redis" | "rediss" => {
                check_redis_url(value)?;
                Ok(StoreSetting::Redis(Zeroizing::new(value.to_owned())))
            }
            "redis-cluster" | "rediss-cluster" => {
                let node_scheme = scheme.trim_end_matches("-cluster");
                let (userinfo, hosts) = match rest.rsplit_once('@') {
                    Some((u, h)) => (format!("{u}@"), h),
                    None => (String::new(), rest),
                };
                let hosts = hosts.trim_end_matches('/');
                if hosts.contains('/') {
                    return Err(
                        "a cluster has no database number: list host:port pairs only".into(),
                    );
                }
                let mut seeds = Vec::new();
                for host in hosts.split(',').map(str::trim) {
                    if host.is_empty() {
                        return Err("an empty host in the cluster seed list".into());
                    }
                    let url = Zeroizing::new(format!("{node_scheme}://{userinfo}{host}"));
                    check_redis_url(&url)?;
                    seeds.push(url);
                }
                Ok(StoreSetting::Cluster(seeds))
            }
            _ => Err(SHAPES.into()),
        }
    }

    /// The setting with any password replaced by `***`, for logs.
    pub fn redacted(&self) -> String {
        match self {
            StoreSetting::Memory => "memory".into(),
            StoreSetting::Redis(url) => redact_url(url),
            StoreSetting::Cluster(seeds) => {
                let list: Vec<String> = seeds.iter().map(|s| redact_url(s)).collect();
                format!("cluster {}", list.join(","))
            }
        }
    }
}

fn check_redis_url(url: &str) -> std::result::Result<(), String> {
    let parsed = ::redis::parse_redis_url(url)
        .ok_or("not a valid redis:// or rediss:// URL (redis://[user:password@]host:port[/db])")?;
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("the URL names no host".into());
    }
    if parsed.port().is_none() {
        return Err("the URL must name the port (host:port)".into());
    }
    // redis-rs reads `#insecure` as "do not check the certificate".
    if parsed.fragment().is_some() || parsed.query().is_some() {
        return Err("the URL must not carry a ?query or #fragment".into());
    }
    ::redis::IntoConnectionInfo::into_connection_info(url)
        .map(|_| ())
        .map_err(|_| "not a valid Redis URL (host, port or database number)".to_owned())
}

/// `scheme://user:***@host:port/db`: what a log line may show of a URL.
pub(crate) fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return format!("({} characters)", url.chars().count());
    };
    match rest.rsplit_once('@') {
        None => url.to_owned(),
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) if !user.is_empty() => format!("{scheme}://{user}:***@{host}"),
            _ => format!("{scheme}://***@{host}"),
        },
    }
}

/// The key names this client uses under its prefix.
#[derive(Clone, Debug)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    pub fn new(prefix: String) -> Keys {
        Keys { prefix }
    }

    /// A digest, never the verify_result itself: the key may be read by
    /// anyone with access to the store. 128 bits, as the memory store keeps.
    pub fn replay(&self, verify_result: &str) -> ReplayKey<'_> {
        let mut digest = [0; 16];
        digest.copy_from_slice(&Sha256::digest(verify_result.as_bytes())[..16]);
        ReplayKey {
            prefix: &self.prefix,
            digest,
        }
    }

    pub fn token(&self) -> String {
        format!("{}token", self.prefix)
    }

    pub fn token_lock(&self) -> String {
        format!("{}token:lock", self.prefix)
    }
}

/// The replay guard's key for one verify_result: the first 128 bits of its
/// SHA-256, under the client's prefix.
pub struct ReplayKey<'a> {
    prefix: &'a str,
    digest: [u8; 16],
}

impl ReplayKey<'_> {
    pub fn digest(&self) -> &[u8; 16] {
        &self.digest
    }

    /// `PREFIXr:` and 32 hex digits, as shared stores hold it; made only
    /// for the stores that need text.
    pub fn text(&self) -> String {
        let mut key = String::with_capacity(self.prefix.len() + 2 + 32);
        key.push_str(self.prefix);
        key.push_str("r:");
        key.push_str(&crate::digest::hex(&self.digest));
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_and_redis_urls_parse() {
        assert_eq!(StoreSetting::parse("memory").unwrap(), StoreSetting::Memory);
        assert!(matches!(
            StoreSetting::parse("redis://u:p@127.0.0.1:6379/2").unwrap(),
            StoreSetting::Redis(_)
        ));
        assert!(matches!(
            StoreSetting::parse("rediss://h.example:6380").unwrap(),
            StoreSetting::Redis(_)
        ));
    }

    #[test]
    fn a_cluster_seed_list_becomes_one_url_per_node() {
        let StoreSetting::Cluster(seeds) =
            StoreSetting::parse("rediss-cluster://app:pw@h1:7000,h2:7001").unwrap()
        else {
            panic!("not a cluster")
        };
        let seeds: Vec<&str> = seeds.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            seeds,
            ["rediss://app:pw@h1:7000", "rediss://app:pw@h2:7001"]
        );
    }

    #[test]
    fn bad_settings_are_refused_without_echoing_the_password() {
        for bad in [
            "redis",
            "mysql://u:hunter2@h:1",
            "redis://u:hunter2@h",
            "rediss://u:hunter2@h:6380#insecure",
            "redis-cluster://u:hunter2@h1:1,,h2:2",
            "redis-cluster://u:hunter2@h1:1/3",
        ] {
            let e = StoreSetting::parse(bad).unwrap_err();
            assert!(!e.contains("hunter2"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_redacted_setting_hides_the_password_only() {
        let s = StoreSetting::parse("redis-cluster://app:hunter2@h1:7000,h2:7001").unwrap();
        assert_eq!(
            s.redacted(),
            "cluster redis://app:***@h1:7000,redis://app:***@h2:7001"
        );
        assert_eq!(format!("{s:?}"), s.redacted());
        assert_eq!(redact_url("redis://:hunter2@h:1"), "redis://***@h:1");
    }

    #[test]
    fn replay_keys_are_a_digest_under_the_prefix() {
        let keys = Keys::new("wxface:{wx1}:".into());
        let k = keys.replay("some-verify-result").text();
        assert!(k.starts_with("wxface:{wx1}:r:"));
        assert_eq!(k.len(), "wxface:{wx1}:r:".len() + 32);
        assert!(!k.contains("some-verify-result"));
        assert_ne!(k, keys.replay("another").text());
        assert_eq!(
            &k[k.len() - 32..],
            crate::digest::hex(keys.replay("some-verify-result").digest())
        );
    }
}
