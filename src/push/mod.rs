//! Message push: what WeChat POSTs to the business server (the 1.0
//! `face_identify` result with `out_seq_no`), and the URL handshake.
//!
//! [`open`] trusts a push only as far as WeChat's signatures allow. In plain
//! mode `signature` covers the token, timestamp and nonce but not the body,
//! so anyone who saw one signed query could attach any body to it within the
//! timestamp window. That is why, once an EncodingAESKey is configured, only
//! encrypted pushes are accepted, and an encrypted body is accepted only on
//! `msg_signature`, which covers the ciphertext. The verdict itself still
//! comes from the verify call: a push is a hint.
//!
//! Order of checks in [`open`]: size; query; body shape; signature; timestamp
//! window; decryption and appid; the message. The window comes after the
//! signature so that [`Code::PushStale`] always means "genuine but old"
//! (a clock problem or a replay), never a forgery.

pub mod crypto;
pub mod event;
pub mod query;
pub mod signature;

use std::fmt;
use std::str::FromStr;

use zeroize::Zeroizing;

use crate::{mask, Code, Error, Response, Result, Value};
use query::Query;

pub use event::{is_face_identify, FACE_IDENTIFY};

/// Bodies (and queries) above this are refused before any parsing.
pub const MAX_BODY: usize = 64 * 1024;

/// Push settings of one mini program.
#[derive(Clone)]
pub struct PushConfig {
    /// The message-push Token from the WeChat console.
    pub token: String,
    /// The 43-character EncodingAESKey; `None` accepts plain-mode pushes only.
    pub aes_key: Option<Zeroizing<String>>,
    /// The mini program's appid, which encrypted pushes must carry.
    pub appid: String,
    /// Largest allowed distance between a push's timestamp and now; 0 = no check.
    pub max_skew_s: u64,
}

impl PushConfig {
    /// Checks what can be checked before the first push: a token, and a key
    /// that decodes to 32 bytes together with the appid it is bound to.
    pub fn new(
        token: &str,
        aes_key: Option<&str>,
        appid: &str,
        max_skew_s: u64,
    ) -> Result<PushConfig> {
        if token.is_empty() {
            return Err(Error::new(
                Code::Config,
                "push_token is empty; copy the Token from the WeChat console",
            ));
        }
        if let Some(key) = aes_key {
            crypto::decode_key(key)?;
            if appid.is_empty() {
                return Err(Error::new(
                    Code::Config,
                    "push_aes_key is set but appid is empty; encrypted pushes name the appid",
                ));
            }
        }
        Ok(PushConfig {
            token: token.to_owned(),
            aes_key: aes_key.map(|k| Zeroizing::new(k.to_owned())),
            appid: appid.to_owned(),
            max_skew_s,
        })
    }

    fn key(&self) -> Result<Zeroizing<[u8; 32]>> {
        match &self.aes_key {
            Some(k) => crypto::decode_key(k),
            None => Err(Error::new(
                Code::Config,
                "push_aes_key is not set, so an encrypted push cannot be opened",
            )),
        }
    }
}

impl fmt::Debug for PushConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushConfig")
            .field("token", &mask::secret(&self.token))
            .field("aes_key", &self.aes_key.as_ref().map(|k| mask::secret(k)))
            .field("appid", &self.appid)
            .field("max_skew_s", &self.max_skew_s)
            .finish()
    }
}

/// The message format chosen in the mini program's console.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format> {
        match s.to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "xml" => Ok(Format::Xml),
            _ => Err(Error::invalid_argument(
                "push format",
                "must be json or xml",
            )),
        }
    }
}

/// The encryption mode chosen in the mini program's console.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// No encryption; `signature` only.
    Plain,
    /// Plaintext fields and `Encrypt` side by side.
    Compatible,
    /// `ToUserName` and `Encrypt` only.
    Safe,
}

impl FromStr for Mode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Mode> {
        match s.to_ascii_lowercase().as_str() {
            "plain" => Ok(Mode::Plain),
            "compatible" => Ok(Mode::Compatible),
            "safe" => Ok(Mode::Safe),
            _ => Err(Error::invalid_argument(
                "push mode",
                "must be plain, compatible or safe",
            )),
        }
    }
}

/// A push as WeChat would send it: the query string and the POST body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    pub query: String,
    pub body: Vec<u8>,
}

impl Sealed {
    /// The fields `query` and `body`, both text: a body sealed from a
    /// message that is not UTF-8 (possible in plain mode) is refused.
    pub fn into_response(self) -> Result<Response> {
        let body = String::from_utf8(self.body)
            .map_err(|_| Error::invalid_argument("message", "is not UTF-8"))?;
        let mut r = Response::new();
        r.set_text("query", self.query);
        r.set_text("body", body);
        Ok(r)
    }
}

/// The GET handshake: verifies `signature` over (token, timestamp, nonce)
/// and the timestamp window, and returns the `echostr` to answer with.
pub fn check_url(cfg: &PushConfig, query: &str, now_unix: i64) -> Result<String> {
    check_query_size(query)?;
    let q = Query::parse(query)?;
    let timestamp = Query::require(&q.timestamp, "timestamp")?;
    let nonce = Query::require(&q.nonce, "nonce")?;
    let echostr = Query::require(&q.echostr, "echostr")?;
    let sig = Query::require(&q.signature, "signature")?;
    if !signature::matches(sig, &[&cfg.token, timestamp, nonce]) {
        return Err(Error::new(
            Code::PushSignature,
            "the URL check's signature does not match push_token",
        ));
    }
    check_window(cfg, &q, now_unix)?;
    Ok(echostr.to_owned())
}

/// Verifies, decrypts and parses one push. Returns every field of the
/// message under WeChat's names (for `face_identify`: `ToUserName`,
/// `FromUserName`, `CreateTime`, `MsgType`, `Event`, `openid`, `out_seq_no`,
/// `verify_result`). In compatible mode the fields come from the encrypted
/// part only; the plaintext beside it is not signed.
pub fn open(cfg: &PushConfig, query: &str, body: &[u8], now_unix: i64) -> Result<Response> {
    if body.len() > MAX_BODY {
        return Err(Error::new(
            Code::PushTooLarge,
            format!(
                "the push body has {} bytes, more than {MAX_BODY}",
                body.len()
            ),
        ));
    }
    check_query_size(query)?;
    let q = Query::parse(query)?;
    let timestamp = Query::require(&q.timestamp, "timestamp")?;
    let nonce = Query::require(&q.nonce, "nonce")?;
    let mut outer = event::parse(body)?;
    // Taken out, not copied: in safe and compatible mode the envelope is
    // dropped once the message is decrypted.
    let encrypted = match outer.remove("Encrypt") {
        Some(Value::Text(s)) => Some(Zeroizing::new(s)),
        Some(other @ (Value::Int(_) | Value::Json(_) | Value::Bytes(_))) => {
            // Back into the envelope, whose drop wipes it.
            outer.set("Encrypt", other);
            return Err(Error::new(
                Code::PushFormat,
                "the push's Encrypt is not text",
            ));
        }
        None => None,
    };

    let Some(encrypted) = encrypted else {
        if q.encrypt_type.as_deref() == Some("aes") {
            return Err(Error::new(
                Code::PushFormat,
                "the query says encrypt_type=aes but the body carries no Encrypt",
            ));
        }
        if cfg.aes_key.is_some() {
            return Err(Error::new(
                Code::PushSignature,
                "a plain-mode push was refused: push_aes_key is set, so only encrypted pushes are accepted \
                 (signature alone does not cover the body); switch message push to safe mode, or unset push_aes_key",
            ));
        }
        let sig = Query::require(&q.signature, "signature")?;
        if !signature::matches(sig, &[&cfg.token, timestamp, nonce]) {
            return Err(Error::new(
                Code::PushSignature,
                "the push's signature does not match push_token",
            ));
        }
        check_window(cfg, &q, now_unix)?;
        return Ok(outer);
    };

    let msg_sig = q.msg_signature.as_deref().ok_or_else(|| {
        Error::new(
            Code::PushSignature,
            "the push is encrypted but has no msg_signature; signature alone is not accepted",
        )
    })?;
    if !signature::matches(msg_sig, &[&cfg.token, timestamp, nonce, &encrypted]) {
        return Err(Error::new(
            Code::PushSignature,
            "the push's msg_signature does not match push_token and its Encrypt",
        ));
    }
    check_window(cfg, &q, now_unix)?;
    let key = cfg.key()?;
    let message = crypto::decrypt(&key, &cfg.appid, &encrypted)?;
    event::parse(&message)
}

/// Builds a push from `fields` as WeChat would send it (the sandbox emulates
/// WeChat with it; servers use it in their tests). JSON keeps integers as
/// numbers; XML writes text as CDATA and integers bare.
pub fn seal(
    cfg: &PushConfig,
    format: Format,
    mode: Mode,
    fields: &Response,
    timestamp: i64,
    nonce: &str,
) -> Result<Sealed> {
    if fields.get("Encrypt").is_some() {
        return Err(Error::invalid_argument(
            "push fields",
            "must not contain Encrypt; seal adds it",
        ));
    }
    let message = Zeroizing::new(serialize(format, fields)?);
    let to_user_name = fields.text("ToUserName").unwrap_or_default();
    wrap(
        cfg,
        format,
        mode,
        &message,
        fields,
        &to_user_name,
        timestamp,
        nonce,
    )
}

/// [`seal`] for a caller-built message, encrypted byte for byte as given.
/// In compatible mode the message must parse (its fields are repeated in
/// plaintext beside `Encrypt`).
pub fn seal_message(
    cfg: &PushConfig,
    format: Format,
    mode: Mode,
    message: &[u8],
    to_user_name: &str,
    timestamp: i64,
    nonce: &str,
) -> Result<Sealed> {
    let fields = match mode {
        Mode::Compatible => event::parse(message)
            .map_err(|e| Error::invalid_argument("push message", &e.message))?,
        Mode::Plain | Mode::Safe => Response::new(),
    };
    wrap(
        cfg,
        format,
        mode,
        message,
        &fields,
        to_user_name,
        timestamp,
        nonce,
    )
}

#[allow(clippy::too_many_arguments)]
fn wrap(
    cfg: &PushConfig,
    format: Format,
    mode: Mode,
    message: &[u8],
    fields: &Response,
    to_user_name: &str,
    timestamp: i64,
    nonce: &str,
) -> Result<Sealed> {
    if nonce.is_empty() {
        return Err(Error::invalid_argument("nonce", "is empty"));
    }
    let ts = timestamp.to_string();
    let mut query = format!(
        "signature={}&timestamp={}&nonce={}",
        signature::sign(&[&cfg.token, &ts, nonce]),
        ts,
        query::encode(nonce)
    );
    let body = match mode {
        Mode::Plain => message.to_vec(),
        Mode::Safe | Mode::Compatible => {
            let mut random = [0u8; 16];
            getrandom::getrandom(&mut random).map_err(|_| {
                Error::new(Code::Internal, "the operating system gave no random bytes")
            })?;
            let key = cfg.key()?;
            let encrypted = crypto::encrypt(&key, &cfg.appid, message, &random)?;
            let msg_signature = signature::sign(&[&cfg.token, &ts, nonce, &encrypted]);
            query.push_str(&format!("&encrypt_type=aes&msg_signature={msg_signature}"));
            let mut envelope = match mode {
                Mode::Compatible => fields.clone(),
                _ => {
                    let mut r = Response::new();
                    r.set_text("ToUserName", to_user_name);
                    r
                }
            };
            envelope.set_text("Encrypt", encrypted);
            serialize(format, &envelope)?
        }
    };
    Ok(Sealed { query, body })
}

fn serialize(format: Format, fields: &Response) -> Result<Vec<u8>> {
    match format {
        Format::Json => Ok(event::to_json(fields)),
        Format::Xml => event::to_xml(fields),
    }
}

fn check_query_size(query: &str) -> Result<()> {
    if query.len() > MAX_BODY {
        return Err(Error::new(
            Code::PushTooLarge,
            format!(
                "the push query has {} bytes, more than {MAX_BODY}",
                query.len()
            ),
        ));
    }
    Ok(())
}

fn check_window(cfg: &PushConfig, q: &Query, now_unix: i64) -> Result<()> {
    let ts = q.timestamp_secs()?;
    if cfg.max_skew_s == 0 {
        return Ok(());
    }
    let skew = now_unix.abs_diff(ts);
    if skew > cfg.max_skew_s {
        let when = if ts < now_unix {
            "old"
        } else {
            "in the future"
        };
        return Err(Error::new(
            Code::PushStale,
            format!(
                "the push timestamp is {skew} s {when}, beyond push_max_skew_s = {}",
                cfg.max_skew_s
            ),
        ));
    }
    Ok(())
}
