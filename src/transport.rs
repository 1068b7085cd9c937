//! HTTP to WeChat: one pooled keep-alive agent per client, timeouts, proxies,
//! a private CA bundle, and bodies capped at 1 MiB.
//!
//! This layer only moves bytes and classifies failures; deciding what to
//! retry belongs to the caller, who knows whether the call is a read.

use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use crate::config::Config;
use crate::direct;
use crate::error::{Code, Error, Result};
use crate::log::Log;
use crate::proxy;
use crate::resolver::{CachingResolver, ForgetOnFailure};
use ureq::unversioned::transport::time::Duration as Budget;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, NextTimeout, Transport as UreqTransport,
};

/// WeChat's answers are a few hundred bytes; anything near this is not WeChat.
pub const MAX_BODY: usize = 1024 * 1024;
/// getimage answers with the verification photo, which may be larger.
pub const MAX_IMAGE_BODY: usize = 8 * 1024 * 1024;

pub struct Reply {
    pub status: u16,
    /// Kept whole: the content type is read only when the body alone does
    /// not decide (an error status, an image, a body that is not JSON).
    headers: ureq::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The Content-Type header, or "" when absent or not ASCII.
    pub fn content_type(&self) -> &str {
        self.headers
            .get(ureq::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// How far a failed request got, which decides whether it may be resent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// Nothing reached the server (DNS, connect refused): safe to resend anything.
    NotSent,
    /// The request may have been processed (reset, EOF mid-answer).
    MaybeProcessed,
    /// No point in resending soon (timeouts, TLS, proxy, configuration).
    Final,
}

pub struct Failure {
    pub error: Error,
    pub reach: Reach,
}

pub struct Transport {
    agent: ureq::Agent,
    base: String,
}

impl Transport {
    pub fn new(cfg: &Config, log: &Log) -> Result<Transport> {
        let proxy = match proxy::effective(&cfg.proxy, &cfg.api_base) {
            Some(url) => Some(
                ureq::Proxy::new(&url)
                    .map_err(|_| Error::new(Code::Config, "proxy: not a valid proxy URL"))?,
            ),
            None => None,
        };
        let config = ureq::Agent::config_builder()
            .timeout_resolve(Some(cfg.connect_timeout))
            .timeout_connect(Some(cfg.connect_timeout))
            .timeout_global(Some(cfg.timeout))
            // WeChat never redirects; a captive portal or a misrouted gateway would.
            .max_redirects(0)
            .http_status_as_error(false)
            .max_idle_connections_per_host(256)
            .max_idle_connections(256)
            .user_agent(concat!("wxface/", env!("CARGO_PKG_VERSION")))
            .tls_config(tls_config(cfg)?)
            .proxy(proxy)
            .build();
        let resolver = CachingResolver::new(cfg.dns_cache, log.clone());
        Ok(Transport {
            agent: ureq::Agent::with_parts(
                config,
                ForgetOnFailure::new(direct::connector(), resolver.clone()).chain(SteadyTimeouts),
                resolver,
            ),
            base: cfg.api_base.clone(),
        })
    }

    /// Sends one request. Any HTTP status is a `Reply`; only failures to
    /// get one are `Failure`s.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&[u8]>,
        timeout: Option<Duration>,
        max_body: usize,
    ) -> std::result::Result<Reply, Failure> {
        let room: usize = query.iter().map(|(k, v)| k.len() + 3 * v.len() + 2).sum();
        let mut url = String::with_capacity(self.base.len() + path.len() + room);
        url.push_str(&self.base);
        url.push_str(path);
        for (i, (k, v)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(k);
            url.push('=');
            percent_encode_into(v, &mut url);
        }
        // A POST under the configured timeout is nearly every call; the
        // other requests are made out of line, so that their builders (a
        // whole ureq configuration each) do not widen this frame.
        let result = match (method, body, timeout) {
            ("POST", Some(b), None) => self
                .agent
                .post(&url)
                .header("Content-Type", JSON_CONTENT_TYPE)
                .send(b),
            _ => self.other_request(method, &url, body, timeout),
        };
        let response = result.map_err(|e| classify(path, e, Reach::NotSent, max_body))?;
        let status = response.status().as_u16();
        let (parts, mut body) = response.into_parts();
        let body = read_body(&mut body, max_body)
            .map_err(|e| classify(path, e, Reach::MaybeProcessed, max_body))
            .map_err(|mut f| {
                f.error.http_status = status;
                f
            })?;
        Ok(Reply {
            status,
            headers: parts.headers,
            body,
        })
    }
}

const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// The whole body, at most `max_body` bytes. Sized from Content-Length
/// when the server sends one (WeChat does), so that it is read in one pass
/// with no reallocation: ureq's `read_to_vec` starts from an empty vector
/// and grows it read by read.
fn read_body(body: &mut ureq::Body, max_body: usize) -> std::result::Result<Vec<u8>, ureq::Error> {
    use std::io::Read;
    let announced = body
        .content_length()
        .map_or(0, |n| n.min(max_body as u64) as usize);
    // One byte more than announced, so the read that finds the end needs
    // no room of its own.
    let mut buf = Vec::with_capacity(announced + 1);
    body.with_config()
        .limit(max_body as u64)
        .reader()
        .read_to_end(&mut buf)
        .map_err(ureq::Error::from)?;
    Ok(buf)
}

impl Transport {
    /// A GET, or a POST with a timeout of its own.
    #[inline(never)]
    fn other_request(
        &self,
        method: &str,
        url: &str,
        body: Option<&[u8]>,
        timeout: Option<Duration>,
    ) -> std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        match (method, body) {
            ("POST", Some(b)) => {
                let req = self
                    .agent
                    .post(url)
                    .header("Content-Type", JSON_CONTENT_TYPE);
                match timeout {
                    Some(t) => req.config().timeout_global(Some(t)).build().send(b),
                    None => req.send(b),
                }
            }
            _ => {
                let req = self.agent.get(url);
                match timeout {
                    Some(t) => req.config().timeout_global(Some(t)).build().call(),
                    None => req.call(),
                }
            }
        }
    }
}

/// How far below the time a call has left a connection's socket timeout
/// may stay. Far below the kernel's own rounding of socket timeouts (one
/// clock tick, 1-10 ms) and far above the microseconds by which one call's
/// budget differs from the next one's at the same step.
const TIMEOUT_SLACK: Duration = Duration::from_millis(1);

/// Keeps a pooled connection's socket timeouts from being set at every call.
///
/// ureq gives each read and write the time its call has left and sets
/// SO_SNDTIMEO or SO_RCVTIMEO whenever that differs from the socket's
/// value, which it does by microseconds from one call to the next: three
/// `setsockopt` per verification. [`Steady`] passes on the value the socket
/// already has when that is at most [`TIMEOUT_SLACK`] below the time left,
/// so a read or write may give up that much before its call's bound, never
/// after it.
#[derive(Debug)]
pub struct SteadyTimeouts;

impl<T: UreqTransport> Connector<T> for SteadyTimeouts {
    type Out = Steady<T>;

    fn connect(
        &self,
        _: &ConnectionDetails,
        chained: Option<T>,
    ) -> std::result::Result<Option<Steady<T>>, ureq::Error> {
        Ok(chained.map(|inner| Steady {
            inner,
            write: None,
            read: None,
        }))
    }
}

/// A connection whose timeouts [`SteadyTimeouts`] keeps steady.
#[derive(Debug)]
pub struct Steady<T> {
    inner: T,
    /// The last timeouts passed down: what the socket has.
    write: Option<Duration>,
    read: Option<Duration>,
}

/// The timeout to pass down for one read or write given the one passed
/// down last: the same when it is at most [`TIMEOUT_SLACK`] below the time
/// left (the socket is left alone), else the time left.
fn steady(timeout: NextTimeout, last: &mut Option<Duration>) -> NextTimeout {
    let Budget::Exact(left) = timeout.after else {
        *last = None;
        return timeout;
    };
    match *last {
        Some(set) if !set.is_zero() && set <= left && left - set <= TIMEOUT_SLACK => NextTimeout {
            after: set.into(),
            ..timeout
        },
        _ => {
            *last = Some(left);
            timeout
        }
    }
}

impl<T: UreqTransport> UreqTransport for Steady<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        let timeout = steady(timeout, &mut self.write);
        self.inner.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        let timeout = steady(timeout, &mut self.read);
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

fn tls_config(cfg: &Config) -> Result<ureq::tls::TlsConfig> {
    use ureq::tls::{RootCerts, TlsConfig, TlsProvider};
    let roots = match &cfg.ca_file {
        None => RootCerts::WebPki,
        Some(path) => {
            let bad = |why: String| {
                Error::new(Code::Config, format!("ca_file {}: {why}", path.display()))
            };
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| bad(e.to_string()))?
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| bad(e.to_string()))?;
            if certs.is_empty() {
                return Err(bad("contains no PEM certificate".into()));
            }
            let certs: Vec<_> = certs
                .iter()
                .map(|c| ureq::tls::Certificate::from_der(c.as_ref()).to_owned())
                .collect();
            RootCerts::new_with_certs(&certs)
        }
    };
    Ok(TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .root_certs(roots)
        .build())
}

/// `reach` is how far the request got if the error itself does not say:
/// before the answer arrived, nothing may have been sent.
#[cold]
#[inline(never)]
fn classify(path: &str, e: ureq::Error, reach: Reach, max_body: usize) -> Failure {
    use ureq::Error as E;
    let fail = |code, reach, what: &str| Failure {
        error: Error::new(code, format!("{path}: {what}")),
        reach,
    };
    match e {
        E::Io(io) => classify_io(path, &io, reach.max(Reach::MaybeProcessed)),
        E::Timeout(_) => fail(Code::Timeout, Reach::Final, "timed out"),
        E::HostNotFound => fail(
            Code::Network,
            Reach::NotSent,
            "could not resolve the host name",
        ),
        E::ConnectionFailed => fail(Code::Network, Reach::NotSent, "could not connect"),
        E::Tls(why) => fail(Code::Tls, Reach::Final, &format!("TLS failure: {why}")),
        E::Rustls(r) => fail(Code::Tls, Reach::Final, &format!("TLS failure: {r}")),
        E::Pem(_) => fail(Code::Tls, Reach::Final, "TLS failure: bad PEM"),
        E::TlsRequired => fail(Code::Tls, Reach::Final, "TLS required"),
        // The proxy's reason is not echoed: it may quote the request.
        E::ConnectProxyFailed(why) if why.contains("407") => fail(
            Code::Proxy,
            Reach::Final,
            "the proxy rejected the credentials (407)",
        ),
        E::ConnectProxyFailed(why) if why == direct::SOCKS_CREDENTIALS_REFUSED => {
            fail(Code::Proxy, Reach::Final, direct::SOCKS_CREDENTIALS_REFUSED)
        }
        E::ConnectProxyFailed(_) => fail(
            Code::Proxy,
            Reach::Final,
            "the proxy refused or failed the connection",
        ),
        E::InvalidProxyUrl => fail(Code::Config, Reach::Final, "invalid proxy URL"),
        E::BadUri(_) | E::Http(_) => fail(Code::Config, Reach::Final, "invalid api_base URL"),
        E::BodyExceedsLimit(_) => fail(
            Code::BadResponse,
            Reach::Final,
            &format!("response body is larger than {max_body} bytes"),
        ),
        E::LargeResponseHeader(..) | E::Protocol(_) => fail(
            Code::BadResponse,
            Reach::MaybeProcessed,
            "malformed HTTP response",
        ),
        E::TooManyRedirects | E::RedirectFailed => {
            fail(Code::Http, Reach::Final, "unexpected redirect")
        }
        E::BodyStalled => fail(Code::Timeout, Reach::Final, "the answer stalled"),
        _ => fail(Code::Network, Reach::MaybeProcessed, "connection failed"),
    }
}

fn classify_io(path: &str, e: &std::io::Error, reach: Reach) -> Failure {
    use std::io::ErrorKind as K;
    let is_tls = e
        .get_ref()
        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some());
    let (code, reach, what) = if is_tls {
        (Code::Tls, Reach::Final, format!("TLS failure: {e}"))
    } else {
        match e.kind() {
            K::TimedOut | K::WouldBlock => (Code::Timeout, Reach::Final, "timed out".to_owned()),
            K::ConnectionRefused => (
                Code::Network,
                Reach::NotSent,
                "connection refused".to_owned(),
            ),
            K::UnexpectedEof => (
                Code::Network,
                reach,
                "connection closed before the answer was complete".to_owned(),
            ),
            K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
                (Code::Network, reach, "connection reset".to_owned())
            }
            _ => (Code::Network, reach, format!("I/O error: {}", e.kind())),
        }
    };
    Failure {
        error: Error::new(code, format!("{path}: {what}")),
        reach,
    }
}

fn percent_encode_into(s: &str, out: &mut String) {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
    // The access token, on every call, has only these: copied at once.
    if s.bytes().all(unreserved) {
        out.push_str(s);
        return;
    }
    for b in s.bytes() {
        if unreserved(b) {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn left(us: u64) -> NextTimeout {
        NextTimeout {
            after: Duration::from_micros(us).into(),
            ..NextTimeout::default()
        }
    }

    fn after(t: NextTimeout) -> Duration {
        *t.after
    }

    #[test]
    fn a_socket_timeout_within_the_slack_below_the_time_left_is_kept() {
        let mut last = None;
        assert_eq!(
            after(steady(left(15_000_000), &mut last)),
            Duration::from_secs(15)
        );
        // Later calls reach the same step with a little more time left.
        for us in [15_000_010, 15_000_400, 15_001_000, 15_000_000] {
            assert_eq!(
                after(steady(left(us), &mut last)),
                Duration::from_secs(15),
                "{us}"
            );
        }
    }

    #[test]
    fn a_socket_timeout_never_runs_past_the_time_left() {
        let mut last = None;
        steady(left(15_000_000), &mut last);
        // Less time left than the socket's value: the socket must be set.
        let t = after(steady(left(14_999_999), &mut last));
        assert_eq!(t, Duration::from_micros(14_999_999));
        // More than the slack above it: set as well.
        let t = after(steady(left(15_001_000), &mut last));
        assert_eq!(t, Duration::from_micros(15_001_000));
        // A budget that has run out stays run out.
        assert!(after(steady(left(0), &mut last)).is_zero());
        assert!(after(steady(left(0), &mut last)).is_zero());
    }

    #[test]
    fn no_timeout_is_passed_on_as_none() {
        let mut last = Some(Duration::from_secs(15));
        let t = steady(NextTimeout::default(), &mut last);
        assert!(t.after.is_not_happening());
        assert_eq!(last, None);
    }

    #[test]
    fn query_values_are_percent_encoded() {
        let mut s = String::new();
        percent_encode_into("a b&c=d", &mut s);
        assert_eq!(s, "a%20b%26c%3Dd");
    }
}
