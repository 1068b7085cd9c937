//! Push delivery: after a 1.0 verification whose getuseridkey carried
//! out_seq_no, POST the face_identify event to the business server the way
//! WeChat does, retrying for about five seconds.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::str::FromStr;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value as Json};
use wxface::push::{seal, Format, Mode, PushConfig};
use wxface::{Response, Value};

use crate::ids;
use crate::state::Sandbox;

/// When each attempt starts, from the first: WeChat retries for about 5 s.
const SCHEDULE_MS: [u64; 5] = [0, 500, 1000, 2000, 4000];
/// Per attempt, so that the whole schedule stays near five seconds.
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(900);

/// Where and how to push, from `POST /sandbox/push`.
#[derive(Clone)]
pub struct Target {
    url: String,
    host: String,
    path: String,
    format: Format,
    mode: Mode,
    config: PushConfig,
    to_user_name: String,
}

impl Target {
    pub fn from_json(body: &Json, default_appid: &str) -> Result<Target, String> {
        let field = |name: &str| body.get(name).and_then(Json::as_str);
        let url = field("url").ok_or("url is required")?;
        let rest = url
            .strip_prefix("http://")
            .ok_or("url must start with http://")?;
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() {
            return Err("url has no host".into());
        }
        let format = Format::from_str(field("format").unwrap_or("json")).map_err(|e| e.message)?;
        let mode = Mode::from_str(field("mode").unwrap_or("plain")).map_err(|e| e.message)?;
        let token = field("token").ok_or("token is required")?;
        let aes_key = field("aes_key");
        if mode != Mode::Plain && aes_key.is_none() {
            return Err("aes_key (43 characters) is required for compatible and safe modes".into());
        }
        let appid = field("appid").unwrap_or(default_appid);
        let config = PushConfig::new(token, aes_key, appid, 0).map_err(|e| e.message)?;
        Ok(Target {
            url: url.to_owned(),
            host: host.to_owned(),
            path: path.to_owned(),
            format,
            mode,
            config,
            to_user_name: field("to_user_name").unwrap_or("gh_sandbox0001").to_owned(),
        })
    }

    pub fn to_json(&self) -> Json {
        json!({
            "url": self.url,
            "format": format!("{:?}", self.format).to_ascii_lowercase(),
            "mode": format!("{:?}", self.mode).to_ascii_lowercase(),
            "appid": self.config.appid,
            "to_user_name": self.to_user_name,
        })
    }
}

/// The face_identify event of a finished 1.0 verification.
pub struct Event {
    pub openid: String,
    pub out_seq_no: String,
    pub verify_result: String,
}

/// Delivers `event` on a background thread.
pub fn deliver(sandbox: Arc<Sandbox>, target: Target, event: Event) {
    thread::spawn(move || {
        let start = Instant::now();
        for offset in SCHEDULE_MS {
            let due = start + Duration::from_millis(offset);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                thread::sleep(wait);
            }
            sandbox.lock().counters.push_attempts += 1;
            match attempt(&target, &event) {
                Ok(()) => {
                    sandbox.lock().counters.push_delivered += 1;
                    eprintln!("wxface-sandbox: push delivered to {}", target.host);
                    return;
                }
                Err(why) => eprintln!("wxface-sandbox: push to {} failed: {why}", target.host),
            }
        }
        eprintln!(
            "wxface-sandbox: push to {} given up after {} attempts",
            target.host,
            SCHEDULE_MS.len()
        );
    });
}

/// One sealed POST; Ok on a 2xx answer.
fn attempt(target: &Target, event: &Event) -> Result<(), String> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let mut fields = Response::new();
    fields.set_text("ToUserName", target.to_user_name.as_str());
    fields.set_text("FromUserName", event.openid.as_str());
    fields.set("CreateTime", Value::Int(now));
    fields.set_text("MsgType", "event");
    fields.set_text("Event", "face_identify");
    fields.set_text("openid", event.openid.as_str());
    fields.set_text("out_seq_no", event.out_seq_no.as_str());
    fields.set_text("verify_result", event.verify_result.as_str());
    let nonce = ids::random(16);
    let sealed = seal(
        &target.config,
        target.format,
        target.mode,
        &fields,
        now,
        &nonce,
    )
    .map_err(|e| format!("sealing failed: {}", e.message))?;

    let separator = if target.path.contains('?') { '&' } else { '?' };
    let content_type = match target.format {
        Format::Json => "application/json",
        Format::Xml => "text/xml",
    };
    let mut request = format!(
        "POST {}{separator}{} HTTP/1.1\r\nHost: {}\r\nUser-Agent: wxface-sandbox\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        target.path,
        sealed.query,
        target.host,
        sealed.body.len()
    )
    .into_bytes();
    request.extend_from_slice(&sealed.body);

    let addr = resolve(&target.host)?;
    let mut stream =
        TcpStream::connect_timeout(&addr, ATTEMPT_TIMEOUT).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(ATTEMPT_TIMEOUT))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(ATTEMPT_TIMEOUT))
        .map_err(|e| e.to_string())?;
    stream.write_all(&request).map_err(|e| e.to_string())?;
    let mut status_line = [0u8; 12];
    stream
        .read_exact(&mut status_line)
        .map_err(|e| format!("no status line: {e}"))?;
    let status = std::str::from_utf8(&status_line[9..12])
        .ok()
        .and_then(|s| s.parse::<u16>().ok());
    match status {
        Some(s) if (200..300).contains(&s) => Ok(()),
        Some(s) => Err(format!("HTTP {s}")),
        None => Err("malformed status line".into()),
    }
}

fn resolve(host: &str) -> Result<SocketAddr, String> {
    let with_port = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:80")
    };
    with_port
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .next()
        .ok_or_else(|| "host has no address".to_owned())
}
