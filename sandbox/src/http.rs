//! A small HTTP/1.1 server side: request heads and bodies in, replies out.
//!
//! Written on std::net rather than taken from a crate because the fault
//! injector needs to write exactly the bytes it wants (half a body, a lying
//! Content-Length, one byte a second).

use std::io::{self, BufRead, Read};
use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use serde_json::Value as Json;

/// Request heads larger than this are refused: no client of ours sends them.
const MAX_HEAD: u64 = 64 * 1024;
/// Request bodies larger than this are refused with 413.
pub const MAX_BODY: usize = 1024 * 1024;

pub struct Request {
    pub method: String,
    /// The path without the query, as sent (no percent-decoding).
    pub path: String,
    /// Decoded query parameters in order.
    pub query: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub keep_alive: bool,
    /// The client's address (the IP whitelist of the token endpoints).
    pub peer: Option<IpAddr>,
}

impl Request {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why no request could be read.
#[derive(Debug)]
pub enum ReadError {
    /// The client closed the connection (or stayed idle too long) between
    /// requests: nothing to answer.
    Closed,
    /// The request is unacceptable: answer with this status, then close.
    Refuse(u16, &'static str),
}

/// What the head said about the body still to read.
pub struct Head {
    pub request: Request,
    pub content_length: usize,
    pub expect_continue: bool,
}

/// Reads a request line and headers.
pub fn read_head<R: BufRead>(reader: &mut R) -> Result<Head, ReadError> {
    let mut limited = reader.take(MAX_HEAD);
    let mut line = Vec::new();
    // Tolerate blank lines before a request (RFC 9112 section 2.2).
    loop {
        line.clear();
        let n = limited
            .read_until(b'\n', &mut line)
            .map_err(|_| ReadError::Closed)?;
        if n == 0 {
            return Err(ReadError::Closed);
        }
        if !trim_eol(&line).is_empty() {
            break;
        }
    }
    if !line.ends_with(b"\n") {
        return Err(ReadError::Refuse(431, "request line too long"));
    }
    let request_line = String::from_utf8(trim_eol(&line).to_vec())
        .map_err(|_| ReadError::Refuse(400, "request line is not UTF-8"))?;
    let mut parts = request_line.split(' ');
    let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v), None) if !m.is_empty() && t.starts_with('/') => (m, t, v),
        _ => return Err(ReadError::Refuse(400, "malformed request line")),
    };
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => {
            return Err(ReadError::Refuse(
                505,
                "only HTTP/1.0 and HTTP/1.1 are served",
            ))
        }
    };

    let mut content_length = 0usize;
    let mut keep_alive = !http10;
    let mut expect_continue = false;
    loop {
        line.clear();
        let n = limited
            .read_until(b'\n', &mut line)
            .map_err(|_| ReadError::Closed)?;
        if n == 0 || !line.ends_with(b"\n") {
            return Err(if limited.limit() == 0 {
                ReadError::Refuse(431, "request head too large")
            } else {
                ReadError::Closed
            });
        }
        let header = trim_eol(&line);
        if header.is_empty() {
            break;
        }
        let header = String::from_utf8_lossy(header);
        let Some((name, value)) = header.split_once(':') else {
            return Err(ReadError::Refuse(400, "malformed header"));
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                content_length = value
                    .parse()
                    .map_err(|_| ReadError::Refuse(400, "bad Content-Length"))?;
                if content_length > MAX_BODY {
                    return Err(ReadError::Refuse(413, "request body larger than 1 MiB"));
                }
            }
            "transfer-encoding" => {
                return Err(ReadError::Refuse(
                    411,
                    "chunked request bodies are not accepted",
                ));
            }
            "connection" => {
                let v = value.to_ascii_lowercase();
                if v.contains("close") {
                    keep_alive = false;
                } else if v.contains("keep-alive") {
                    keep_alive = true;
                }
            }
            "expect" => expect_continue = value.eq_ignore_ascii_case("100-continue"),
            _ => {}
        }
    }

    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, parse_query(q)),
        None => (target, Vec::new()),
    };
    Ok(Head {
        request: Request {
            method: method.to_owned(),
            path: path.to_owned(),
            query,
            body: Vec::new(),
            keep_alive,
            peer: None,
        },
        content_length,
        expect_continue,
    })
}

/// Reads exactly `len` body bytes.
pub fn read_body<R: Read>(reader: &mut R, len: usize) -> io::Result<Vec<u8>> {
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body)?;
    Ok(body)
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// The library's decoder; a malformed parameter is kept as sent, since the
/// handlers answer its absence with WeChat's own errcodes.
fn percent_decode(s: &str) -> String {
    wxface::push::query::decode(s).unwrap_or_else(|_| s.to_owned())
}

/// An answer before faults are applied to it.
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// The Content-Type WeChat sends (the seed's capture shows this exact value).
pub const WECHAT_JSON: &str = "application/json; encoding=utf-8";

impl Reply {
    pub fn json(value: &Json) -> Reply {
        Reply::json_status(200, value)
    }

    pub fn json_status(status: u16, value: &Json) -> Reply {
        Reply {
            status,
            content_type: WECHAT_JSON,
            body: value.to_string().into_bytes(),
        }
    }

    pub fn html(status: u16) -> Reply {
        let reason = reason(status);
        let body = format!(
            "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n\
             <center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        );
        Reply {
            status,
            content_type: "text/html",
            body: body.into_bytes(),
        }
    }
}

/// Seconds added to the real time in every `Date` header (`POST
/// /sandbox/clock`): a server clock that differs from the client's.
static CLOCK_SKEW_S: AtomicI64 = AtomicI64::new(0);

pub fn set_clock_skew(seconds: i64) {
    CLOCK_SKEW_S.store(seconds, Ordering::Relaxed);
}

/// The sandbox's time as its `Date` headers tell it.
fn server_time() -> SystemTime {
    let skew = CLOCK_SKEW_S.load(Ordering::Relaxed);
    let by = Duration::from_secs(skew.unsigned_abs());
    if skew >= 0 {
        SystemTime::now() + by
    } else {
        SystemTime::now() - by
    }
}

/// The status line and headers of a reply whose body is `content_length` bytes.
pub fn head(status: u16, content_type: &str, content_length: usize, keep_alive: bool) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} {}\r\nDate: {}\r\nContent-Type: {content_type}\r\nContent-Length: {content_length}\r\n\
         Connection: {}\r\n\r\n",
        reason(status),
        httpdate::fmt_http_date(server_time()),
        if keep_alive { "keep-alive" } else { "close" }
    )
    .into_bytes()
}

pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        410 => "Gone",
        411 => "Length Required",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_percent_decoded() {
        let q = parse_query("a=1&b=%E5%BC%A0+x&c&d=%zz");
        assert_eq!(q[0], ("a".into(), "1".into()));
        assert_eq!(q[1], ("b".into(), "张 x".into()));
        assert_eq!(q[2], ("c".into(), "".into()));
        assert_eq!(q[3], ("d".into(), "%zz".into()));
    }

    #[test]
    fn chunked_requests_are_refused_with_411() {
        let raw = b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
        match read_head(&mut &raw[..]) {
            Err(ReadError::Refuse(411, _)) => {}
            _ => panic!("expected 411"),
        }
    }

    #[test]
    fn garbage_is_refused_not_panicked_on() {
        for raw in [
            &b"\xff\xfe\r\n\r\n"[..],
            b"GET\r\n\r\n",
            b"GET / HTTP/9\r\n\r\n",
            b"GET / HTTP/1.1\r\nnocolon\r\n\r\n",
        ] {
            assert!(matches!(
                read_head(&mut &raw[..]),
                Err(ReadError::Refuse(..))
            ));
        }
    }
}
