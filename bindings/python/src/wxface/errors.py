"""Exceptions: one base class carrying `wxface_error`, one subclass per code.

The classes mirror the codes of include/wxface.h; a test checks that the
loaded library knows exactly these codes, so the two cannot drift apart.
"""

from typing import Dict, Type


class WxFaceError(Exception):
    """A wxface call failed.

    `code` and `code_name` are wxface's (e.g. 32, "WXFACE_ERR_NAME_MISMATCH");
    `wechat_errcode`, `verify_ret` and `http_status` are 0 when not known.
    `message` never holds a name, ID number, secret or token.
    """

    code: int = -1

    def __init__(
        self,
        code: int,
        code_name: str,
        wechat_errcode: int = 0,
        verify_ret: int = 0,
        http_status: int = 0,
        message: str = "",
    ) -> None:
        super().__init__(code, code_name, wechat_errcode, verify_ret, http_status, message)
        self.code = code
        self.code_name = code_name
        self.wechat_errcode = wechat_errcode
        self.verify_ret = verify_ret
        self.http_status = http_status
        self.message = message

    def __str__(self) -> str:
        extra = []
        if self.wechat_errcode:
            extra.append("wechat_errcode=%d" % self.wechat_errcode)
        if self.verify_ret:
            extra.append("verify_ret=%d" % self.verify_ret)
        if self.http_status:
            extra.append("http_status=%d" % self.http_status)
        tail = " (%s)" % ", ".join(extra) if extra else ""
        return "%s: %s%s" % (self.code_name, self.message, tail)

    def __repr__(self) -> str:
        return "%s(%r)" % (type(self).__name__, str(self))


class ClientClosedError(RuntimeError):
    """The client was used after `close()`."""


# Each class also derives from the built-in exception Python callers
# already catch for that kind of failure: bad input is a ValueError, a
# timeout a TimeoutError, an unreachable WeChat a ConnectionError.
class InvalidArgument(WxFaceError, ValueError):
    """An argument the library cannot take: empty, too long, wrongly shaped, or holding a NUL."""

    code = 1


class ArgumentTypeError(InvalidArgument, TypeError):
    """An argument of the wrong Python type (e.g. None where text is required).

    Raised by the binding before any C call, with the code of InvalidArgument."""


class InvalidEncoding(WxFaceError, ValueError):
    """Text that is not valid UTF-8 (or, from Python, a str with a lone surrogate)."""

    code = 2


class InvalidIdCard(WxFaceError, ValueError):
    """Not a valid resident ID number: length, character, checksum or birth date."""

    code = 3


class Config(WxFaceError):
    """A configuration key, value or file the library refuses, or missing credentials."""

    code = 4


class NotFound(WxFaceError):
    """The response has no such field."""

    code = 5


class FieldRejected(WxFaceError, ValueError):
    """WeChat refused a request field (84006, 84010-84016, 84021, 40003); the
    message names the field."""

    code = 6


class Network(WxFaceError, ConnectionError):
    """WeChat could not be reached (DNS, connect, reset); retried up to max_retries."""

    code = 10


class Timeout(WxFaceError, TimeoutError):
    """WeChat did not answer within the timeout."""

    code = 11


class Tls(WxFaceError):
    """The TLS handshake or certificate check failed."""

    code = 12


class Http(WxFaceError):
    """WeChat answered with an HTTP error status (see `http_status`)."""

    code = 13


class BadResponse(WxFaceError):
    """WeChat's answer could not be read as the expected JSON."""

    code = 14


class Proxy(WxFaceError):
    """The proxy refused or could not be reached."""

    code = 15


class StateStore(WxFaceError):
    """The shared state store (Redis or the replay callback) did not answer."""

    code = 16


class Wechat(WxFaceError):
    """WeChat refused the request with an errcode of no other class (see `wechat_errcode`)."""

    code = 20


class AccessToken(WxFaceError):
    """No access token could be obtained or WeChat rejected it."""

    code = 21


class RateLimited(WxFaceError):
    """WeChat's call quota or rate limit was hit (45009, 45011, 45033)."""

    code = 22


class SystemBusy(WxFaceError):
    """WeChat was busy (errcode -1) on every attempt."""

    code = 23


class VerifyResultInvalid(WxFaceError):
    """WeChat does not know this verify_result (84001)."""

    code = 24


class VerifyResultExpired(WxFaceError):
    """The verify_result has expired (84002)."""

    code = 25


class UserInfoNotFound(WxFaceError):
    """WeChat has no user info for this verification (84003)."""

    code = 26


class VerifyIdExpired(WxFaceError):
    """84022: the verify_id's hour is over; the user must start again."""

    code = 27


class OutSeqNoUsed(WxFaceError):
    """84019: the out_seq_no was used before; start again with a new one."""

    code = 28


class NotPassed(WxFaceError):
    """The verification did not pass (see `verify_ret`)."""

    code = 30


class IdMismatch(WxFaceError):
    """The result is for another ID number."""

    code = 31


class NameMismatch(WxFaceError):
    """The result is for another name."""

    code = 32


class UserIdKeyMismatch(WxFaceError):
    """The result belongs to another user_id_key."""

    code = 33


class OpenidMismatch(WxFaceError):
    """The result belongs to another WeChat user (openid)."""

    code = 34


class StaleResult(WxFaceError):
    """The verification finished longer ago than max_result_age_s."""

    code = 35


class Replayed(WxFaceError):
    """This client has already accepted this verify_result."""

    code = 36


class CertHashMismatch(WxFaceError):
    """84018: the cert_hash is not that of getverifyid's person."""

    code = 37


class OutSeqNoMismatch(WxFaceError):
    """84020: the out_seq_no is not getverifyid's."""

    code = 38


class Pending(WxFaceError):
    """verify_ret 10300 or 10005: the user has not finished; not a pass, not
    a failure. Ask again later (`Client.v2_wait`)."""

    code = 39


class PushSignature(WxFaceError):
    """A push's signature does not match push_token."""

    code = 40


class PushDecrypt(WxFaceError):
    """A push could not be decrypted with push_aes_key."""

    code = 41


class PushAppid(WxFaceError):
    """A push was sealed for another appid."""

    code = 42


class PushFormat(WxFaceError):
    """A push is not the JSON or XML expected."""

    code = 43


class PushStale(WxFaceError):
    """A push's timestamp is outside push_max_skew_s."""

    code = 44


class PushTooLarge(WxFaceError):
    """A push's query or body is larger than allowed."""

    code = 45


class Internal(WxFaceError):
    """A bug in libwxface; please report it."""

    code = 99


BY_CODE: Dict[int, Type[WxFaceError]] = {
    cls.code: cls
    for cls in (
        InvalidArgument, InvalidEncoding, InvalidIdCard, Config, NotFound, FieldRejected,
        Network, Timeout, Tls, Http, BadResponse, Proxy, StateStore,
        Wechat, AccessToken, RateLimited, SystemBusy,
        VerifyResultInvalid, VerifyResultExpired, UserInfoNotFound, VerifyIdExpired, OutSeqNoUsed,
        NotPassed, IdMismatch, NameMismatch, UserIdKeyMismatch, OpenidMismatch,
        StaleResult, Replayed, CertHashMismatch, OutSeqNoMismatch, Pending,
        PushSignature, PushDecrypt, PushAppid, PushFormat, PushStale, PushTooLarge,
        Internal,
    )
}  # fmt: skip
