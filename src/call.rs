//! One WeChat API exchange: send, retry what is safe to retry, parse JSON.
//!
//! Retried: errcode -1 (WeChat says it did nothing), requests that never
//! reached WeChat, and, for reads only, resets and gateway errors (502, 503,
//! 504) that may have hit WeChat. Never retried: timeouts (the bound the
//! caller configured is the bound they get), writes that may have been
//! processed, and every other errcode.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::errcode;
use crate::error::{Code, Error, Result};
use crate::log::{Level, Log};
use crate::response::{JsonError, Response, Value};
use crate::stats::Stats;
use crate::transport::{Reach, Reply, Transport};

/// Whether WeChat may safely see the request twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Safety {
    Read,
    Write,
}

pub struct Caller {
    pub transport: Transport,
    pub log: Log,
    pub max_retries: u32,
    pub(crate) stats: Arc<Stats>,
}

pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a [(&'a str, &'a str)],
    pub body: Option<&'a [u8]>,
    pub safety: Safety,
    pub timeout: Option<Duration>,
    /// The caller's deadline (the 2.0 wait): each attempt's timeout is cut
    /// to the time left, and no retry starts that could not end before it.
    pub deadline: Option<Instant>,
    /// getimage: an image answer is the result, a JSON one an error.
    pub image: bool,
}

impl Caller {
    /// The parsed JSON object, whatever its errcode (token handling needs
    /// to see token errors); transport and format failures are errors.
    pub fn exchange(&self, req: &Request<'_>) -> Result<Response> {
        let mut attempt = 0;
        loop {
            let started = Instant::now();
            let timeout = match req.deadline {
                None => req.timeout,
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(started);
                    if left.is_zero() {
                        return Err(Error::new(
                            Code::Timeout,
                            format!("{}: the caller's deadline has passed", req.path),
                        ));
                    }
                    Some(req.timeout.map_or(left, |t| t.min(left)))
                }
            };
            self.stats.request(req.path, attempt > 0);
            let outcome = self.once(req, timeout);
            let retry = match &outcome {
                Ok(r) => matches!(r.get("errcode"), Some(Value::Int(-1))),
                Err((e, reach)) => {
                    let resendable = match reach {
                        Reach::NotSent => true,
                        Reach::MaybeProcessed => req.safety == Safety::Read,
                        Reach::Final => false,
                    };
                    resendable && e.code != Code::Timeout
                }
            };
            self.log.emit(Level::Debug, || {
                let what = match &outcome {
                    Ok(r) => match r.get("errcode") {
                        Some(Value::Int(errcode)) => format!("errcode {errcode}"),
                        Some(_) => "errcode not a JSON integer".to_owned(),
                        None => "no errcode".to_owned(),
                    },
                    Err((e, _)) => e.code.name().to_owned(),
                };
                format!(
                    "{} {}: {what} after {} ms",
                    req.method,
                    req.path,
                    started.elapsed().as_millis()
                )
            });
            if !retry || attempt >= self.max_retries {
                return match outcome {
                    Ok(r) => Ok(r),
                    Err((e, _)) => Err(e),
                };
            }
            attempt += 1;
            if !self.pause_before_retry(req, attempt) {
                return match outcome {
                    Ok(r) => Ok(r),
                    Err((e, _)) => Err(e),
                };
            }
        }
    }

    /// Sleeps before retry number `attempt`; false, without sleeping, when
    /// the caller's deadline would pass first. Out of line: most calls
    /// never retry.
    #[cold]
    #[inline(never)]
    fn pause_before_retry(&self, req: &Request<'_>, attempt: u32) -> bool {
        let pause = backoff(attempt);
        if req.deadline.is_some_and(|d| Instant::now() + pause >= d) {
            return false;
        }
        self.log.emit(Level::Warn, || {
            format!(
                "{}: retry {attempt} of {} in {} ms",
                req.path,
                self.max_retries,
                pause.as_millis()
            )
        });
        std::thread::sleep(pause);
        true
    }

    fn once(
        &self,
        req: &Request<'_>,
        timeout: Option<Duration>,
    ) -> std::result::Result<Response, (Error, Reach)> {
        let reply = self
            .transport
            .send(
                req.method,
                req.path,
                req.query,
                req.body,
                timeout,
                max_body(req),
            )
            .map_err(|f| (f.error, f.reach))?;
        let status = reply.status;
        let path = req.path;
        if !(200..300).contains(&status) {
            return Err(http_failure(path, &reply));
        }
        let bad = |what: &str| {
            (
                Error::new(Code::BadResponse, format!("{path}: {what}")).with_http_status(status),
                Reach::Final,
            )
        };
        if reply.body.iter().all(u8::is_ascii_whitespace) {
            return Err(bad("empty response body"));
        }
        if req.image && is_image(reply.content_type(), &reply.body) {
            return Ok(image_response(reply));
        }
        // Content types vary (the seed's own is `application/json;
        // encoding=utf-8`), so the body decides, not the header.
        let r = match Response::from_json(&reply.body) {
            Ok(r) => r,
            Err(JsonError::Malformed(e))
                if !e.is_eof() && looks_like_html(&reply.body, reply.content_type()) =>
            {
                return Err(bad("an HTML page instead of JSON"))
            }
            Err(e) => return Err(bad(&e.to_string())),
        };
        // Field names only: values may be personal data.
        self.log.emit(Level::Trace, || {
            let names: Vec<&str> = r.fields().map(|(name, _)| name).collect();
            format!(
                "{path}: HTTP {status}, {} bytes, fields {}",
                reply.body.len(),
                names.join(",")
            )
        });
        Ok(r)
    }
}

/// The error for an answer whose status is not 2xx, and whether it may be
/// resent.
#[cold]
#[inline(never)]
fn http_failure(path: &str, reply: &Reply) -> (Error, Reach) {
    let status = reply.status;
    let (code, reach) = match status {
        407 => (Code::Proxy, Reach::Final),
        502..=504 => (Code::Http, Reach::MaybeProcessed),
        _ => (Code::Http, Reach::Final),
    };
    let kind = if looks_like_html(&reply.body, reply.content_type()) {
        " with an HTML page"
    } else {
        ""
    };
    let e = Error::new(code, format!("{path}: HTTP {status}{kind}")).with_http_status(status);
    (e, reach)
}

/// getimage's photo as a response: `content_type` and `image`.
#[inline(never)]
fn image_response(reply: Reply) -> Response {
    let mut r = Response::new();
    r.set_text("content_type", reply.content_type().to_owned());
    r.set("image", crate::Value::Bytes(reply.body));
    r
}

/// Turns a nonzero errcode into its error; an errcode that is not a JSON
/// integer is a bad response. 0 passes, and so does no errcode at all,
/// which only the token endpoints may send (business calls check that it
/// is there first).
pub fn check_errcode(path: &str, r: Response) -> Result<Response> {
    let errcode = r.int_field(path, "errcode")?.unwrap_or(0);
    if errcode == 0 {
        return Ok(r);
    }
    Err(errcode_error(path, errcode, &r))
}

#[cold]
#[inline(never)]
fn errcode_error(path: &str, errcode: i64, r: &Response) -> Error {
    let errmsg = errcode::sanitize_errmsg(&r.text("errmsg").unwrap_or_default());
    let code = errcode::code_for(errcode);
    let meaning = errcode::errcode_meaning(errcode);
    // The field's name, never its value: WeChat refused what the caller gave.
    let message = match errcode::rejected_field(errcode) {
        Some(field) => format!(
            "{path}: WeChat refused the field {field}: errcode {errcode} ({meaning}): {errmsg}"
        ),
        None => format!("{path}: WeChat errcode {errcode} ({meaning}): {errmsg}"),
    };
    Error::new(code, message)
        .with_wechat_errcode(i32::try_from(errcode).unwrap_or(i32::MIN))
        .with_http_status(200)
}

fn max_body(req: &Request<'_>) -> usize {
    if req.image {
        crate::transport::MAX_IMAGE_BODY
    } else {
        crate::transport::MAX_BODY
    }
}

/// WeChat labels the photo `image/jpeg`; the JPEG signature decides when a
/// gateway relabels it.
fn is_image(content_type: &str, body: &[u8]) -> bool {
    content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("image/")
        || body.starts_with(&[0xFF, 0xD8, 0xFF])
}

fn looks_like_html(body: &[u8], content_type: &str) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&body[..0], |i| &body[i..]);
    content_type.contains("html") || start.starts_with(b"<")
}

/// Exponential backoff with jitter so that many clients released by the
/// same WeChat hiccup do not come back in step.
fn backoff(attempt: u32) -> Duration {
    let base_ms = 100u64.saturating_mul(1 << attempt.min(5)).min(2000);
    let mut r = [0u8; 2];
    let jitter = match getrandom::getrandom(&mut r) {
        Ok(()) => u64::from(u16::from_le_bytes(r)) % (base_ms / 2 + 1),
        Err(_) => 0,
    };
    Duration::from_millis(base_ms / 2 + jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 1..10 {
            let d = backoff(attempt).as_millis() as u64;
            let base = (100u64 << attempt.min(5)).min(2000);
            assert!(d >= base / 2 && d <= base, "attempt {attempt}: {d} ms");
        }
    }

    #[test]
    fn errcode_zero_or_absent_passes() {
        let mut r = Response::new();
        assert!(check_errcode("/p", r.clone()).is_ok());
        r.set("errcode", crate::Value::Int(0));
        assert!(check_errcode("/p", r).is_ok());
    }

    #[test]
    fn a_nonzero_errcode_carries_code_and_errcode() {
        let mut r = Response::new();
        r.set("errcode", crate::Value::Int(84002));
        r.set_text("errmsg", "user info expired");
        let e = check_errcode("/getinfo", r).unwrap_err();
        assert_eq!(e.code, Code::VerifyResultExpired);
        assert_eq!(e.wechat_errcode, 84002);
    }

    #[test]
    fn a_refused_field_is_named_in_the_message() {
        let mut r = Response::new();
        r.set("errcode", crate::Value::Int(84015));
        r.set_text("errmsg", "invalid cert_no");
        let e = check_errcode("/getverifyid", r).unwrap_err();
        assert_eq!((e.code, e.wechat_errcode), (Code::FieldRejected, 84015));
        assert!(e.message.contains("field cert_no"), "{}", e.message);
    }
}
