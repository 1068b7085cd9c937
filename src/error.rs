//! Errors are values: a stable [`Code`] plus the details a caller can act on.
//!
//! Numbers are grouped by kind (input, transport, WeChat, verdict, push) and are
//! never renumbered once released; a retired code stays reserved. The C layer
//! re-exports them as `WXFACE_*` constants, and a test keeps the two in step.

use std::fmt;

/// Stable result codes. Values are part of the ABI (see `ABI.md`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    Ok = 0,

    // 1-9: the caller's input.
    InvalidArgument = 1,
    InvalidEncoding = 2,
    InvalidIdCard = 3,
    Config = 4,
    NotFound = 5,
    FieldRejected = 6,

    // 10-19: getting bytes to and from WeChat (and the shared state store).
    Network = 10,
    Timeout = 11,
    Tls = 12,
    Http = 13,
    BadResponse = 14,
    Proxy = 15,
    StateStore = 16,

    // 20-29: WeChat answered with an errcode.
    Wechat = 20,
    AccessToken = 21,
    RateLimited = 22,
    SystemBusy = 23,
    VerifyResultInvalid = 24,
    VerifyResultExpired = 25,
    UserInfoNotFound = 26,
    VerifyIdExpired = 27,
    OutSeqNoUsed = 28,

    // 30-39: WeChat answered, but the verdict is "no".
    NotPassed = 30,
    IdMismatch = 31,
    NameMismatch = 32,
    UserIdKeyMismatch = 33,
    OpenidMismatch = 34,
    StaleResult = 35,
    Replayed = 36,
    CertHashMismatch = 37,
    OutSeqNoMismatch = 38,
    Pending = 39,

    // 40-49: message push.
    PushSignature = 40,
    PushDecrypt = 41,
    PushAppid = 42,
    PushFormat = 43,
    PushStale = 44,
    PushTooLarge = 45,

    // 99: a bug in wxface (a caught panic, a poisoned lock).
    Internal = 99,
}

impl Code {
    /// Every code, in numeric order.
    pub const ALL: [Code; 40] = [
        Code::Ok,
        Code::InvalidArgument,
        Code::InvalidEncoding,
        Code::InvalidIdCard,
        Code::Config,
        Code::NotFound,
        Code::FieldRejected,
        Code::Network,
        Code::Timeout,
        Code::Tls,
        Code::Http,
        Code::BadResponse,
        Code::Proxy,
        Code::StateStore,
        Code::Wechat,
        Code::AccessToken,
        Code::RateLimited,
        Code::SystemBusy,
        Code::VerifyResultInvalid,
        Code::VerifyResultExpired,
        Code::UserInfoNotFound,
        Code::VerifyIdExpired,
        Code::OutSeqNoUsed,
        Code::NotPassed,
        Code::IdMismatch,
        Code::NameMismatch,
        Code::UserIdKeyMismatch,
        Code::OpenidMismatch,
        Code::StaleResult,
        Code::Replayed,
        Code::CertHashMismatch,
        Code::OutSeqNoMismatch,
        Code::Pending,
        Code::PushSignature,
        Code::PushDecrypt,
        Code::PushAppid,
        Code::PushFormat,
        Code::PushStale,
        Code::PushTooLarge,
        Code::Internal,
    ];

    pub fn from_i32(v: i32) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| *c as i32 == v)
    }

    /// The C constant's name, e.g. `"WXFACE_ERR_NAME_MISMATCH"`.
    pub fn name(self) -> &'static str {
        match self {
            Code::Ok => "WXFACE_OK",
            Code::InvalidArgument => "WXFACE_ERR_INVALID_ARGUMENT",
            Code::InvalidEncoding => "WXFACE_ERR_INVALID_ENCODING",
            Code::InvalidIdCard => "WXFACE_ERR_INVALID_ID_CARD",
            Code::Config => "WXFACE_ERR_CONFIG",
            Code::NotFound => "WXFACE_ERR_NOT_FOUND",
            Code::FieldRejected => "WXFACE_ERR_FIELD_REJECTED",
            Code::Network => "WXFACE_ERR_NETWORK",
            Code::Timeout => "WXFACE_ERR_TIMEOUT",
            Code::Tls => "WXFACE_ERR_TLS",
            Code::Http => "WXFACE_ERR_HTTP",
            Code::BadResponse => "WXFACE_ERR_BAD_RESPONSE",
            Code::Proxy => "WXFACE_ERR_PROXY",
            Code::StateStore => "WXFACE_ERR_STATE_STORE",
            Code::Wechat => "WXFACE_ERR_WECHAT",
            Code::AccessToken => "WXFACE_ERR_ACCESS_TOKEN",
            Code::RateLimited => "WXFACE_ERR_RATE_LIMITED",
            Code::SystemBusy => "WXFACE_ERR_SYSTEM_BUSY",
            Code::VerifyResultInvalid => "WXFACE_ERR_VERIFY_RESULT_INVALID",
            Code::VerifyResultExpired => "WXFACE_ERR_VERIFY_RESULT_EXPIRED",
            Code::UserInfoNotFound => "WXFACE_ERR_USER_INFO_NOT_FOUND",
            Code::VerifyIdExpired => "WXFACE_ERR_VERIFY_ID_EXPIRED",
            Code::OutSeqNoUsed => "WXFACE_ERR_OUT_SEQ_NO_USED",
            Code::NotPassed => "WXFACE_ERR_NOT_PASSED",
            Code::IdMismatch => "WXFACE_ERR_ID_MISMATCH",
            Code::NameMismatch => "WXFACE_ERR_NAME_MISMATCH",
            Code::UserIdKeyMismatch => "WXFACE_ERR_USER_ID_KEY_MISMATCH",
            Code::OpenidMismatch => "WXFACE_ERR_OPENID_MISMATCH",
            Code::StaleResult => "WXFACE_ERR_STALE_RESULT",
            Code::Replayed => "WXFACE_ERR_REPLAYED",
            Code::CertHashMismatch => "WXFACE_ERR_CERT_HASH_MISMATCH",
            Code::OutSeqNoMismatch => "WXFACE_ERR_OUT_SEQ_NO_MISMATCH",
            Code::Pending => "WXFACE_ERR_PENDING",
            Code::PushSignature => "WXFACE_ERR_PUSH_SIGNATURE",
            Code::PushDecrypt => "WXFACE_ERR_PUSH_DECRYPT",
            Code::PushAppid => "WXFACE_ERR_PUSH_APPID",
            Code::PushFormat => "WXFACE_ERR_PUSH_FORMAT",
            Code::PushStale => "WXFACE_ERR_PUSH_STALE",
            Code::PushTooLarge => "WXFACE_ERR_PUSH_TOO_LARGE",
            Code::Internal => "WXFACE_ERR_INTERNAL",
        }
    }

    /// One English sentence: what happened and what the integrator should do.
    pub fn describe(self) -> &'static str {
        match self {
            Code::Ok => "success",
            Code::InvalidArgument => "an argument is missing, empty or out of range; fix the call",
            Code::InvalidEncoding => "a string is not valid in the configured input encoding; fix the caller's bytes or set input_encoding",
            Code::InvalidIdCard => "not a valid 18-character resident ID number (length, checksum or birth date); ask the user to re-enter it",
            Code::Config => "a configuration key is unknown or its value is invalid; fix the configuration",
            Code::NotFound => "the response has no such field",
            Code::FieldRejected => "WeChat refused a request field (missing or malformed out_seq_no, cert_info, cert_type, cert_name, cert_no, openid or verify_id); the message names the field: fix the value sent",
            Code::Network => "could not reach WeChat (DNS, connect, reset); retry later, check firewall and proxy",
            Code::Timeout => "WeChat did not answer within the configured time; retry later",
            Code::Tls => "the TLS handshake failed or the certificate is not trusted; check ca_file and any intercepting gateway",
            Code::Http => "WeChat or a gateway answered with an HTTP error status; retry later",
            Code::BadResponse => "the answer is not the JSON WeChat sends (truncated, too large, wrong shape); retry later",
            Code::Proxy => "the proxy refused the connection or the credentials; check the proxy setting",
            Code::StateStore => "the shared state store (state_store: Redis or the replay callback) did not answer within state_timeout_ms or refused the request; no verdict is OK until it answers again",
            Code::Wechat => "WeChat answered with an error code; see wechat_errcode",
            Code::AccessToken => "no valid access token: check appid, secret, the IP whitelist or the token callback",
            Code::RateLimited => "WeChat's call quota or rate limit was hit (45009, 45011); slow down",
            Code::SystemBusy => "WeChat is busy (-1) even after retries; retry later",
            Code::VerifyResultInvalid => "WeChat does not know this verify_result (84001); the front end sent a wrong or forged value",
            Code::VerifyResultExpired => "the verify_result has expired (84002); let the user verify again",
            Code::UserInfoNotFound => "WeChat has no user info for this verification (84003); let the user verify again",
            Code::VerifyIdExpired => "the verify_id has expired (84022, it lives one hour); the user must start again with a new getverifyid",
            Code::OutSeqNoUsed => "this out_seq_no was already used for another getverifyid (84019); start again with a new order number",
            Code::NotPassed => "the face verification did not pass; see verify_ret",
            Code::IdMismatch => "the verified ID number is not the expected one; treat as a forged or mixed-up result",
            Code::NameMismatch => "the verified name is not the expected one; treat as a forged or mixed-up result",
            Code::UserIdKeyMismatch => "the verification belongs to another user_id_key; treat as a mixed-up result",
            Code::OpenidMismatch => "the verification was done by another WeChat user (openid), or WeChat says the openid is not getverifyid's (84017); treat as a forged result",
            Code::StaleResult => "the verification finished longer ago than max_result_age_s; let the user verify again",
            Code::Replayed => "this verify_result was already accepted once by this client; a replay",
            Code::CertHashMismatch => "the cert_hash is not that of getverifyid's name and ID number (84018); treat as a forged or mixed-up result",
            Code::OutSeqNoMismatch => "the out_seq_no is not the one getverifyid was called with (84020); treat as a forged or mixed-up result",
            Code::Pending => "the user has not finished yet (verify_ret 10005 or 10300): not a pass, not a failure; ask again later while the verify_id lives (wxface_v2_wait)",
            Code::PushSignature => "the push signature is missing or wrong; ignore the push",
            Code::PushDecrypt => "the push could not be decrypted (key, padding or length); ignore the push, check push_aes_key",
            Code::PushAppid => "the push was encrypted for another appid; ignore the push",
            Code::PushFormat => "the push is neither the JSON nor the XML WeChat sends; ignore the push",
            Code::PushStale => "the push timestamp is outside push_max_skew_s; ignore it, check the server clock",
            Code::PushTooLarge => "the push body is larger than 64 KiB; ignore the push",
            Code::Internal => "an internal error in wxface; please report it",
        }
    }
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

impl Error {
    pub fn new(code: Code, message: impl Into<String>) -> Error {
        Error {
            code,
            wechat_errcode: 0,
            verify_ret: 0,
            http_status: 0,
            message: message.into(),
        }
    }

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
