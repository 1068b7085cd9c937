//! Message push through the client: its push_token, push_aes_key, appid and
//! push_max_skew_s, and the clock.

use crate::client::{unix_now, Client};
use crate::error::Result;
use crate::log::Level;
use crate::mask;
use crate::push::{self, Format, Mode, Sealed};
use crate::response::Response;

impl Client {
    /// The GET handshake: Ok with the `echostr` to answer if the signature
    /// and timestamp are right.
    pub fn push_check_url(&self, query: &str) -> Result<String> {
        push::check_url(self.push_config()?, query, unix_now())
    }

    /// Verifies, decrypts and parses a push. A push is a hint: the verdict
    /// comes from [`Client::v1_verify`] on its verify_result.
    pub fn push_open(&self, query: &str, body: &[u8]) -> Result<Response> {
        let result = push::open(self.push_config()?, query, body, unix_now());
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
