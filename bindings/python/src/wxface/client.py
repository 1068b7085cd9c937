"""`Client`: one `wxface_client`, shared by every thread of the process."""

import contextlib
import logging
import math
import os
import secrets
import threading
import time
from ctypes import byref, c_uint32, c_void_p
from typing import Any, List, Mapping, Optional, Union

from . import _ffi, _native
from ._ffi import Text
from .callbacks import LogSink, TokenProvider, log_callback, token_callback
from .errors import ClientClosedError
from .models import Image, PushEvent, SealedPush, UserIdKey, V1Result, V2Result, VerifyId

PathLike = Union[str, "os.PathLike[str]"]

# Python's names for the library's `input_encoding` values.
_CODECS = {"utf-8": "utf-8", "utf8": "utf-8", "gbk": "gbk", "gb18030": "gb18030"}


def _setting(key: str, value: Any) -> bytes:
    # bool is an int: "True" would reach C as a string nobody expects.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError("setting %s must be str or int, not %s" % (key, type(value).__name__))
    return _ffi.text(str(value), "setting " + key)


def _encoding_in_file(path: PathLike) -> Optional[str]:
    """The `input_encoding` a config file sets, so str arguments match it."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read(1 << 20).splitlines()
    except OSError:
        return None  # the library's loader reports the problem
    found = None
    for line in lines:
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#") and key.strip() == "input_encoding":
            found = value.strip()
    return found


class Client:
    """A wxface client. Thread-safe; use as a context manager or `close()` it.

    Build it from keyword arguments, a mapping, or both (keywords win)::

        Client(appid="wx...", secret="...", timeout_ms=5000)
        Client({"appid": "wx...", "secret": "..."}, log_level="debug")
        Client.from_file("/etc/wxface.conf")

    `token_provider(stale_token) -> (token, expires_in_s)` replaces appid and
    secret for tokens. `logger` receives log lines: a `logging.Logger` or a
    callable `(level, message)`; when only `log_level` is given, lines go
    to `logging.getLogger("wxface")`.

    `str` arguments are encoded in the client's `input_encoding` (UTF-8
    unless set); `bytes` are passed through as they are.
    """

    def __init__(
        self,
        config: Optional[Mapping[str, Any]] = None,
        *,
        token_provider: Optional[TokenProvider] = None,
        logger: Optional[LogSink] = None,
        **settings: Any,
    ) -> None:
        self._init_state()
        if config is not None and not isinstance(config, Mapping):
            raise TypeError("config must be a mapping; use Client.from_file for a file")
        merged = dict(config or {})
        merged.update(settings)
        self._build(None, merged, token_provider, logger)

    @classmethod
    def from_file(
        cls,
        path: PathLike,
        *,
        token_provider: Optional[TokenProvider] = None,
        logger: Optional[LogSink] = None,
        **settings: Any,
    ) -> "Client":
        """A client from a `key=value` file; `settings` override its lines."""
        client = cls.__new__(cls)
        client._init_state()
        client._build(path, settings, token_provider, logger)
        return client

    # -- lifetime -----------------------------------------------------------

    def _init_state(self) -> None:
        self._handle: Optional[int] = None
        self._encoding = "utf-8"
        # The ctypes callback objects C holds pointers to: kept alive while
        # any client made with them (with_timeout handles too) lives.
        self._keepalive: List[Any] = []
        # Calls take the plain lock (cheap); close() waits on the condition
        # built over it, and only then do calls have anyone to notify.
        self._mutex = threading.Lock()
        self._lock = threading.Condition(self._mutex)
        self._active = 0
        self._closed = False

    def _build(
        self,
        path: Optional[PathLike],
        settings: Mapping[str, Any],
        token_provider: Optional[TokenProvider],
        logger: Optional[LogSink],
    ) -> None:
        lib = _native.lib()
        encoding = _encoding_in_file(path) if path is not None else None
        encoding = settings.get("input_encoding", encoding)
        if isinstance(encoding, str):
            self._encoding = _CODECS.get(encoding.strip().lower(), "utf-8")
        if logger is None and "log_level" in settings:
            logger = logging.getLogger("wxface")

        cfg = lib.wxface_config_new()
        if not cfg:
            raise MemoryError("wxface_config_new failed")
        err = _native.ErrorStruct()
        try:
            if path is not None:
                _ffi.check(
                    lib.wxface_config_load_file(cfg, _ffi.text(os.fsdecode(path), "path"), byref(err)),
                    err,
                )
            for key, value in settings.items():
                if not isinstance(key, str):
                    raise TypeError("setting names must be str, not %s" % type(key).__name__)
                k, v = _ffi.text(key, "setting name"), _setting(key, value)
                _ffi.check(lib.wxface_config_set(cfg, k, v, byref(err)), err)
            if token_provider is not None:
                if not callable(token_provider):
                    raise TypeError("token_provider must be callable")
                cb = token_callback(token_provider)
                self._keepalive.append(cb)
                _ffi.check(lib.wxface_config_set_token_callback(cfg, cb, None, byref(err)), err)
            if logger is not None:
                if not (callable(logger) or hasattr(logger, "log")):
                    raise TypeError("logger must be a logging.Logger or a callable")
                cb = log_callback(logger)
                self._keepalive.append(cb)
                _ffi.check(lib.wxface_config_set_log_callback(cfg, cb, None, byref(err)), err)
            out = c_void_p()
            _ffi.check(lib.wxface_client_new(cfg, byref(out), byref(err)), err)
            self._handle = out.value
        finally:
            lib.wxface_config_free(cfg)

    def close(self) -> None:
        """Frees the native client once calls in other threads have returned.
        Later calls raise `ClientClosedError`. Safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            while self._active:
                self._lock.wait()
            handle, self._handle = self._handle, None
        if handle:
            _native.lib().wxface_client_free(handle)

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        # No thread can be mid-call once nothing refers to the client. At
        # interpreter exit the modules may already be torn down: stay quiet.
        if getattr(self, "_handle", None):
            with contextlib.suppress(Exception):
                self.close()

    def _use(self) -> "_InFlight":
        """The native handle, held open for the duration of one call
        (`with self._use() as handle:`)."""
        return _InFlight(self)

    def _t(self, value: Any, name: str) -> bytes:
        return _ffi.text(value, name, self._encoding)

    def _opt(self, value: Any, name: str) -> Optional[bytes]:
        return _ffi.optional_text(value, name, self._encoding)

    # -- handles ------------------------------------------------------------

    def with_timeout(self, timeout_ms: int) -> "Client":
        """A second client on the same tokens, connections and replay guard
        whose calls wait at most `timeout_ms` per attempt. Close it too."""
        if isinstance(timeout_ms, bool) or not isinstance(timeout_ms, int):
            raise TypeError("timeout_ms must be int")
        if not 0 < timeout_ms < 1 << 32:
            raise ValueError("timeout_ms must be from 1 to 4294967295")
        lib = _native.lib()
        child = Client.__new__(Client)
        child._init_state()
        child._encoding = self._encoding
        child._keepalive = self._keepalive
        out = c_void_p()
        err = _native.ErrorStruct()
        with self._use() as h:
            _ffi.check(lib.wxface_client_with_timeout(h, timeout_ms, byref(out), byref(err)), err)
        child._handle = out.value
        return child

    # -- 1.0 ----------------------------------------------------------------

    def v1_get_user_id_key(
        self, name: Text, id_card_number: Text, out_seq_no: Optional[Text] = None
    ) -> UserIdKey:
        """Registers the person to verify (getuseridkey). With `out_seq_no`,
        WeChat pushes a face_identify event afterwards."""
        args = (
            self._t(name, "name"),
            self._t(id_card_number, "id_card_number"),
            self._opt(out_seq_no, "out_seq_no"),
        )
        with self._use() as h:
            fields, ints, _ = _ffi.call_for_response(
                _native.lib().wxface_v1_get_user_id_key, h, *args, ints=("expires_in",)
            )
        return UserIdKey(fields.get("user_id_key", ""), ints.get("expires_in"), fields)

    def v1_get_info(self, verify_result: Text) -> V1Result:
        """WeChat's record of a verification, NOT judged: use `v1_verify`."""
        vr = self._t(verify_result, "verify_result")
        with self._use() as h:
            fields, ints, _ = _ffi.call_for_response(_native.lib().wxface_v1_get_info, h, vr, ints=_V1_INTS)
        return _v1_result(fields, ints)

    def v1_verify(
        self,
        verify_result: Text,
        name: Text,
        id_card_number: Text,
        user_id_key: Optional[Text] = None,
        openid: Optional[Text] = None,
    ) -> V1Result:
        """The verdict: returns only if the expected person passed; otherwise
        raises the failed check's exception (NotPassed, NameMismatch, ...)."""
        args = (
            self._t(verify_result, "verify_result"),
            self._t(name, "name"),
            self._t(id_card_number, "id_card_number"),
            self._opt(user_id_key, "user_id_key"),
            self._opt(openid, "openid"),
        )
        with self._use() as h:
            fields, ints, _ = _ffi.call_for_response(_native.lib().wxface_v1_verify, h, *args, ints=_V1_INTS)
        return _v1_result(fields, ints)

    def v1_get_image(self, verify_result: Text) -> Image:
        """The photo taken during a 1.0 verification (getimage). Raises
        WeChat's refusal as usual (VerifyResultInvalid, VerifyResultExpired, ...).
        Biometric data: store it only where the law allows, never log it."""
        vr = self._t(verify_result, "verify_result")
        with self._use() as h:
            answer = _ffi.call_for_response(_native.lib().wxface_v1_get_image, h, vr, binary=_IMAGE)
        return _image(answer)

    # -- 2.0 ----------------------------------------------------------------

    def v2_get_verify_id(self, out_seq_no: Text, openid: Text, name: Text, id_card_number: Text) -> VerifyId:
        """Starts a 2.0 verification for the mini-program user `openid`.
        `out_seq_no`: 5 to 32 of 0-9 A-Z a-z _ -, never used before
        (`wxface.out_seq_no_new()` makes one); InvalidArgument otherwise,
        OutSeqNoUsed if WeChat saw it before."""
        args = (
            self._t(out_seq_no, "out_seq_no"),
            self._t(openid, "openid"),
            self._t(name, "name"),
            self._t(id_card_number, "id_card_number"),
        )
        with self._use() as h:
            fields, ints, _ = _ffi.call_for_response(
                _native.lib().wxface_v2_get_verify_id, h, *args, ints=("expires_in",)
            )
        return VerifyId(
            fields.get("verify_id", ""), ints.get("expires_in"), fields.get("cert_hash", ""), fields
        )

    def v2_query(self, verify_id: Text, out_seq_no: Text, openid: Text, cert_hash: Text) -> V2Result:
        """The 2.0 verdict: returns only on verify_ret 10000. Raises Pending
        (10300/10005: not finished, ask again, see `v2_wait`), NotPassed (see
        `verify_ret`), CertHashMismatch, OpenidMismatch, OutSeqNoMismatch,
        VerifyIdExpired or another WeChat refusal."""
        args = (
            self._t(verify_id, "verify_id"),
            self._t(out_seq_no, "out_seq_no"),
            self._t(openid, "openid"),
            self._t(cert_hash, "cert_hash"),
        )
        with self._use() as h:
            fields, ints, _ = _ffi.call_for_response(
                _native.lib().wxface_v2_query, h, *args, ints=("verify_ret",)
            )
        return V2Result(ints.get("verify_ret"), fields)

    def v2_wait(
        self, verify_id: Text, out_seq_no: Text, openid: Text, cert_hash: Text, timeout: float
    ) -> V2Result:
        """`v2_query`, asked again while the user has not finished (Pending),
        with growing pauses (`wait_interval_ms`, doubling up to 8 times it),
        for at most `timeout` seconds and never past the verify_id's life
        when this client started it. Returns on verify_ret 10000; raises the
        first answer that is not Pending (NotPassed, CertHashMismatch, ...),
        Pending if the timeout came first, VerifyIdExpired if the
        verify_id's life ended first."""
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise TypeError("timeout must be a number of seconds")
        timeout_ms = math.ceil(timeout * 1000)
        if not 0 < timeout_ms < 1 << 32:
            raise ValueError("timeout must be from 0.001 to 4294967.295 seconds")
        args = (
            self._t(verify_id, "verify_id"),
            self._t(out_seq_no, "out_seq_no"),
            self._t(openid, "openid"),
            self._t(cert_hash, "cert_hash"),
        )
        with self._use() as h:
            fields, ints, _ = _ffi.call_for_response(
                _native.lib().wxface_v2_wait, h, *args, c_uint32(timeout_ms), None, ints=("verify_ret",)
            )
        return V2Result(ints.get("verify_ret"), fields)

    # -- push ---------------------------------------------------------------

    def push_check_url(self, query: Text) -> str:
        """Checks WeChat's GET handshake (raw query string); returns the
        `echostr` to answer with."""
        q = _ffi.text(query, "query")
        with self._use() as h:
            fields, _, _ = _ffi.call_for_response(_native.lib().wxface_push_url_echo, h, q)
        return fields.get("echostr", "")

    def push_open(self, query: Text, body: Union[str, bytes]) -> PushEvent:
        """Verifies, decrypts and parses a push POST (raw query and body)."""
        q = _ffi.text(query, "query")
        b = _ffi.blob(body, "body")
        with self._use() as h:
            fields, ints, _ = _ffi.call_for_response(
                _native.lib().wxface_push_open, h, q, b, len(b), ints=("CreateTime",)
            )
        return PushEvent(
            event=fields.get("Event"),
            msg_type=fields.get("MsgType"),
            openid=fields.get("openid"),
            out_seq_no=fields.get("out_seq_no"),
            create_time=ints.get("CreateTime"),
            to_user_name=fields.get("ToUserName"),
            from_user_name=fields.get("FromUserName"),
            verify_result=fields.get("verify_result"),
            fields=fields,
        )

    def push_seal(
        self,
        message: Union[str, bytes],
        *,
        format: str = "json",
        mode: str = "safe",
        timestamp: Optional[int] = None,
        nonce: Optional[str] = None,
    ) -> SealedPush:
        """Builds a push as WeChat would send it (for tests of a push server):
        `format` "json" or "xml", `mode` "plain", "compatible" or "safe"."""
        if timestamp is None:
            timestamp = int(time.time())
        if isinstance(timestamp, bool) or not isinstance(timestamp, int):
            raise TypeError("timestamp must be int")
        if not -(1 << 63) <= timestamp < 1 << 63:
            raise ValueError("timestamp is out of range")
        if nonce is None:
            nonce = secrets.token_hex(8)
        args = (
            _ffi.text(format, "format"),
            _ffi.text(mode, "mode"),
        )
        m = _ffi.blob(message, "message")
        n = _ffi.text(nonce, "nonce")
        with self._use() as h:
            fields, _, _ = _ffi.call_for_response(
                _native.lib().wxface_push_seal, h, *args, m, len(m), timestamp, n
            )
        return SealedPush(fields.get("query", ""), fields.get("body", ""))


class _InFlight:
    """One call's hold on a client's handle: close() waits for it to end."""

    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client

    def __enter__(self) -> int:
        c = self._client
        with c._mutex:
            if c._closed or not c._handle:
                raise ClientClosedError("this wxface Client is closed")
            c._active += 1
            return c._handle

    def __exit__(self, *exc: Any) -> None:
        c = self._client
        with c._mutex:
            c._active -= 1
            if c._closed and not c._active:
                c._lock.notify_all()


_V1_INTS = ("identify_ret", "finish_time")


def _v1_result(fields: _ffi.Fields, ints: _ffi.Ints) -> V1Result:
    return V1Result(
        identify_ret=ints.get("identify_ret"),
        openid=fields.get("openid"),
        user_id_key=fields.get("user_id_key"),
        finish_time=ints.get("finish_time"),
        fields=fields,
    )


_IMAGE = ("image",)


def _image(answer: _ffi.Answer) -> Image:
    return Image(answer.blobs["image"], answer.fields.get("content_type", ""))
