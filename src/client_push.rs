//! Message push through the client: its push_token, push_aes_key, appid and
//! push_max_skew_s, and the clock.

use crate::client::{unix_now, Client, Trail};
use crate::error::Result;
use crate::log::Level;
use crate::mask;
use crate::push::{self, Format, Mode, Sealed};
use crate::response::Response;
use crate::stats::Call;

impl Client {
    /// The GET handshake: Ok with the `echostr` to answer if the signature
    /// and timestamp are right.
    pub fn push_check_url(&self, query: &str) -> Result<String> {
        self.observe(Call::PushCheckUrl, |_| {
            push::check_url(self.push_config()?, query, unix_now())
        })
    }

    /// Verifies, decrypts and parses a push. A push is a hint: the verdict
    /// comes from [`Client::v1_verify`] on its verify_result.
    pub fn push_open(&self, query: &str, body: &[u8]) -> Result<Response> {
        self.observe(Call::PushOpen, |trail| self.open_push(query, body, trail))
    }

    fn open_push(&self, query: &str, body: &[u8], trail: &mut Trail) -> Result<Response> {
        let result = push::open(self.push_config()?, query, body, unix_now());
        if let Ok(e) = &result {
            if trail.on {
                trail.event = e.text("Event").map(|v| bounded(&v));
                if let Some(seq) = e.text("out_seq_no") {
                    trail.out_seq_no(&seq);
                }
                if let Some(vr) = e.text("verify_result") {
                    trail.verify_result(&vr);
                }
                for name in ["openid", "FromUserName"] {
                    if let Some(openid) = e.text(name) {
                        trail.openid(&openid);
                        break;
                    }
                }
            }
        }
        match &result {
            Ok(e) => self.log().emit(Level::Info, || {
                format!(
                    "push opened: Event {} out_seq_no {}",
                    bounded(&e.text("Event").unwrap_or_default()),
                    mask::opaque(&e.text("out_seq_no").unwrap_or_default())
                )
            }),
            Err(e) => self
                .log()
                .emit(Level::Warn, || format!("push refused: {e}")),
        }
        result
    }

    /// Builds a push as WeChat would send it to this client's configuration
    /// (for a server's own tests, or a reply).
    pub fn push_seal(
        &self,
        format: Format,
        mode: Mode,
        message: &[u8],
        timestamp: i64,
        nonce: &str,
    ) -> Result<Sealed> {
        let to_user_name = match push::event::parse(message) {
            Ok(fields) => fields.text("ToUserName").unwrap_or_default(),
            Err(_) => String::new(),
        };
        push::seal_message(
            self.push_config()?,
            format,
            mode,
            message,
            &to_user_name,
            timestamp,
            nonce,
        )
    }
}

/// A value from outside that is not personal data (a push's Event), cut to
/// a length a log line can hold; the logger escapes its controls.
fn bounded(s: &str) -> String {
    const MAX_CHARS: usize = 64;
    let mut out: String = s.chars().take(MAX_CHARS).collect();
    if s.chars().nth(MAX_CHARS).is_some() {
        out.push('…');
    }
    out
}
