//! Host names to addresses for the transport's agent.
//!
//! ureq's own resolver starts a thread and calls getaddrinfo for every
//! request whenever a timeout is set (we always set one), even when the
//! request then takes a pooled connection: a thread and a hosts-file, nscd or
//! DNS lookup per verification. This one answers IP literals at once and
//! keeps a host's addresses for `dns_cache_s`, so a warm call creates no
//! thread and asks no resolver. On a miss one thread looks the host up and
//! every caller of that host waits for that same lookup, each for at most its
//! own resolve timeout (the connect timeout). A failed connection drops the
//! host's entry, so a changed DNS record is followed on the next attempt.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Condvar, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use ureq::config::Config as AgentConfig;
use ureq::http::uri::{Authority, Scheme};
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{ConnectionDetails, Connector, NextTimeout};

use crate::log::{Level, Log};

/// Shared by the agent (which resolves) and the connector (which reports
/// failed connections); clones share one cache.
#[derive(Clone)]
pub struct CachingResolver {
    shared: Arc<Shared>,
}

struct Shared {
    ttl: Duration,
    /// Read-locked on every request (ureq resolves before it looks in its
    /// pool), so threads sharing a client do not queue on it.
    hosts: RwLock<HashMap<String, Slot>>,
    /// The last host answered from the cache, read first on every request:
    /// a hit costs one read lock and a comparison of the URL's authority
    /// (`host:port` as written), with no port to parse, no key to write
    /// out, hash or allocate. Always a copy of a `Cached`
    /// entry of `hosts`: set only under `hosts`' lock from such an entry,
    /// and cleared whenever `hosts` drops or replaces that host.
    recent: RwLock<Option<Recent>>,
    log: Log,
}

struct Recent {
    https: bool,
    authority: Box<str>,
    key: Box<str>,
    addrs: Arc<[SocketAddr]>,
    until: Instant,
}

enum Slot {
    Cached {
        addrs: Arc<[SocketAddr]>,
        until: Instant,
    },
    Looking(Arc<Lookup>),
}

/// One lookup in flight; its thread fills `outcome` and wakes the waiters.
#[derive(Default)]
struct Lookup {
    /// `None` while running; then the addresses, or none if the host was not found.
    outcome: Mutex<Option<Option<Arc<[SocketAddr]>>>>,
    done: Condvar,
}

impl CachingResolver {
    /// `ttl` zero looks the host up for every new connection (still never
    /// for a pooled one, and still one lookup per host at a time).
    pub fn new(ttl: Duration, log: Log) -> CachingResolver {
        CachingResolver {
            shared: Arc::new(Shared {
                ttl,
                hosts: RwLock::new(HashMap::new()),
                recent: RwLock::new(None),
                log,
            }),
        }
    }

    /// Forgets the addresses of `uri`'s host, so the next connection looks
    /// it up again.
    pub fn forget(&self, uri: &Uri) {
        if let Some(key) = host_and_port(uri) {
            let mut hosts = self.shared.lock();
            if matches!(hosts.get(&key), Some(Slot::Cached { .. })) {
                hosts.remove(&key);
                self.shared.drop_recent(&key);
                drop(hosts);
                self.shared.log.emit(Level::Debug, || {
                    format!("dns: connection to {key} failed; its cached addresses are dropped")
                });
            }
        }
    }

    /// Addresses of `key` (`host:port`), from the cache or from the one
    /// lookup of that host in flight, started here if there is none.
    fn addresses(
        &self,
        key: String,
        web: Option<(bool, &str)>,
        timeout: NextTimeout,
    ) -> Result<Arc<[SocketAddr]>, ureq::Error> {
        {
            let hosts = self.shared.read();
            if let Some(Slot::Cached { addrs, until }) = hosts.get(&key) {
                if Instant::now() < *until {
                    // Under `hosts`' lock, so that no forget() falls between
                    // reading the entry and copying it.
                    if let Some((https, authority)) = web {
                        *self.shared.write_recent() = Some(Recent {
                            https,
                            authority: authority.into(),
                            key: key.into(),
                            addrs: addrs.clone(),
                            until: *until,
                        });
                    }
                    return Ok(addrs.clone());
                }
            }
        }
        let (lookup, start) = {
            let mut hosts = self.shared.lock();
            match hosts.get(&key) {
                Some(Slot::Cached { addrs, until }) if Instant::now() < *until => {
                    return Ok(addrs.clone());
                }
                Some(Slot::Looking(lookup)) => (lookup.clone(), false),
                _ => {
                    let lookup = Arc::new(Lookup::default());
                    hosts.insert(key.clone(), Slot::Looking(lookup.clone()));
                    self.shared.drop_recent(&key);
                    (lookup, true)
                }
            }
        };
        if start {
            self.start_lookup(key, lookup.clone())?;
        }
        lookup.wait(timeout)?.ok_or(ureq::Error::HostNotFound)
    }

    /// A thread, so that a caller can give up at its timeout while
    /// getaddrinfo (which takes none) goes on and fills the cache for the next.
    fn start_lookup(&self, key: String, lookup: Arc<Lookup>) -> Result<(), ureq::Error> {
        let shared = self.shared.clone();
        let in_thread = lookup.clone();
        let looked_up = key.clone();
        let spawned = std::thread::Builder::new()
            .name("wxface-dns".into())
            .spawn(move || {
                let addrs: Option<Arc<[SocketAddr]>> = looked_up
                    .to_socket_addrs()
                    .ok()
                    .map(|found| found.collect::<Vec<_>>())
                    .filter(|found| !found.is_empty())
                    .map(Arc::from);
                shared.finish(&looked_up, &in_thread, addrs);
            });
        if let Err(e) = spawned {
            // No entry may stay in flight with nobody to finish it.
            self.shared.finish(&key, &lookup, None);
            return Err(ureq::Error::Io(e));
        }
        Ok(())
    }
}

impl Shared {
    fn lock(&self) -> RwLockWriteGuard<'_, HashMap<String, Slot>> {
        self.hosts.write().unwrap_or_else(|p| p.into_inner())
    }

    fn read(&self) -> RwLockReadGuard<'_, HashMap<String, Slot>> {
        self.hosts.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write_recent(&self) -> RwLockWriteGuard<'_, Option<Recent>> {
        self.recent.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Called under `hosts`' write lock whenever `key`'s entry goes or
    /// changes.
    fn drop_recent(&self, key: &str) {
        let mut recent = self.write_recent();
        if recent.as_ref().is_some_and(|r| &*r.key == key) {
            *recent = None;
        }
    }

    /// The addresses of `authority` (of an https URL or, `https` false, an
    /// http one) if it is the recent host and still fresh, put into `out`
    /// as `resolve` would.
    fn recent_hit(
        &self,
        (https, authority): (bool, &str),
        config: &AgentConfig,
        out: &mut ResolvedSocketAddrs,
    ) -> bool {
        let recent = self.recent.read().unwrap_or_else(|p| p.into_inner());
        let Some(r) = recent.as_ref() else {
            return false;
        };
        if r.https != https || *r.authority != *authority || Instant::now() >= r.until {
            return false;
        }
        for addr in config.ip_family().keep_wanted(r.addrs.iter().copied()) {
            if out.try_push(addr).is_err() {
                break;
            }
        }
        !out.is_empty()
    }

    /// Hands what a lookup found to its waiters and, in place of the
    /// in-flight entry, to the cache. A host not found is not cached: the
    /// next connection asks again.
    fn finish(&self, key: &str, lookup: &Lookup, addrs: Option<Arc<[SocketAddr]>>) {
        {
            let mut hosts = self.lock();
            let ours =
                matches!(hosts.get(key), Some(Slot::Looking(l)) if std::ptr::eq(&**l, lookup));
            if ours {
                self.drop_recent(key);
                match &addrs {
                    Some(addrs) if !self.ttl.is_zero() => {
                        let until = Instant::now() + self.ttl;
                        let addrs = addrs.clone();
                        hosts.insert(key.to_owned(), Slot::Cached { addrs, until });
                    }
                    _ => {
                        hosts.remove(key);
                    }
                }
            }
        }
        self.log.emit(Level::Debug, || match &addrs {
            Some(a) => format!(
                "dns: {key} resolved to {} address(es), kept for {} s",
                a.len(),
                self.ttl.as_secs()
            ),
            None => format!("dns: {key} could not be resolved"),
        });
        *lookup.outcome.lock().unwrap_or_else(|p| p.into_inner()) = Some(addrs);
        lookup.done.notify_all();
    }
}

impl Lookup {
    fn wait(&self, timeout: NextTimeout) -> Result<Option<Arc<[SocketAddr]>>, ureq::Error> {
        let mut outcome = self.outcome.lock().unwrap_or_else(|p| p.into_inner());
        let deadline = (!timeout.after.is_not_happening()).then(|| Instant::now() + *timeout.after);
        loop {
            if let Some(found) = outcome.as_ref() {
                return Ok(found.clone());
            }
            outcome = match deadline {
                None => self.done.wait(outcome).unwrap_or_else(|p| p.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(ureq::Error::Timeout(timeout.reason));
                    }
                    self.done
                        .wait_timeout(outcome, left)
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
            };
        }
    }
}

/// `host:port` with the scheme's default port, as getaddrinfo takes it.
/// Every request resolves, and ureq's `format!` was most of a cache hit's
/// cost: written out here for an explicit port, http and https; ureq's own
/// rule for the rest (proxy schemes).
fn host_and_port(uri: &Uri) -> Option<String> {
    let (scheme, authority) = (uri.scheme()?, uri.authority()?);
    let Some(https) = https(scheme) else {
        return DefaultResolver::host_and_port(scheme, authority);
    };
    let (host, port) = web_host(https, authority);
    let mut key = String::with_capacity(host.len() + 6);
    key.push_str(host);
    key.push(':');
    key.push_str(itoa::Buffer::new().format(port));
    Some(key)
}

/// Whether a URL is https (true) or http (false); None for other schemes
/// (proxy schemes).
fn https(scheme: &Scheme) -> Option<bool> {
    if *scheme == Scheme::HTTPS {
        Some(true)
    } else if *scheme == Scheme::HTTP {
        Some(false)
    } else {
        None
    }
}

/// The host and port of an https (`https` true) or http URL, the scheme's
/// default port if it names none.
fn web_host(https: bool, authority: &Authority) -> (&str, u16) {
    let default = if https { 443 } else { 80 };
    (authority.host(), authority.port_u16().unwrap_or(default))
}

/// The address of a host written as an IP address (`[...]` for IPv6).
fn literal(host: &str, port: u16) -> Option<SocketAddr> {
    let ip = match host.strip_prefix('[') {
        Some(v6) => v6.strip_suffix(']')?,
        None => host,
    };
    Some(SocketAddr::new(ip.parse::<IpAddr>().ok()?, port))
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &AgentConfig,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut out = self.empty();
        // Every request resolves, pooled connection or not: the usual case
        // (the same host again, or an IP address) reads no map and writes
        // out no key.
        let web = match (uri.scheme(), uri.authority()) {
            (Some(scheme), Some(authority)) => https(scheme).map(|s| (s, authority)),
            _ => None,
        };
        if let Some((https, authority)) = web {
            if self
                .shared
                .recent_hit((https, authority.as_str()), config, &mut out)
            {
                return Ok(out);
            }
            let (host, port) = web_host(https, authority);
            if let Some(addr) = literal(host, port) {
                out.push(addr);
                return Ok(out);
            }
        }
        let key = host_and_port(uri)
            .ok_or_else(|| ureq::Error::BadUri("the URL has no host or no known port".into()))?;
        if let Ok(literal) = key.parse::<SocketAddr>() {
            out.push(literal);
            return Ok(out);
        }
        let web = web.map(|(https, authority)| (https, authority.as_str()));
        let addrs = self.addresses(key, web, timeout)?;
        for addr in config.ip_family().keep_wanted(addrs.iter().copied()) {
            if out.try_push(addr).is_err() {
                break;
            }
        }
        if out.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(out)
    }
}

impl fmt::Debug for CachingResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingResolver")
            .field("ttl", &self.shared.ttl)
            .finish_non_exhaustive()
    }
}

/// A connector chain (proxies, TCP, TLS) that tells the resolver when a
/// connection could not be made, so stale addresses are not kept.
#[derive(Debug)]
pub struct ForgetOnFailure<C> {
    inner: C,
    resolver: CachingResolver,
}

impl<C: Connector<()>> ForgetOnFailure<C> {
    pub fn new(inner: C, resolver: CachingResolver) -> ForgetOnFailure<C> {
        ForgetOnFailure { inner, resolver }
    }
}

impl<C: Connector<()>> Connector<()> for ForgetOnFailure<C> {
    type Out = C::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let made = self.inner.connect(details, chained);
        if !matches!(made, Ok(Some(_))) {
            self.resolver.forget(details.uri);
            if let Some(proxy) = details.config.proxy() {
                self.resolver.forget(proxy.uri());
            }
        }
        made
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver(ttl_s: u64) -> CachingResolver {
        CachingResolver::new(Duration::from_secs(ttl_s), Log::new(None, Level::Error))
    }

    fn resolve(r: &CachingResolver, url: &str) -> Result<Vec<SocketAddr>, ureq::Error> {
        let uri: Uri = url.parse().unwrap();
        let timeout = NextTimeout {
            after: Duration::from_secs(5).into(),
            reason: ureq::Timeout::Resolve,
            ..NextTimeout::default()
        };
        r.resolve(&uri, &AgentConfig::default(), timeout)
            .map(|a| a.iter().copied().collect())
    }

    fn cached(r: &CachingResolver, key: &str) -> bool {
        matches!(r.shared.lock().get(key), Some(Slot::Cached { .. }))
    }

    #[test]
    fn ip_literals_are_answered_without_a_lookup_or_a_cache_entry() {
        let r = resolver(60);
        let v4 = resolve(&r, "http://127.0.0.1:8080/x").unwrap();
        assert_eq!(v4, vec!["127.0.0.1:8080".parse().unwrap()]);
        let v6 = resolve(&r, "https://[::1]/x").unwrap();
        assert_eq!(v6, vec!["[::1]:443".parse().unwrap()]);
        assert!(r.shared.lock().is_empty());
    }

    #[test]
    fn a_looked_up_host_is_kept_until_a_connection_to_it_fails() {
        let r = resolver(60);
        let first = resolve(&r, "http://localhost:9/").unwrap();
        assert!(first.iter().all(|a| a.ip().is_loopback() && a.port() == 9));
        assert!(cached(&r, "localhost:9"));
        r.forget(&"http://localhost:9/".parse().unwrap());
        assert!(!cached(&r, "localhost:9"));
    }

    /// Puts `addrs` in the cache as localhost:9's until `until`: an address
    /// localhost never has, so only the cache gives it.
    fn plant(r: &CachingResolver, until: Instant) -> Arc<[SocketAddr]> {
        let planted: Arc<[SocketAddr]> = Arc::from(vec!["192.0.2.1:9".parse().unwrap()]);
        r.shared.lock().insert(
            "localhost:9".into(),
            Slot::Cached {
                addrs: planted.clone(),
                until,
            },
        );
        planted
    }

    fn recent(r: &CachingResolver) -> Option<String> {
        let recent = r.shared.recent.read().unwrap();
        recent.as_ref().map(|r| r.key.to_string())
    }

    #[test]
    fn the_recent_host_is_answered_until_its_entry_is_dropped() {
        let r = resolver(60);
        let planted = plant(&r, Instant::now() + Duration::from_secs(60));
        for _ in 0..2 {
            assert_eq!(
                resolve(&r, "http://localhost:9/").unwrap(),
                planted.to_vec()
            );
            assert_eq!(recent(&r).as_deref(), Some("localhost:9"));
        }
        // Another port of the same host is another entry.
        let other = resolve(&r, "http://localhost:10/").unwrap();
        assert!(other.iter().all(|a| a.ip().is_loopback() && a.port() == 10));
        assert_eq!(
            resolve(&r, "http://localhost:9/").unwrap(),
            planted.to_vec()
        );
        r.forget(&"http://localhost:9/".parse().unwrap());
        assert_eq!(recent(&r), None);
        let looked_up = resolve(&r, "http://localhost:9/").unwrap();
        assert!(looked_up
            .iter()
            .all(|a| a.ip().is_loopback() && a.port() == 9));
    }

    #[test]
    fn an_expired_recent_host_is_looked_up_again() {
        let r = resolver(60);
        let planted = plant(&r, Instant::now() + Duration::from_millis(50));
        assert_eq!(
            resolve(&r, "http://localhost:9/").unwrap(),
            planted.to_vec()
        );
        std::thread::sleep(Duration::from_millis(60));
        let looked_up = resolve(&r, "http://localhost:9/").unwrap();
        assert!(looked_up.iter().all(|a| a.ip().is_loopback()));
    }

    #[test]
    fn cache_keys_name_the_port_as_ureq_would() {
        for (url, key) in [
            (
                "https://api.weixin.qq.com/cgi-bin/token",
                "api.weixin.qq.com:443",
            ),
            ("http://localhost/x", "localhost:80"),
            ("http://localhost:8080/x", "localhost:8080"),
            ("https://[::1]/x", "[::1]:443"),
            ("socks5://proxy.example", "proxy.example:1080"),
        ] {
            let uri: Uri = url.parse().unwrap();
            assert_eq!(host_and_port(&uri).as_deref(), Some(key), "{url}");
            assert_eq!(
                host_and_port(&uri),
                DefaultResolver::host_and_port(uri.scheme().unwrap(), uri.authority().unwrap()),
                "{url}"
            );
        }
    }

    #[test]
    fn zero_seconds_keeps_nothing() {
        let r = resolver(0);
        resolve(&r, "http://localhost:9/").unwrap();
        assert!(r.shared.lock().is_empty());
    }

    #[test]
    fn callers_of_a_host_being_looked_up_wait_for_that_lookup() {
        let r = resolver(60);
        let lookup = Arc::new(Lookup::default());
        r.shared
            .lock()
            .insert("localhost:9".into(), Slot::Looking(lookup.clone()));
        let waiter = {
            let r = r.clone();
            std::thread::spawn(move || resolve(&r, "http://localhost:9/"))
        };
        // An address localhost never has: only the lookup in flight gives it.
        let answer: Arc<[SocketAddr]> = Arc::from(vec!["192.0.2.1:9".parse().unwrap()]);
        r.shared
            .finish("localhost:9", &lookup, Some(answer.clone()));
        assert_eq!(waiter.join().unwrap().unwrap(), answer.to_vec());
        assert!(cached(&r, "localhost:9"));
    }

    #[test]
    fn a_host_not_found_is_not_cached() {
        let r = resolver(60);
        let lookup = Arc::new(Lookup::default());
        r.shared
            .lock()
            .insert("gone.test:80".into(), Slot::Looking(lookup.clone()));
        r.shared.finish("gone.test:80", &lookup, None);
        assert!(r.shared.lock().is_empty());
        let timeout = NextTimeout::default();
        assert!(lookup.wait(timeout).unwrap().is_none());
    }

    #[test]
    fn a_caller_stops_waiting_for_a_slow_lookup_at_its_timeout() {
        let lookup = Lookup::default();
        let timeout = NextTimeout {
            after: Duration::from_millis(20).into(),
            reason: ureq::Timeout::Resolve,
            ..NextTimeout::default()
        };
        let e = lookup.wait(timeout).unwrap_err();
        assert!(matches!(e, ureq::Error::Timeout(ureq::Timeout::Resolve)));
    }
}
