//! The URL query WeChat sends with a push or a URL check.
//!
//! Every parameter is URL-decoded (`%XX`, and `+` as a space, as web servers
//! do). A parameter given twice is refused: a server framework and wxface
//! could read different copies, and a signature check on one copy would
//! then vouch for the other. Problems here are reported as
//! [`Code::PushSignature`]: the query carries the signature and everything it
//! covers, so a push with a broken query cannot be authenticated.

use std::borrow::Cow;

use crate::digest::hex_digit;
use crate::{Code, Error, Result};

/// The parameters wxface reads; any others (WeChat adds `openid` for some
/// accounts) are ignored, but still must not repeat.
#[derive(Debug, Default)]
pub struct Query {
    pub signature: Option<String>,
    pub timestamp: Option<String>,
    pub nonce: Option<String>,
    pub echostr: Option<String>,
    pub encrypt_type: Option<String>,
    pub msg_signature: Option<String>,
}

impl Query {
    pub fn parse(raw: &str) -> Result<Query> {
        let raw = raw.strip_prefix('?').unwrap_or(raw);
        // Names and values are borrowed from `raw` unless they hold an
        // escape: a push's query has half a dozen of each.
        let mut seen: Vec<Cow<'_, str>> = Vec::new();
        let mut q = Query::default();
        for pair in raw.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decoded(name)?;
            let value = decoded(value)?;
            if seen.contains(&name) {
                return Err(query_error(format!(
                    "parameter {} appears more than once",
                    crate::mask::field_name(&name)
                )));
            }
            let slot = match name.as_ref() {
                "signature" => &mut q.signature,
                "timestamp" => &mut q.timestamp,
                "nonce" => &mut q.nonce,
                "echostr" => &mut q.echostr,
                "encrypt_type" => &mut q.encrypt_type,
                "msg_signature" => &mut q.msg_signature,
                _ => {
                    seen.push(name);
                    continue;
                }
            };
            *slot = Some(value.into_owned());
            seen.push(name);
        }
        Ok(q)
    }

    /// A parameter that must be there.
    pub fn require<'a>(field: &'a Option<String>, name: &str) -> Result<&'a str> {
        field
            .as_deref()
            .ok_or_else(|| query_error(format!("parameter `{name}` is missing")))
    }

    /// The timestamp as seconds since the epoch.
    pub fn timestamp_secs(&self) -> Result<i64> {
        let text = Query::require(&self.timestamp, "timestamp")?;
        if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(query_error(
                "parameter `timestamp` is not a decimal number of seconds".into(),
            ));
        }
        text.parse()
            .map_err(|_| query_error("parameter `timestamp` is out of range".into()))
    }
}

/// [`decode`], borrowing `s` when there is nothing to decode.
fn decoded(s: &str) -> Result<Cow<'_, str>> {
    if s.bytes().any(|b| b == b'%' || b == b'+') {
        decode(s).map(Cow::Owned)
    } else {
        Ok(Cow::Borrowed(s))
    }
}

/// Percent-decoding into UTF-8 text; a malformed escape or non-UTF-8
/// result is an error. The sandbox decodes its own queries with it too.
pub fn decode(s: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).and_then(|&b| hex_digit(b));
                let lo = bytes.get(i + 2).and_then(|&b| hex_digit(b));
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                    _ => return Err(query_error("the query has a malformed %-escape".into())),
                }
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| query_error("the query is not UTF-8 once decoded".into()))
}

/// Percent-encoding for building queries: everything but RFC 3986's
/// unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn query_error(message: String) -> Error {
    Error::new(Code::PushSignature, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_the_known_parameters_and_ignores_others() {
        let q = Query::parse("signature=ab&timestamp=1700000000&nonce=42&openid=oX&encrypt_type=aes&msg_signature=cd")
            .unwrap();
        assert_eq!(q.signature.as_deref(), Some("ab"));
        assert_eq!(q.timestamp_secs().unwrap(), 1_700_000_000);
        assert_eq!(q.nonce.as_deref(), Some("42"));
        assert_eq!(q.encrypt_type.as_deref(), Some("aes"));
        assert_eq!(q.msg_signature.as_deref(), Some("cd"));
        assert_eq!(q.echostr, None);
    }

    #[test]
    fn parse_url_decodes_names_and_values() {
        let q = Query::parse("?echo%73tr=a%2Bb+c%E4%B8%AD").unwrap();
        assert_eq!(q.echostr.as_deref(), Some("a+b c中"));
        assert_eq!(
            Query::parse(&format!("nonce={}", encode("a+b c中&=")))
                .unwrap()
                .nonce
                .as_deref(),
            Some("a+b c中&=")
        );
    }

    #[test]
    fn parse_refuses_a_repeated_parameter_even_an_unknown_one() {
        assert_eq!(
            Query::parse("nonce=1&nonce=2").unwrap_err().code,
            Code::PushSignature
        );
        assert_eq!(
            Query::parse("openid=1&openid=1").unwrap_err().code,
            Code::PushSignature
        );
        assert_eq!(
            Query::parse("nonce=1&%6Eonce=1").unwrap_err().code,
            Code::PushSignature
        );
    }

    #[test]
    fn parse_refuses_broken_escapes_and_non_utf8() {
        assert_eq!(
            Query::parse("nonce=%zz").unwrap_err().code,
            Code::PushSignature
        );
        assert_eq!(
            Query::parse("nonce=%4").unwrap_err().code,
            Code::PushSignature
        );
        assert_eq!(
            Query::parse("nonce=%FF").unwrap_err().code,
            Code::PushSignature
        );
    }

    #[test]
    fn timestamp_must_be_plain_digits() {
        for bad in [
            "timestamp=",
            "timestamp=-5",
            "timestamp=+5",
            "timestamp=1e9",
            "timestamp=99999999999999999999",
            "",
        ] {
            assert_eq!(
                Query::parse(bad)
                    .unwrap()
                    .timestamp_secs()
                    .unwrap_err()
                    .code,
                Code::PushSignature,
                "{bad}"
            );
        }
    }
}
