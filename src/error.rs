//! Errors are values: a stable [`Code`] plus the details a caller can act on.
//!
//! Numbers are grouped by kind (input, transport, WeChat, verdict, push) and are
//! never renumbered once released; a retired code stays reserved. The C layer
//! re-exports them as `WXFACE_*` constants, and a test keeps the two in step.

use std::fmt;

/// Writes [`Code`], [`Code::ALL`], [`Code::from_i32`], [`Code::name`] and
/// [`Code::describe`] from one table, so that a code is added in one place.
/// (The C constants in `src/ffi/error.rs` are literal for cbindgen; a test
/// there compares them with this table.)
macro_rules! code_table {
    ($($variant:ident = $value:literal, $name:literal, $description:literal;)*) => {
        /// Stable result codes. Values are part of the ABI (see `ABI.md`).
        #[repr(i32)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $($variant = $value,)*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: [Code; [$($value),*].len()] = [$(Code::$variant),*];

            pub fn from_i32(v: i32) -> Option<Code> {
                match v {
                    $($value => Some(Code::$variant),)*
                    _ => None,
                }
            }

            /// The C constant's name, e.g. `"WXFACE_ERR_NAME_MISMATCH"`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// One English sentence: what happened and what the integrator
            /// should do.
            pub fn describe(self) -> &'static str {
                match self {
                    $(Code::$variant => $description,)*
                }
            }
        }
    };
}

// Value, C name, description; grouped by kind, never renumbered.
code_table! {
    Ok = 0, "WXFACE_OK",
        "success";

    // 1-9: the caller's input.
    InvalidArgument = 1, "WXFACE_ERR_INVALID_ARGUMENT",
        "an argument is missing, empty or out of range; fix the call";
    InvalidEncoding = 2, "WXFACE_ERR_INVALID_ENCODING",
        "a string is not valid in the configured input encoding; fix the caller's bytes or set input_encoding";
    InvalidIdCard = 3, "WXFACE_ERR_INVALID_ID_CARD",
        "not a valid 18-character resident ID number (length, checksum or birth date); ask the user to re-enter it";
    Config = 4, "WXFACE_ERR_CONFIG",
        "a configuration key is unknown or its value is invalid; fix the configuration";
    NotFound = 5, "WXFACE_ERR_NOT_FOUND",
        "the response has no such field";
    FieldRejected = 6, "WXFACE_ERR_FIELD_REJECTED",
        "WeChat refused a request field (missing or malformed out_seq_no, cert_info, cert_type, cert_name, cert_no, openid or verify_id); the message names the field: fix the value sent";

    // 10-19: getting bytes to and from WeChat (and the shared state store).
    Network = 10, "WXFACE_ERR_NETWORK",
        "could not reach WeChat (DNS, connect, reset); retry later, check firewall and proxy";
    Timeout = 11, "WXFACE_ERR_TIMEOUT",
        "WeChat did not answer within the configured time; retry later";
    Tls = 12, "WXFACE_ERR_TLS",
        "the TLS handshake failed or the certificate is not trusted; check ca_file and any intercepting gateway";
    Http = 13, "WXFACE_ERR_HTTP",
        "WeChat or a gateway answered with an HTTP error status; retry later";
    BadResponse = 14, "WXFACE_ERR_BAD_RESPONSE",
        "the answer is not the JSON WeChat sends (truncated, too large, wrong shape); retry later";
    Proxy = 15, "WXFACE_ERR_PROXY",
        "the proxy refused the connection or the credentials; check the proxy setting";
    StateStore = 16, "WXFACE_ERR_STATE_STORE",
        "the shared state store (state_store: Redis or the replay callback) did not answer within state_timeout_ms or refused the request; no verdict is OK until it answers again";

    // 20-29: WeChat answered with an errcode.
    Wechat = 20, "WXFACE_ERR_WECHAT",
        "WeChat answered with an error code; see wechat_errcode";
    AccessToken = 21, "WXFACE_ERR_ACCESS_TOKEN",
        "no valid access token: check appid, secret, the IP whitelist or the token callback";
    RateLimited = 22, "WXFACE_ERR_RATE_LIMITED",
        "WeChat's call quota or rate limit was hit (45009, 45011); slow down";
    SystemBusy = 23, "WXFACE_ERR_SYSTEM_BUSY",
        "WeChat is busy (-1) even after retries; retry later";
    VerifyResultInvalid = 24, "WXFACE_ERR_VERIFY_RESULT_INVALID",
        "WeChat does not know this verify_result (84001); the front end sent a wrong or forged value";
    VerifyResultExpired = 25, "WXFACE_ERR_VERIFY_RESULT_EXPIRED",
        "the verify_result has expired (84002); let the user verify again";
    UserInfoNotFound = 26, "WXFACE_ERR_USER_INFO_NOT_FOUND",
        "WeChat has no user info for this verification (84003); let the user verify again";
    VerifyIdExpired = 27, "WXFACE_ERR_VERIFY_ID_EXPIRED",
        "the verify_id has expired (84022, it lives one hour); the user must start again with a new getverifyid";
    OutSeqNoUsed = 28, "WXFACE_ERR_OUT_SEQ_NO_USED",
        "this out_seq_no was already used for another getverifyid (84019); start again with a new order number";

    // 30-39: WeChat answered, but the verdict is "no".
    NotPassed = 30, "WXFACE_ERR_NOT_PASSED",
        "the face verification did not pass; see verify_ret";
    IdMismatch = 31, "WXFACE_ERR_ID_MISMATCH",
        "the verified ID number is not the expected one; treat as a forged or mixed-up result";
    NameMismatch = 32, "WXFACE_ERR_NAME_MISMATCH",
        "the verified name is not the expected one; treat as a forged or mixed-up result";
    UserIdKeyMismatch = 33, "WXFACE_ERR_USER_ID_KEY_MISMATCH",
        "the verification belongs to another user_id_key; treat as a mixed-up result";
    OpenidMismatch = 34, "WXFACE_ERR_OPENID_MISMATCH",
        "the verification was done by another WeChat user (openid), or WeChat says the openid is not getverifyid's (84017); treat as a forged result";
    StaleResult = 35, "WXFACE_ERR_STALE_RESULT",
        "the verification finished longer ago than max_result_age_s; let the user verify again";
    Replayed = 36, "WXFACE_ERR_REPLAYED",
        "this verify_result was already accepted once by this client; a replay";
    CertHashMismatch = 37, "WXFACE_ERR_CERT_HASH_MISMATCH",
        "the cert_hash is not that of getverifyid's name and ID number (84018); treat as a forged or mixed-up result";
    OutSeqNoMismatch = 38, "WXFACE_ERR_OUT_SEQ_NO_MISMATCH",
        "the out_seq_no is not the one getverifyid was called with (84020); treat as a forged or mixed-up result";
    Pending = 39, "WXFACE_ERR_PENDING",
        "the user has not finished yet (verify_ret 10005 or 10300): not a pass, not a failure; ask again later while the verify_id lives (wxface_v2_wait)";

    // 40-49: message push.
    PushSignature = 40, "WXFACE_ERR_PUSH_SIGNATURE",
        "the push signature is missing or wrong; ignore the push";
    PushDecrypt = 41, "WXFACE_ERR_PUSH_DECRYPT",
        "the push could not be decrypted (key, padding or length); ignore the push, check push_aes_key";
    PushAppid = 42, "WXFACE_ERR_PUSH_APPID",
        "the push was encrypted for another appid; ignore the push";
    PushFormat = 43, "WXFACE_ERR_PUSH_FORMAT",
        "the push is neither the JSON nor the XML WeChat sends; ignore the push";
    PushStale = 44, "WXFACE_ERR_PUSH_STALE",
        "the push timestamp is outside push_max_skew_s; ignore it, check the server clock";
    PushTooLarge = 45, "WXFACE_ERR_PUSH_TOO_LARGE",
        "the push body is larger than 64 KiB; ignore the push";

    // 99: a bug in wxface (a caught panic, a poisoned lock).
    Internal = 99, "WXFACE_ERR_INTERNAL",
        "an internal error in wxface; please report it";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A failure with everything the caller may need to act on it.
///
/// `message` is English and PII-free: build it from masked values only
/// (see [`crate::mask`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: Code,
    /// WeChat's errcode when WeChat sent one, else 0.
    pub wechat_errcode: i32,
    /// identify_ret (1.0) or verify_ret (2.0) when the result was judged, else 0.
    pub verify_ret: i32,
    /// The HTTP status when a response arrived, else 0.
    pub http_status: u16,
    pub message: String,
}

// The constructors are cold and never inlined: a call that fails is rare,
// and keeping the message building out of line keeps each hot function's
// success path in fewer cache lines (a warm call runs largely cold: the
// kernel and the network evict L1 between calls, so code size counts).
impl Error {
    #[cold]
    #[inline(never)]
    pub fn new(code: Code, message: impl Into<String>) -> Error {
        Error {
            code,
            wechat_errcode: 0,
            verify_ret: 0,
            http_status: 0,
            message: message.into(),
        }
    }

    #[cold]
    #[inline(never)]
    pub fn invalid_argument(what: &str, why: &str) -> Error {
        Error::new(Code::InvalidArgument, format!("{what}: {why}"))
    }

    pub fn with_wechat_errcode(mut self, errcode: i32) -> Error {
        self.wechat_errcode = errcode;
        self
    }

    pub fn with_verify_ret(mut self, ret: i32) -> Error {
        self.verify_ret = ret;
        self
    }

    pub fn with_http_status(mut self, status: u16) -> Error {
        self.http_status = status;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
