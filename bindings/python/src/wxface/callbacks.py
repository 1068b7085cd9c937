"""Python callables as the C token provider, replay store and logger.

Neither may let an exception reach C: ctypes would print it and return 0,
which for the token callback means "success, here is a token".
"""

import ctypes
import logging
from typing import Any, Callable, Optional, Tuple, Union

from . import _native

#: `(stale_token) -> (token, expires_in_s)`; stale_token is None, or the token
#: WeChat just rejected (return another one). expires_in_s <= 0: until rejected.
TokenProvider = Callable[[Optional[str]], Tuple[str, int]]

#: `(key, ttl_s) -> new`: remember `key` for at least `ttl_s` seconds in a
#: store every server shares; True if it was not known (now it is), False if
#: it was (a replay). Check and insert must be one atomic step (an INSERT on
#: a primary key). Raising, or returning anything but a bool, fails the
#: verification with `StateStore`: never a pass.
ReplayStore = Callable[[str, int], bool]

#: `(level, message)` with `level` a `logging` level; or a `logging.Logger`.
LogSink = Union[Callable[[int, str], None], logging.Logger]

_LEVELS = {
    1: logging.ERROR,
    2: logging.WARNING,
    3: logging.INFO,
    4: logging.DEBUG,
    5: 5,  # TRACE: below DEBUG, as logging has no name for it
}

_log = logging.getLogger("wxface")

# A callback's failure code for C: any non-zero value fails the call with
# WXFACE_ERR_ACCESS_TOKEN.
_FAILED = 1
# Neither WXFACE_REPLAY_NEW nor _SEEN: the verdict is WXFACE_ERR_STATE_STORE.
_FAILED_REPLAY = 0


def token_callback(provider: TokenProvider) -> Any:
    """A C token callback calling `provider`; keep it alive with the client."""

    def trampoline(
        _user_data: Optional[int],
        stale: Optional[bytes],
        out: Optional[int],
        out_len: int,
        expires_in: Any,
    ) -> int:
        try:
            token, lifetime = provider(None if stale is None else stale.decode("utf-8", "replace"))
            if not isinstance(token, str) or not token:
                raise TypeError("the token provider must return a non-empty str token")
            data = token.encode("utf-8")
            if b"\0" in data or len(data) + 1 > out_len or not out:
                raise ValueError("the token is too long or holds a NUL character")
            lifetime = int(lifetime)
            ctypes.memmove(out, data + b"\0", len(data) + 1)
            expires_in[0] = lifetime
            return 0
        except BaseException as e:  # noqa: BLE001 - nothing may unwind into C
            # The type only: the message could quote the token.
            _log.error("token provider failed: %s", type(e).__name__)
            return _FAILED

    return _native.TOKEN_CALLBACK(trampoline)


def replay_callback(store: ReplayStore) -> Any:
    """A C replay callback calling `store`; keep it alive with the client."""

    def trampoline(_user_data: Optional[int], key: Optional[bytes], ttl_s: int) -> int:
        try:
            if key is None:
                raise ValueError("no key")
            new = store(key.decode("ascii"), int(ttl_s))
            if new is True:
                return _native.REPLAY_NEW
            if new is False:
                return _native.REPLAY_SEEN
            raise TypeError("the replay store must return True (new) or False (seen)")
        except BaseException as e:  # noqa: BLE001 - nothing may unwind into C
            _log.error("replay store failed: %s", type(e).__name__)
            return _FAILED_REPLAY

    return _native.REPLAY_CALLBACK(trampoline)


def log_callback(sink: LogSink) -> Any:
    """A C log callback sending lines to a `logging.Logger` or a callable."""
    emit: Callable[[int, str], None]
    if isinstance(sink, logging.Logger):
        logger = sink

        def to_logger(level: int, message: str) -> None:
            if logger.isEnabledFor(level):
                logger.log(level, "%s", message)

        emit = to_logger
    else:
        emit = sink

    def trampoline(_user_data: Optional[int], level: int, message: Optional[bytes]) -> None:
        try:
            text = "" if message is None else message.decode("utf-8", "replace")
            emit(_LEVELS.get(level, logging.INFO), text)
        except BaseException:  # noqa: BLE001 - a logger must never break a call
            pass

    return _native.LOG_CALLBACK(trampoline)
