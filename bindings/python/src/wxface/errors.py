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


# Bad input also reads as ValueError, as Python callers expect.
class InvalidArgument(WxFaceError, ValueError):
    code = 1


class InvalidEncoding(WxFaceError, ValueError):
    code = 2


class InvalidIdCard(WxFaceError, ValueError):
    code = 3


class Config(WxFaceError):
    code = 4


class NotFound(WxFaceError):
    code = 5


class FieldRejected(WxFaceError, ValueError):
    """WeChat refused a request field (84010-84016, 84021, 40003); the
    message names the field."""

    code = 6


class Network(WxFaceError):
    code = 10


class Timeout(WxFaceError):
    code = 11


class Tls(WxFaceError):
    code = 12


class Http(WxFaceError):
    code = 13


class BadResponse(WxFaceError):
    code = 14


class Proxy(WxFaceError):
    code = 15


class StateStore(WxFaceError):
    """The shared state store (Redis or the replay callback) did not answer."""

    code = 16


class Wechat(WxFaceError):
    code = 20


class AccessToken(WxFaceError):
    code = 21


class RateLimited(WxFaceError):
    code = 22


class SystemBusy(WxFaceError):
    code = 23


class VerifyResultInvalid(WxFaceError):
    code = 24


class VerifyResultExpired(WxFaceError):
    code = 25


class UserInfoNotFound(WxFaceError):
    code = 26


class VerifyIdExpired(WxFaceError):
    """84022: the verify_id's hour is over; the user must start again."""

    code = 27


class OutSeqNoUsed(WxFaceError):
    """84019: the out_seq_no was used before; start again with a new one."""

    code = 28


class NotPassed(WxFaceError):
    code = 30


class IdMismatch(WxFaceError):
    code = 31


class NameMismatch(WxFaceError):
    code = 32


class UserIdKeyMismatch(WxFaceError):
    code = 33


class OpenidMismatch(WxFaceError):
    code = 34


class StaleResult(WxFaceError):
    code = 35


class Replayed(WxFaceError):
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
    code = 40


class PushDecrypt(WxFaceError):
    code = 41


class PushAppid(WxFaceError):
    code = 42


class PushFormat(WxFaceError):
    code = 43


class PushStale(WxFaceError):
    code = 44


class PushTooLarge(WxFaceError):
    code = 45


class Internal(WxFaceError):
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
