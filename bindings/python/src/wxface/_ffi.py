"""Crossing the boundary: Python values to C arguments, codes to exceptions,
responses to dicts (copied out and freed at once)."""

from ctypes import byref, c_int64, c_void_p
from typing import Any, Callable, Dict, Optional, Sequence, Tuple, Union

from . import _native
from .errors import BY_CODE, WxFaceError

Text = Union[str, bytes]
Fields = Dict[str, str]
Ints = Dict[str, int]


def text(value: Any, name: str, encoding: str = "utf-8") -> bytes:
    """A required string argument as NUL-free bytes.

    str is encoded with `encoding`; bytes pass through unchanged so the
    library can judge them (WXFACE_ERR_INVALID_ENCODING).
    """
    if isinstance(value, str):
        try:
            data = value.encode(encoding)
        except UnicodeEncodeError:
            raise ValueError("%s cannot be encoded as %s" % (name, encoding)) from None
    elif isinstance(value, bytes):
        data = value
    else:
        raise TypeError("%s must be str or bytes, not %s" % (name, type(value).__name__))
    # C strings end at the first NUL: a silent truncation would change what is checked.
    if b"\0" in data:
        raise ValueError("%s contains a NUL character" % name)
    return data


def optional_text(value: Any, name: str, encoding: str = "utf-8") -> Optional[bytes]:
    """Like `text`, with None passed as NULL."""
    return None if value is None else text(value, name, encoding)


def blob(value: Any, name: str) -> bytes:
    """A sized buffer (push bodies): NULs allowed, str as UTF-8."""
    if isinstance(value, str):
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("%s cannot be encoded as UTF-8" % name) from None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError("%s must be str or bytes, not %s" % (name, type(value).__name__))


def error(code: int, err: _native.ErrorStruct) -> WxFaceError:
    lib = _native.lib()
    cls = BY_CODE.get(code, WxFaceError)
    return cls(
        code,
        lib.wxface_code_name(code).decode("ascii", "replace"),
        err.wechat_errcode,
        err.verify_ret,
        err.http_status,
        err.message.decode("utf-8", "replace"),
    )


def check(code: int, err: _native.ErrorStruct) -> None:
    if code != 0:
        raise error(code, err)


def read(response: c_void_p, ints: Sequence[str] = ()) -> Tuple[Fields, Ints]:
    """Every field as text, plus the named ones as integers where they are."""
    lib = _native.lib()
    fields: Fields = {}
    for i in range(lib.wxface_response_count(response)):
        name = lib.wxface_response_field_name(response, i)
        value = None if name is None else lib.wxface_response_str(response, name)
        # NULL: a value holding a NUL byte, which the ABI treats as absent.
        if value is not None:
            fields[name.decode("utf-8", "replace")] = value.decode("utf-8", "replace")
    numbers: Ints = {}
    for name in ints:
        number = c_int64()
        if lib.wxface_response_int(response, name.encode(), byref(number), None) == 0:
            numbers[name] = number.value
    return fields, numbers


def call_for_response(fn: Callable[..., int], *args: Any, ints: Sequence[str] = ()) -> Tuple[Fields, Ints]:
    """Calls `fn(*args, &out, &err)`, reads `out` fully, frees it on every path."""
    out = c_void_p()
    err = _native.ErrorStruct()
    try:
        check(fn(*args, byref(out), byref(err)), err)
        return read(out, ints)
    finally:
        _native.lib().wxface_response_free(out)
