//! The doctor's network probes, one layer at a time, so that a failure is
//! named at the layer where it happens: name resolution, the proxy's
//! CONNECT, TLS with the roots the library would use, then one plain HTTP
//! request whose `Date` header tells the server's clock.
//!
//! The token step then goes through the library itself; these probes only
//! explain what it would run into.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore,
    StreamOwned,
};

/// Where api_base points.
pub struct Endpoint {
    pub https: bool,
    pub host: String,
    pub port: u16,
}

impl Endpoint {
    /// `scheme://host[:port]`, as the library's `api_base` key accepts it.
    pub fn parse(api_base: &str) -> Option<Endpoint> {
        let (scheme, rest) = api_base.split_once("://")?;
        let https = match scheme {
            "https" => true,
            "http" => false,
            _ => return None,
        };
        let (host, port) = split_host_port(rest, if https { 443 } else { 80 })?;
        Some(Endpoint { https, host, port })
    }

    /// The Host header / CONNECT authority.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// A proxy URL split into what the probes need. `Debug` is not derived:
/// the password must never be printed.
pub struct ProxyUrl {
    pub socks: bool,
    pub host: String,
    pub port: u16,
    credentials: Option<(String, String)>,
    shown: String,
}

impl ProxyUrl {
    pub fn parse(url: &str) -> Option<ProxyUrl> {
        let (scheme, rest) = url.split_once("://")?;
        let socks = scheme.starts_with("socks");
        if !socks && scheme != "http" {
            return None;
        }
        let rest = rest.trim_end_matches('/');
        let (userinfo, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let (host, port) = split_host_port(hostport, 1080)?;
        let credentials = userinfo.map(|u| {
            let (user, pass) = u.split_once(':').unwrap_or((u, ""));
            let decode = |s: &str| wxface::push::query::decode(s).unwrap_or_else(|_| s.to_owned());
            (decode(user), decode(pass))
        });
        let shown = match &credentials {
            Some((user, _)) => format!("{scheme}://{user}:***@{hostport}"),
            None => format!("{scheme}://{hostport}"),
        };
        Some(ProxyUrl {
            socks,
            host,
            port,
            credentials,
            shown,
        })
    }

    pub fn has_credentials(&self) -> bool {
        self.credentials.is_some()
    }
}

impl std::fmt::Display for ProxyUrl {
    /// The URL with its password replaced by `***`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

fn split_host_port(hostport: &str, default_port: u16) -> Option<(String, u16)> {
    if let Some(rest) = hostport.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => default_port,
            None => return None,
        };
        return Some((host.to_owned(), port));
    }
    match hostport.rsplit_once(':') {
        Some((host, port)) => Some((host.to_owned(), port.parse().ok()?)),
        None => Some((hostport.to_owned(), default_port)),
    }
}

/// The system resolver (getaddrinfo), as a fresh process would see it.
pub fn resolve(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    let addrs: Vec<SocketAddr> = (host, port).to_socket_addrs()?.collect();
    if addrs.is_empty() {
        return Err(io::Error::new(io::ErrorKind::NotFound, "no addresses"));
    }
    Ok(addrs)
}

/// The first address that accepts, with read and write timeouts set.
pub fn connect(
    addrs: &[SocketAddr],
    connect_timeout: Duration,
    timeout: Duration,
) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no addresses");
    for addr in addrs {
        match TcpStream::connect_timeout(addr, connect_timeout) {
            Ok(s) => {
                s.set_read_timeout(Some(timeout))?;
                s.set_write_timeout(Some(timeout))?;
                return Ok(s);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

pub enum ProxyRefusal {
    /// The proxy answered the CONNECT with this status.
    Status(u16),
    Io(io::Error),
    /// Not an HTTP answer.
    Malformed,
}

/// Asks an HTTP proxy for a tunnel to `target`, with Basic credentials
/// when the URL has them, and returns the tunnel.
pub fn http_connect(
    mut tcp: TcpStream,
    proxy: &ProxyUrl,
    target: &Endpoint,
) -> Result<TcpStream, ProxyRefusal> {
    let authority = target.authority();
    let mut request = format!(
        "CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: wxface-doctor/{}\r\n",
        env!("CARGO_PKG_VERSION")
    );
    if let Some((user, pass)) = &proxy.credentials {
        let token = STANDARD.encode(format!("{user}:{pass}"));
        request.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    request.push_str("\r\n");
    tcp.write_all(request.as_bytes())
        .map_err(ProxyRefusal::Io)?;
    let head = read_head(&mut tcp).map_err(ProxyRefusal::Io)?;
    match status_of(&head) {
        Some(200..=299) => Ok(tcp),
        Some(status) => Err(ProxyRefusal::Status(status)),
        None => Err(ProxyRefusal::Malformed),
    }
}

/// What a good handshake showed.
pub struct TlsSeen {
    pub version: String,
    pub subject: String,
    pub issuer: String,
}

pub enum TlsFailure {
    /// The chain does not lead to a trusted root: `issuer` is the issuer of
    /// the last certificate the server sent (an intercepting gateway's CA).
    Untrusted {
        issuer: String,
    },
    /// Expired or not yet valid (a clock problem as often as a server one).
    Validity {
        what: String,
    },
    /// A valid certificate for another name.
    WrongName {
        subject: String,
    },
    Other(String),
}

/// The roots the library trusts for this configuration: `ca_file` alone,
/// or the built-in Mozilla roots.
pub fn roots(ca_file: Option<&Path>) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    match ca_file {
        None => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("ca_file {}: {e}", path.display()))?;
            let (added, _) = store.add_parsable_certificates(certs);
            if added == 0 {
                return Err(format!("ca_file {}: no usable certificate", path.display()));
            }
        }
    }
    Ok(store)
}

/// A TLS handshake over `tcp`, verifying `host` against `roots` exactly as
/// webpki does for the library, while recording the chain the server sent.
pub fn tls_handshake(
    tcp: TcpStream,
    host: &str,
    roots: RootCertStore,
) -> Result<(StreamOwned<ClientConnection, TcpStream>, TlsSeen), TlsFailure> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| TlsFailure::Other(e.to_string()))?;
    let recorder = Arc::new(Recorder {
        inner,
        chain: Mutex::new(Vec::new()),
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsFailure::Other(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_no_client_auth();
    let name =
        ServerName::try_from(host.to_owned()).map_err(|e| TlsFailure::Other(e.to_string()))?;
    let conn = ClientConnection::new(Arc::new(config), name)
        .map_err(|e| TlsFailure::Other(e.to_string()))?;
    let mut stream = StreamOwned::new(conn, tcp);
    while stream.conn.is_handshaking() {
        if let Err(e) = stream.conn.complete_io(&mut stream.sock) {
            let chain = recorder.chain.lock().map(|c| c.clone()).unwrap_or_default();
            return Err(explain_tls(&e, &chain));
        }
    }
    let chain = recorder.chain.lock().map(|c| c.clone()).unwrap_or_default();
    let leaf = chain.first().and_then(|c| names_of(c));
    let (subject, issuer) = leaf.unwrap_or_default();
    let version = stream.conn.protocol_version().map_or_else(
        || "TLS".to_owned(),
        |v| format!("{v:?}").replace("TLSv1_", "TLS 1."),
    );
    Ok((
        stream,
        TlsSeen {
            version,
            subject,
            issuer,
        },
    ))
}

fn explain_tls(e: &io::Error, chain: &[CertificateDer<'static>]) -> TlsFailure {
    let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) else {
        return TlsFailure::Other(format!(
            "connection failed during the handshake: {}",
            e.kind()
        ));
    };
    let top_issuer = || {
        chain.last().and_then(|c| names_of(c)).map_or_else(
            || "an unreadable certificate".to_owned(),
            |(_, issuer)| issuer,
        )
    };
    match tls {
        rustls::Error::InvalidCertificate(ce) => match ce {
            CertificateError::UnknownIssuer => TlsFailure::Untrusted {
                issuer: top_issuer(),
            },
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                TlsFailure::Validity {
                    what: "has expired".into(),
                }
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                TlsFailure::Validity {
                    what: "is not valid yet".into(),
                }
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                TlsFailure::WrongName {
                    subject: chain
                        .first()
                        .and_then(|c| names_of(c))
                        .map_or_else(String::new, |(s, _)| s),
                }
            }
            other => TlsFailure::Other(format!("certificate refused: {other:?}")),
        },
        other => TlsFailure::Other(other.to_string()),
    }
}

/// (subject, issuer) distinguished names of a DER certificate.
fn names_of(der: &CertificateDer<'_>) -> Option<(String, String)> {
    use x509_cert::der::Decode;
    let cert = x509_cert::Certificate::from_der(der.as_ref()).ok()?;
    let tbs = &cert.tbs_certificate;
    Some((tbs.subject.to_string(), tbs.issuer.to_string()))
}

/// Verifies with webpki, unchanged, and keeps what the server presented.
#[derive(Debug)]
struct Recorder {
    inner: Arc<WebPkiServerVerifier>,
    chain: Mutex<Vec<CertificateDer<'static>>>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut chain) = self.chain.lock() {
            chain.clear();
            chain.push(end_entity.clone().into_owned());
            chain.extend(intermediates.iter().map(|c| c.clone().into_owned()));
        }
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// What one `GET /` showed of the server's clock.
pub struct ServerClock {
    /// The `Date` header, if the server sent one.
    pub date: Option<SystemTime>,
    /// The local time halfway through the exchange.
    pub local: SystemTime,
    pub status: u16,
}

/// Sends `GET /` and reads the answer's head for its `Date` header.
pub fn server_clock(
    stream: &mut (impl Read + Write),
    target: &Endpoint,
) -> io::Result<ServerClock> {
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nUser-Agent: wxface-doctor/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        target.authority(),
        env!("CARGO_PKG_VERSION")
    );
    let sent = SystemTime::now();
    stream.write_all(request.as_bytes())?;
    stream.flush()?;
    let head = read_head(stream)?;
    let received = SystemTime::now();
    let local = sent + received.duration_since(sent).unwrap_or_default() / 2;
    let status = status_of(&head)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "not an HTTP answer"))?;
    let date = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        if name.trim().eq_ignore_ascii_case("date") {
            httpdate::parse_http_date(value.trim()).ok()
        } else {
            None
        }
    });
    Ok(ServerClock {
        date,
        local,
        status,
    })
}

/// An HTTP response head (up to the blank line), at most 64 KiB.
fn read_head(stream: &mut impl Read) -> io::Result<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "answer head over 64 KiB",
            ));
        }
        if stream.read(&mut byte)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        head.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

fn status_of(head: &str) -> Option<u16> {
    let line = head.lines().next()?;
    let mut parts = line.split_whitespace();
    if !parts.next()?.starts_with("HTTP/") {
        return None;
    }
    parts.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls_never_show_their_password() {
        let p = ProxyUrl::parse("http://his:s3cr%40t@gw.example:3128").unwrap();
        assert_eq!(p.to_string(), "http://his:***@gw.example:3128");
        assert_eq!(p.credentials.as_ref().unwrap().1, "s3cr@t");
        assert_eq!((p.host.as_str(), p.port), ("gw.example", 3128));
    }

    #[test]
    fn api_base_gives_host_and_default_port() {
        let e = Endpoint::parse("https://api.weixin.qq.com").unwrap();
        assert_eq!(
            (e.https, e.host.as_str(), e.port),
            (true, "api.weixin.qq.com", 443)
        );
        let e = Endpoint::parse("http://[::1]:8080").unwrap();
        assert_eq!(e.authority(), "[::1]:8080");
    }

    #[test]
    fn the_status_comes_from_the_first_line() {
        assert_eq!(
            status_of("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"),
            Some(407)
        );
        assert_eq!(status_of("SSH-2.0-OpenSSH\r\n\r\n"), None);
    }
}
