"""`Client`: one `wxface_client`, shared by every thread of the process."""

import contextlib
import logging
import math
import os
import secrets
import threading
import time
from collections import deque
from ctypes import byref, c_size_t, c_uint32, c_void_p
from typing import Any, Callable, Deque, List, Mapping, Optional, Sequence, Tuple, Type, TypeVar, Union

from . import _ffi, _native, errors
from ._ffi import Text
from .audit import AuditSink, ClientStats, audit_callback
from .callbacks import LogSink, ReplayStore, TokenProvider, log_callback, replay_callback, token_callback
from .errors import ArgumentTypeError, ClientClosedError, InvalidArgument
from .models import ANSWER, Image, PushEvent, SealedPush, UserIdKey, V1Result, V2Result, VerifyId, _Echo

PathLike = Union[str, "os.PathLike[str]"]
T = TypeVar("T")

# The keys that tell the library which encoding its text arguments are in.
# Python always hands it UTF-8, so only that value makes sense here; GBK is
# for C callers (see README).
_ENCODING_KEYS = ("input_encoding", "text_encoding")


def _setting(key: str, value: Any) -> bytes:
    # bool is an int: "True" would reach C as a string nobody expects.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _ffi.refuse(
            ArgumentTypeError, "setting %s must be str or int, not %s" % (key, type(value).__name__)
        )
    if key in _ENCODING_KEYS and str(value).strip().lower() not in ("utf-8", "utf8"):
        raise _ffi.refuse(
            errors.Config, "%s: the Python binding always passes UTF-8; GBK is for C callers" % key
        )
    return _ffi.text(str(value), "setting " + key)


class Client:
    """A wxface client. Thread-safe; use as a context manager or `close()` it.

    Build it from keyword arguments, a mapping, or both (keywords win)::

        Client(appid="wx...", secret="...", timeout_ms=5000)
        Client({"appid": "wx...", "secret": "..."}, log_level="debug")
        Client.from_file("/etc/wxface.conf")

    `token_provider(stale_token) -> (token, expires_in_s)` replaces appid and
    secret for tokens. `replay_store(key, ttl_s) -> bool` keeps accepted
    verify_results in your own shared database (True: new, False: seen;
    raising fails the verification with `StateStore`). `logger` receives log lines: a `logging.Logger` or a
    callable `(level, message)`; when only `log_level` is given, lines go
    to `logging.getLogger("wxface")`. `audit(record)` receives an
    `AuditRecord` for each verdict, 2.0 start, push and token fetch, on the
    calling thread before the call returns (never block in it; the
    `audit_file` setting writes the same records as JSON lines).

    `str` arguments reach the library as UTF-8, and the library is told so
    (`input_encoding=utf-8` overrides a file's); `bytes` are passed through
    as they are and must be UTF-8 too.
    """

    def __init__(
        self,
        config: Optional[Mapping[str, Any]] = None,
        *,
        token_provider: Optional[TokenProvider] = None,
        replay_store: Optional[ReplayStore] = None,
        logger: Optional[LogSink] = None,
        audit: Optional[AuditSink] = None,
        **settings: Any,
    ) -> None:
        self._init_state()
        if config is not None and not isinstance(config, Mapping):
            raise _ffi.refuse(ArgumentTypeError, "config must be a mapping; use Client.from_file for a file")
        merged = dict(config or {})
        merged.update(settings)
        self._build(None, merged, token_provider, logger, replay_store, audit)

    @classmethod
    def from_file(
        cls,
        path: PathLike,
        *,
        token_provider: Optional[TokenProvider] = None,
        replay_store: Optional[ReplayStore] = None,
        logger: Optional[LogSink] = None,
        audit: Optional[AuditSink] = None,
        **settings: Any,
    ) -> "Client":
        """A client from a `key=value` file; `settings` override its lines."""
        client = cls.__new__(cls)
        client._init_state()
        client._build(path, settings, token_provider, logger, replay_store, audit)
        return client

    # -- lifetime -----------------------------------------------------------

    def _init_state(self) -> None:
        self._handle: Optional[int] = None
        # The same handle as the hot path passes it to untyped calls (_native).
        self._handle_arg: Any = None
        # The ctypes callback objects C holds pointers to: kept alive while
        # any client made with them (with_timeout handles too) lives.
        self._keepalive: List[Any] = []
        # Each call in flight holds a scratch (_ffi.scratch: what the library
        # writes into), taken from `_free` and put back when the call ends,
        # each one step no other thread can split (deque.pop, deque.append),
        # so calls take no lock; a call finding none free makes one, counted
        # in `_made` under `_lock`. A call takes its scratch before it reads
        # `_closed`: close() sets `_closed` first and then waits on `_lock`
        # until every scratch made is back, and a call that ends after
        # close() began wakes it. A deque, not a list: a list going from
        # empty to one entry and back reallocates its array both ways.
        self._free: Deque[_ffi.Hot] = deque()
        self._made = 0
        self._lock = threading.Condition()
        self._closed = False

    def _build(
        self,
        path: Optional[PathLike],
        settings: Mapping[str, Any],
        token_provider: Optional[TokenProvider],
        logger: Optional[LogSink],
        replay_store: Optional[ReplayStore] = None,
        audit: Optional[AuditSink] = None,
    ) -> None:
        lib = _native.lib()
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
                    raise _ffi.refuse(
                        ArgumentTypeError, "setting names must be str, not %s" % type(key).__name__
                    )
                k, v = _ffi.text(key, "setting name"), _setting(key, value)
                _ffi.check(lib.wxface_config_set(cfg, k, v, byref(err)), err)
            # Last, so that a file shared with a GBK caller cannot make the
            # library read this binding's UTF-8 as GBK, nor answer in GBK.
            _ffi.check(lib.wxface_config_set(cfg, b"text_encoding", b"utf-8", byref(err)), err)
            if token_provider is not None:
                if not callable(token_provider):
                    raise _ffi.refuse(ArgumentTypeError, "token_provider must be callable")
                cb = token_callback(token_provider)
                self._keepalive.append(cb)
                _ffi.check(lib.wxface_config_set_token_callback(cfg, cb, None, byref(err)), err)
            if replay_store is not None:
                if not callable(replay_store):
                    raise _ffi.refuse(ArgumentTypeError, "replay_store must be callable")
                cb = replay_callback(replay_store)
                self._keepalive.append(cb)
                _ffi.check(lib.wxface_config_set_replay_callback(cfg, cb, None, byref(err)), err)
            if logger is not None:
                if not (callable(logger) or hasattr(logger, "log")):
                    raise _ffi.refuse(ArgumentTypeError, "logger must be a logging.Logger or a callable")
                cb = log_callback(logger)
                self._keepalive.append(cb)
                _ffi.check(lib.wxface_config_set_log_callback(cfg, cb, None, byref(err)), err)
            if audit is not None:
                if not callable(audit):
                    raise _ffi.refuse(ArgumentTypeError, "audit must be callable")
                cb = audit_callback(audit)
                self._keepalive.append(cb)
                _ffi.check(lib.wxface_config_set_audit_callback(cfg, cb, None, byref(err)), err)
            out = c_void_p()
            _ffi.check(lib.wxface_client_new(cfg, byref(out), byref(err)), err)
            self._hold(out.value)
        finally:
            lib.wxface_config_free(cfg)

    def close(self) -> None:
        """Frees the native client once calls in other threads have returned.
        Later calls raise `ClientClosedError`. Safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            while len(self._free) < self._made:
                self._lock.wait()
            handle, self._handle, self._handle_arg = self._handle, None, None
        if handle:
            _native.lib().wxface_client_free(handle)

    def _hold(self, handle: Optional[int]) -> None:
        """Keeps the native client `handle` (made, not yet freed)."""
        self._handle = handle
        self._handle_arg = _native.pointer_arg(handle) if handle else None

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

    def _enter(self) -> Tuple[int, _ffi.Hot]:
        """Holds the handle open for one call, with a scratch: close() waits
        until `_leave` gives the scratch back."""
        try:
            hot = self._free.pop()
        except IndexError:
            hot = self._more()
        handle = self._handle
        if self._closed or not handle:
            self._leave(hot)
            raise ClientClosedError("this wxface Client is closed")
        return handle, hot

    def _leave(self, hot: _ffi.Hot) -> None:
        self._free.append(hot)
        if self._closed:
            self._wake_close()

    def _more(self) -> _ffi.Hot:
        """A scratch made for a call that found none free, counted before
        the call reads `_closed`."""
        hot = _ffi.scratch()
        with self._lock:
            self._made += 1
        return hot

    def _wake_close(self) -> None:
        """Wakes a close() waiting for the calls in flight to end."""
        with self._lock:
            self._lock.notify_all()

    def _call(self, fn: Callable[..., int], args: Sequence[Any], cls: Type[T]) -> T:
        """`fn(handle, *args, &out, &err)` with the handle held open, its
        answer as a `cls` result holding the answer's text fields as the
        library's block (`_ffi.texts_of`), the response freed on every path.
        Fields without a text form are left out (only getimage has one: it
        uses call_for_response). This runs on every call: `_enter` and
        `_leave` are written out; `fn` and the library's response calls are
        untyped (see _native), each given only bytes, None and ctypes
        objects made once (the handle's, the call's scratch); and the
        result is made without __init__
        (which stores each field through object.__setattr__): its __dict__
        holds only the block until an attribute is read (models._Answer).
        The dataclasses have no __post_init__ and no defaults that compute
        anything, so once its attributes are made it equals what __init__
        makes (tests/test_client.py compares them); it stays frozen."""
        free = self._free
        try:
            hot = free.pop()
        except IndexError:
            hot = self._more()
        try:
            handle = self._handle_arg
            if self._closed or handle is None:
                raise ClientClosedError("this wxface Client is closed")
            # out: the out-pointer, written by the library on success.
            out, out_ref, err, err_ref, _, _, _, _ = hot
            code = fn(handle, *args, out_ref, err_ref)
            if code:
                raise _ffi.error(code, err)
            try:
                answer = _ffi.texts_of(out, hot)
            finally:
                _native.response_free(out)
        finally:
            free.append(hot)
            if self._closed:
                self._wake_close()
        result = _new(cls)
        result.__dict__[ANSWER] = answer
        return result

    # -- handles ------------------------------------------------------------

    def with_timeout(self, timeout_ms: int) -> "Client":
        """A second client on the same tokens, connections and replay guard
        whose calls wait at most `timeout_ms` per attempt. Close it too."""
        timeout_ms = _ffi.integer(timeout_ms, "timeout_ms", 1, (1 << 32) - 1)
        lib = _native.lib()
        child = Client.__new__(Client)
        child._init_state()
        child._keepalive = self._keepalive
        out = c_void_p()
        err = _native.ErrorStruct()
        with self._use() as h:
            _ffi.check(lib.wxface_client_with_timeout(h, timeout_ms, byref(out), byref(err)), err)
        child._hold(out.value)
        return child

    def stats(self) -> ClientStats:
        """The counters since the client was made (shared with its
        `with_timeout` handles): calls by kind and code, requests per WeChat
        endpoint, retries, token fetches, replay rejections, latency
        percentiles, and `prometheus` text for a scrape endpoint."""
        with self._use() as h:
            fields, _ = _ffi.call_for_response(_native.lib().wxface_client_stats, h)
        return ClientStats.from_fields(fields)

    # -- 1.0 ----------------------------------------------------------------

    def v1_get_user_id_key(
        self, name: Text, id_card_number: Text, out_seq_no: Optional[Text] = None
    ) -> UserIdKey:
        """Registers the person to verify (getuseridkey). With `out_seq_no`,
        WeChat pushes a face_identify event afterwards."""
        args = (
            _ffi.text(name, "name"),
            _ffi.text(id_card_number, "id_card_number"),
            _ffi.optional_text(out_seq_no, "out_seq_no"),
        )
        return self._call(_native.wxface_v1_get_user_id_key, args, UserIdKey)

    def v1_get_info(self, verify_result: Text) -> V1Result:
        """WeChat's record of a verification, NOT judged: use `v1_verify`."""
        vr = _ffi.text(verify_result, "verify_result")
        return self._call(_native.wxface_v1_get_info, (vr,), V1Result)

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
        args = _ffi.texts((verify_result, name, id_card_number), _V1_VERIFY_NAMES)
        if user_id_key is None and openid is None:
            args += _NO_KEY_NOR_OPENID
        else:
            args += (_ffi.optional_text(user_id_key, "user_id_key"), _ffi.optional_text(openid, "openid"))
        return self._call(_native.wxface_v1_verify, args, V1Result)

    def v1_get_image(self, verify_result: Text) -> Image:
        """The photo taken during a 1.0 verification (getimage). Raises
        WeChat's refusal as usual (VerifyResultInvalid, VerifyResultExpired, ...).
        Biometric data: store it only where the law allows, never log it."""
        vr = _ffi.text(verify_result, "verify_result")
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
            _ffi.text(out_seq_no, "out_seq_no"),
            _ffi.text(openid, "openid"),
            _ffi.text(name, "name"),
            _ffi.text(id_card_number, "id_card_number"),
        )
        return self._call(_native.wxface_v2_get_verify_id, args, VerifyId)

    def v2_query(self, verify_id: Text, out_seq_no: Text, openid: Text, cert_hash: Text) -> V2Result:
        """The 2.0 verdict: returns only on verify_ret 10000. Raises Pending
        (10300/10005: not finished, ask again, see `v2_wait`), NotPassed (see
        `verify_ret`), CertHashMismatch, OpenidMismatch, OutSeqNoMismatch,
        VerifyIdExpired or another WeChat refusal."""
        args = _ffi.texts((verify_id, out_seq_no, openid, cert_hash), _V2_QUERY_NAMES)
        return self._call(_native.wxface_v2_query, args, V2Result)

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
            raise _ffi.refuse(ArgumentTypeError, "timeout must be a number of seconds")
        timeout_ms = math.ceil(timeout * 1000)
        if not 0 < timeout_ms < 1 << 32:
            raise _ffi.refuse(InvalidArgument, "timeout must be from 0.001 to 4294967.295 seconds")
        args = _ffi.texts((verify_id, out_seq_no, openid, cert_hash), _V2_QUERY_NAMES)
        args_then_wait = (*args, c_uint32(timeout_ms), None)
        return self._call(_native.wxface_v2_wait, args_then_wait, V2Result)

    # -- push ---------------------------------------------------------------

    def push_check_url(self, query: Text) -> str:
        """Checks WeChat's GET handshake (raw query string); returns the
        `echostr` to answer with."""
        q = _ffi.text(query, "query")
        return self._call(_native.wxface_push_url_echo, (q,), _Echo).echostr

    def push_open(self, query: Text, body: Union[str, bytes]) -> PushEvent:
        """Verifies, decrypts and parses a push POST (raw query and body)."""
        q = _ffi.text(query, "query")
        b = _ffi.blob(body, "body")
        # The untyped call passes an int as a C int (see _native).
        size = len(b)
        return self._call(
            _native.wxface_push_open, (q, b, size if size < _INT_LIMIT else c_size_t(size)), PushEvent
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
        timestamp = _ffi.integer(timestamp, "timestamp", -(1 << 63), (1 << 63) - 1)
        if nonce is None:
            nonce = secrets.token_hex(8)
        args = (
            _ffi.text(format, "format"),
            _ffi.text(mode, "mode"),
        )
        m = _ffi.blob(message, "message")
        n = _ffi.text(nonce, "nonce")
        with self._use() as h:
            fields, _ = _ffi.call_for_response(
                _native.lib().wxface_push_seal, h, *args, m, len(m), timestamp, n
            )
        return SealedPush(fields.get("query", ""), fields.get("body", ""))


_new = object.__new__


class _InFlight:
    """One call's hold on a client's handle: close() waits for it to end."""

    __slots__ = ("_client", "_hot")

    def __init__(self, client: Client) -> None:
        self._client = client

    def __enter__(self) -> int:
        handle, self._hot = self._client._enter()
        return handle

    def __exit__(self, *exc: Any) -> None:
        self._client._leave(self._hot)


# The first int an untyped call cannot pass as a C int.
_INT_LIMIT = 1 << 31
_V1_VERIFY_NAMES = ("verify_result", "name", "id_card_number")
_NO_KEY_NOR_OPENID = (None, None)
_V2_QUERY_NAMES = ("verify_id", "out_seq_no", "openid", "cert_hash")
_IMAGE = ("image",)


def _image(answer: _ffi.Answer) -> Image:
    return Image(answer.blobs["image"], answer.fields.get("content_type", ""))
