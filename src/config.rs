//! Configuration: every key of the C contract, set by name like curl's
//! options, from code or from a `key=value` file.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::audit::AuditSink;
use crate::error::{Code, Error, Result};
use crate::log::{Level, Logger};
use crate::proxy::ProxySetting;
use crate::store::{ReplayCallback, StoreSetting};
use crate::text::TextEncoding;
use crate::token::TokenProvider;

pub const DEFAULT_API_BASE: &str = "https://api.weixin.qq.com";

/// A configuration file is a few hundred bytes; more is not one.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenEndpoint {
    /// `/cgi-bin/stable_token`: does not invalidate tokens held elsewhere.
    Stable,
    /// `/cgi-bin/token`: each fetch may invalidate the others' tokens.
    Legacy,
}

#[derive(Clone)]
pub struct Config {
    pub appid: Option<String>,
    pub secret: Option<Zeroizing<String>>,
    pub access_token: Option<Zeroizing<String>>,
    pub token_endpoint: TokenEndpoint,
    pub token_provider: Option<Arc<dyn TokenProvider>>,
    pub api_base: String,
    pub proxy: ProxySetting,
    pub ca_file: Option<PathBuf>,
    pub connect_timeout: Duration,
    /// How long a host name's addresses are reused before it is looked up again.
    pub dns_cache: Duration,
    pub timeout: Duration,
    pub max_retries: u32,
    pub max_result_age_s: u64,
    pub replay_cache_size: usize,
    /// The first pause of the 2.0 wait between two queries.
    pub wait_interval: Duration,
    /// How the caller's strings are encoded (`input_encoding`, or
    /// `text_encoding` for both directions).
    pub input_encoding: TextEncoding,
    /// How the strings handed back are encoded: messages, response text,
    /// log lines (`text_encoding`).
    pub output_encoding: TextEncoding,
    pub push_token: Option<Zeroizing<String>>,
    pub push_aes_key: Option<Zeroizing<String>>,
    pub push_max_skew_s: u64,
    pub logger: Option<Arc<dyn Logger>>,
    pub log_level: Level,
    /// Where accepted results (and, for Redis, the token) are kept.
    pub state_store: StoreSetting,
    /// `None`: `wxface:{appid}:`.
    pub state_key_prefix: Option<String>,
    /// Connecting to the store and each answer from it.
    pub state_timeout: Duration,
    /// CA bundle for `rediss://`; `None`: `ca_file`, else webpki-roots.
    pub state_ca_file: Option<PathBuf>,
    /// The integrator's replay store, instead of `state_store`.
    pub replay_callback: Option<Arc<dyn ReplayCallback>>,
    /// Audit records appended as JSON lines.
    pub audit_file: Option<PathBuf>,
    /// Audit records for the integrator's own trail.
    pub audit_sink: Option<Arc<dyn AuditSink>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            appid: None,
            secret: None,
            access_token: None,
            token_endpoint: TokenEndpoint::Stable,
            token_provider: None,
            api_base: DEFAULT_API_BASE.to_owned(),
            proxy: ProxySetting::FromEnvironment,
            ca_file: None,
            connect_timeout: Duration::from_millis(5000),
            dns_cache: Duration::from_secs(60),
            timeout: Duration::from_millis(15000),
            max_retries: 2,
            max_result_age_s: 600,
            replay_cache_size: 100_000,
            wait_interval: Duration::from_millis(1000),
            input_encoding: TextEncoding::Utf8,
            output_encoding: TextEncoding::Utf8,
            push_token: None,
            push_aes_key: None,
            push_max_skew_s: 300,
            logger: None,
            log_level: Level::Info,
            state_store: StoreSetting::Memory,
            state_key_prefix: None,
            state_timeout: Duration::from_millis(1000),
            state_ca_file: None,
            replay_callback: None,
            audit_file: None,
            audit_sink: None,
        }
    }
}

/// Every key `set` accepts, for error messages and documentation.
pub const KEYS: &[&str] = &[
    "appid",
    "secret",
    "access_token",
    "token_endpoint",
    "api_base",
    "proxy",
    "ca_file",
    "connect_timeout_ms",
    "dns_cache_s",
    "timeout_ms",
    "max_retries",
    "max_result_age_s",
    "replay_cache_size",
    "wait_interval_ms",
    "input_encoding",
    "text_encoding",
    "push_token",
    "push_aes_key",
    "push_max_skew_s",
    "log_level",
    "state_store",
    "state_key_prefix",
    "state_timeout_ms",
    "state_ca_file",
    "audit_file",
];

impl Config {
    pub fn new() -> Config {
        Config::default()
    }

    /// Sets one key. An unknown key or a bad value is `Code::Config`, naming
    /// the key but never echoing a secret value.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let value = value.trim();
        match key {
            "appid" => self.appid = Some(non_empty(key, value)?.to_owned()),
            "secret" => self.secret = Some(Zeroizing::new(non_empty(key, value)?.to_owned())),
            "access_token" => {
                let v = non_empty(key, value)?;
                if v.len() > 2048 || !v.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(bad(
                        key,
                        "must be printable ASCII of at most 2048 characters",
                    ));
                }
                self.access_token = Some(Zeroizing::new(v.to_owned()));
            }
            "token_endpoint" => {
                self.token_endpoint = match value {
                    "stable" => TokenEndpoint::Stable,
                    "legacy" => TokenEndpoint::Legacy,
                    _ => return Err(bad(key, "must be `stable` or `legacy`")),
                }
            }
            "api_base" => self.api_base = parse_api_base(value)?,
            "proxy" => self.proxy = ProxySetting::parse(value).map_err(|why| bad(key, &why))?,
            "ca_file" => {
                self.ca_file = if value.is_empty() {
                    None
                } else {
                    Some(PathBuf::from(value))
                }
            }
            "connect_timeout_ms" => {
                self.connect_timeout = Duration::from_millis(number(key, value, 1, 600_000)?)
            }
            "dns_cache_s" => self.dns_cache = Duration::from_secs(number(key, value, 0, 86_400)?),
            "timeout_ms" => self.timeout = Duration::from_millis(number(key, value, 1, 3_600_000)?),
            "max_retries" => self.max_retries = number(key, value, 0, 10)? as u32,
            "max_result_age_s" => self.max_result_age_s = number(key, value, 0, 86_400 * 365)?,
            "replay_cache_size" => {
                self.replay_cache_size = number(key, value, 0, 10_000_000)? as usize
            }
            "wait_interval_ms" => {
                self.wait_interval = Duration::from_millis(number(key, value, 10, 60_000)?)
            }
            "input_encoding" => self.input_encoding = encoding(key, value)?,
            "text_encoding" => {
                let e = encoding(key, value)?;
                self.input_encoding = e;
                self.output_encoding = e;
            }
            "push_token" => {
                let v = non_empty(key, value)?;
                if !v.bytes().all(|b| b.is_ascii_alphanumeric()) || v.len() > 32 {
                    return Err(bad(key, "must be 1 to 32 ASCII letters or digits"));
                }
                self.push_token = Some(Zeroizing::new(v.to_owned()));
            }
            "push_aes_key" => {
                let v = non_empty(key, value)?;
                if v.len() != 43 || !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(bad(key, "must be 43 ASCII letters or digits"));
                }
                self.push_aes_key = Some(Zeroizing::new(v.to_owned()));
            }
            "push_max_skew_s" => self.push_max_skew_s = number(key, value, 0, 86_400 * 365)?,
            "state_store" => {
                self.state_store = StoreSetting::parse(value).map_err(|why| bad(key, &why))?
            }
            "state_key_prefix" => {
                let v = non_empty(key, value)?;
                if v.len() > 128 || !v.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(bad(
                        key,
                        "must be 1 to 128 printable ASCII characters without spaces",
                    ));
                }
                self.state_key_prefix = Some(v.to_owned());
            }
            "state_timeout_ms" => {
                self.state_timeout = Duration::from_millis(number(key, value, 1, 60_000)?)
            }
            "state_ca_file" => {
                self.state_ca_file = if value.is_empty() {
                    None
                } else {
                    Some(PathBuf::from(value))
                }
            }
            "audit_file" => {
                self.audit_file = if value.is_empty() {
                    None
                } else {
                    Some(PathBuf::from(value))
                }
            }
            "log_level" => {
                self.log_level = Level::parse(value)
                    .ok_or_else(|| bad(key, "must be error, warn, info, debug or trace"))?
            }
            _ => {
                return Err(Error::new(
                    Code::Config,
                    format!("unknown configuration key {}", crate::mask::field_name(key)),
                ))
            }
        }
        Ok(())
    }

    /// `key=value` lines; blank lines and lines starting with `#` are
    /// skipped. Applies nothing unless every line is valid, so a typo never
    /// leaves a half-configured client.
    pub fn load_str(&mut self, text: &str) -> Result<()> {
        let mut staged = self.clone();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(Error::new(
                    Code::Config,
                    format!("line {}: expected key=value", i + 1),
                ));
            };
            staged
                .set(key.trim(), value)
                .map_err(|e| Error::new(Code::Config, format!("line {}: {}", i + 1, e.message)))?;
        }
        *self = staged;
        Ok(())
    }

    /// A regular file of at most [`MAX_FILE_BYTES`], read with
    /// [`Config::load_str`]. A FIFO, a device or a directory is refused
    /// before any read (a FIFO would block, `/dev/zero` never ends), and
    /// the read stops at the cap whatever size the file system reports.
    pub fn load_file(&mut self, path: &std::path::Path) -> Result<()> {
        let cannot = |e: std::io::Error| {
            Error::new(
                Code::Config,
                format!("cannot read config file {}: {e}", path.display()),
            )
        };
        let not_regular = || {
            Error::new(
                Code::Config,
                format!("config file {} is not a regular file", path.display()),
            )
        };
        if !std::fs::metadata(path).map_err(cannot)?.is_file() {
            return Err(not_regular());
        }
        let file = open_without_blocking(path).map_err(cannot)?;
        // The path may name something else by now: check what was opened.
        if !file.metadata().map_err(cannot)?.is_file() {
            return Err(not_regular());
        }
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(Error::new(Code::Config, "config file is larger than 1 MiB"));
        }
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| Error::new(Code::Config, "config file is not UTF-8"))?;
        self.load_str(text.strip_prefix('\u{feff}').unwrap_or(text))
    }
}

impl std::fmt::Debug for Config {
    // Written by hand so that a `{:?}` can never print a secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("appid", &self.appid)
            .field("secret", &self.secret.as_ref().map(|_| "<hidden>"))
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "<hidden>"),
            )
            .field("token_endpoint", &self.token_endpoint)
            .field("api_base", &self.api_base)
            .field("timeout", &self.timeout)
            .field("state_store", &self.state_store)
            .finish_non_exhaustive()
    }
}

/// Opens for reading; on Unix with O_NONBLOCK, so that a FIFO swapped in
/// after the type check cannot block the open itself.
fn open_without_blocking(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

fn bad(key: &str, why: &str) -> Error {
    Error::new(Code::Config, format!("{key}: {why}"))
}

fn non_empty<'a>(key: &str, value: &'a str) -> Result<&'a str> {
    if value.is_empty() {
        Err(bad(key, "must not be empty"))
    } else {
        Ok(value)
    }
}

fn number(key: &str, value: &str, min: u64, max: u64) -> Result<u64> {
    match value.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(bad(
            key,
            &format!("must be a whole number from {min} to {max}"),
        )),
    }
}

fn encoding(key: &str, value: &str) -> Result<TextEncoding> {
    TextEncoding::parse(value).ok_or_else(|| bad(key, "must be `utf-8`, `gbk` or `gb18030`"))
}

fn parse_api_base(value: &str) -> Result<String> {
    let v = value.trim_end_matches('/');
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .ok_or_else(|| bad("api_base", "must start with https:// or http://"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err(bad("api_base", "must be scheme://host[:port] with no path"));
    }
    // It is logged; credentials belong in `proxy`, never here.
    if rest.contains('@') {
        return Err(bad("api_base", "must not hold credentials (user@host)"));
    }
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named_in_the_error() {
        let e = Config::new().set("apikey", "x").unwrap_err();
        assert_eq!(e.code, Code::Config);
        assert!(e.message.contains("apikey"));
    }

    #[test]
    fn a_malformed_key_holding_a_secret_is_not_echoed() {
        let e = Config::new().load_str("secret : s3cr3t=x\n").unwrap_err();
        assert!(!e.message.contains("s3cr3t"), "{}", e.message);
    }

    #[test]
    fn unparsable_numbers_name_the_key_and_the_range() {
        let e = Config::new().set("timeout_ms", "fast").unwrap_err();
        assert!(e.message.starts_with("timeout_ms"));
        assert!(Config::new().set("max_retries", "11").is_err());
        assert!(Config::new().set("timeout_ms", "0").is_err());
    }

    #[test]
    fn secret_values_never_appear_in_errors() {
        let e = Config::new()
            .set("push_aes_key", "tooshort-secret")
            .unwrap_err();
        assert!(!e.message.contains("tooshort-secret"));
    }

    #[test]
    fn text_encoding_sets_both_directions_and_input_encoding_only_the_input() {
        let mut c = Config::new();
        c.set("text_encoding", "GBK").unwrap();
        assert_eq!(
            (c.input_encoding, c.output_encoding),
            (TextEncoding::Gbk, TextEncoding::Gbk)
        );
        c.set("input_encoding", "utf-8").unwrap();
        assert_eq!(
            (c.input_encoding, c.output_encoding),
            (TextEncoding::Utf8, TextEncoding::Gbk)
        );
        let e = c.set("text_encoding", "big5").unwrap_err();
        assert!(e.message.starts_with("text_encoding"), "{}", e.message);
        assert_eq!(c.output_encoding, TextEncoding::Gbk);
    }

    #[test]
    fn a_file_with_one_bad_line_changes_nothing() {
        let mut c = Config::new();
        let e = c
            .load_str("appid=wx1\n# comment\n\ntimeout_ms=abc\n")
            .unwrap_err();
        assert!(e.message.starts_with("line 4"));
        assert_eq!(c.appid, None);
        c.load_str("appid = wx1\nsecret= s \n").unwrap();
        assert_eq!(c.appid.as_deref(), Some("wx1"));
        assert_eq!(c.secret.as_deref().map(String::as_str), Some("s"));
    }

    /// Runs `load_file` on another thread and gives up after a few
    /// seconds, so a load that blocks or reads forever fails the test
    /// instead of hanging the suite.
    fn load_file_within_seconds(path: &std::path::Path) -> Option<Result<()>> {
        let (tx, rx) = std::sync::mpsc::channel();
        let path = path.to_owned();
        std::thread::spawn(move || {
            let _ = tx.send(Config::new().load_file(&path));
        });
        rx.recv_timeout(std::time::Duration::from_secs(5)).ok()
    }

    #[cfg(unix)]
    #[test]
    fn a_config_file_that_is_a_device_is_refused_at_once() {
        let e = load_file_within_seconds(std::path::Path::new("/dev/zero"))
            .expect("load_file returns at once")
            .unwrap_err();
        assert_eq!(e.code, Code::Config);
        assert!(e.message.contains("not a regular file"), "{}", e.message);
    }

    #[cfg(unix)]
    #[test]
    fn a_config_file_that_is_a_fifo_is_refused_without_blocking() {
        let dir = std::env::temp_dir().join(format!("wxface-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("wxface.conf");
        let _ = std::fs::remove_file(&fifo);
        let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let outcome = load_file_within_seconds(&fifo);
        let _ = std::fs::remove_file(&fifo);
        let e = outcome.expect("load_file returns at once").unwrap_err();
        assert!(e.message.contains("not a regular file"), "{}", e.message);
    }

    #[test]
    fn a_config_file_over_one_mebibyte_is_refused() {
        let path = std::env::temp_dir().join(format!("wxface-big-{}.conf", std::process::id()));
        let mut text = "# padding\n".repeat(MAX_FILE_BYTES as usize / 10);
        text.push_str("appid=wx1\n");
        std::fs::write(&path, &text).unwrap();
        let e = Config::new().load_file(&path).unwrap_err();
        std::fs::remove_file(&path).unwrap();
        assert!(e.message.contains("larger than 1 MiB"), "{}", e.message);
    }

    #[test]
    fn a_state_store_password_is_never_echoed() {
        let mut c = Config::new();
        let e = c.set("state_store", "redis://u:hunter2@host").unwrap_err();
        assert!(e.message.starts_with("state_store"), "{}", e.message);
        assert!(!e.message.contains("hunter2"));
        c.set("state_store", "redis://u:hunter2@host:6379/1")
            .unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn api_base_takes_scheme_host_and_port_only() {
        let mut c = Config::new();
        c.set("api_base", "http://127.0.0.1:8080/").unwrap();
        assert_eq!(c.api_base, "http://127.0.0.1:8080");
        assert!(c.set("api_base", "ftp://x").is_err());
        assert!(c.set("api_base", "https://x/cgi-bin").is_err());
        assert!(c.set("api_base", "https://user:pw@gateway").is_err());
    }
}
