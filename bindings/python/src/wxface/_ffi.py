"""Crossing the boundary: Python values to C arguments, codes to exceptions,
responses to bytes and dicts of text and bytes (copied out and freed at once)."""

from ctypes import POINTER, byref, c_size_t, c_ssize_t, c_uint8, c_void_p, string_at
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple, Type, Union

from . import _native
from .errors import BY_CODE, ArgumentTypeError, InvalidArgument, InvalidEncoding, WxFaceError
from .models import fields_of

Text = Union[str, bytes]
Fields = Dict[str, str]
Blobs = Dict[str, bytes]
#: A call's scratch (`scratch()`): its out-pointer, error struct, texts
#: pointer and size, each with a reference to it (byref).
Hot = Tuple[c_void_p, Any, _native.ErrorStruct, Any, Any, Any, c_void_p, c_ssize_t]


def refuse(cls: Type[WxFaceError], message: str) -> WxFaceError:
    """An error the binding raises itself, before any C call, for an
    argument C cannot even receive; it carries the library's code as if
    the library had refused it."""
    name = _native.lib().wxface_code_name(cls.code).decode("ascii", "replace")
    return cls(cls.code, name, 0, 0, 0, message)


def text(value: Any, name: str) -> bytes:
    """A required string argument as NUL-free UTF-8 bytes.

    str is encoded as UTF-8: the library always receives UTF-8 from Python
    (GBK callers are C callers, see README). bytes pass through unchanged
    so the library judges them (InvalidEncoding when not UTF-8).
    """
    if type(value) is str and "\0" not in value:
        # The usual case, on every call: checked before encoding, on the str.
        try:
            return value.encode()
        except UnicodeEncodeError as e:
            raise refuse(InvalidEncoding, "%s holds a lone surrogate at index %d" % (name, e.start)) from None
    if isinstance(value, str):
        try:
            data = value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise refuse(InvalidEncoding, "%s holds a lone surrogate at index %d" % (name, e.start)) from None
    elif isinstance(value, bytes):
        data = value
    else:
        raise refuse(ArgumentTypeError, "%s must be str or bytes, not %s" % (name, type(value).__name__))
    # C strings end at the first NUL: a silent truncation would change what is checked.
    if b"\0" in data:
        raise refuse(InvalidArgument, "%s contains a NUL character" % name)
    return data


def texts(values: Tuple[Any, ...], names: Tuple[str, ...]) -> List[Optional[bytes]]:
    """Required string arguments, each as `text(value, name)` gives it. The
    usual case, every one a str, in three C-level steps: joined with NUL,
    encoded once and split at NUL; one piece more than values means one
    held a NUL. `text` names the argument that was wrong."""
    try:
        pieces: List[Any] = "\0".join(values).encode().split(b"\0")
        if len(pieces) == len(values):
            return pieces
    except (TypeError, UnicodeEncodeError):
        # Not all str, or a lone surrogate.
        pass
    return list(map(text, values, names))


def optional_text(value: Any, name: str) -> Optional[bytes]:
    """Like `text`, with None passed as NULL."""
    return None if value is None else text(value, name)


def blob(value: Any, name: str) -> bytes:
    """A sized buffer (push bodies): NULs allowed, str as UTF-8."""
    if type(value) is bytes:
        return value
    if isinstance(value, str):
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise refuse(InvalidEncoding, "%s holds a lone surrogate at index %d" % (name, e.start)) from None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise refuse(ArgumentTypeError, "%s must be str or bytes, not %s" % (name, type(value).__name__))


def integer(value: Any, name: str, low: int, high: int) -> int:
    """An int argument within [low, high]; bool is refused (True is not a number)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise refuse(ArgumentTypeError, "%s must be int, not %s" % (name, type(value).__name__))
    if not low <= value <= high:
        raise refuse(InvalidArgument, "%s must be from %d to %d" % (name, low, high))
    number: int = value  # mypy for Python 3.8 does not narrow Any through the isinstance above
    return number


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


class Answer(NamedTuple):
    """A response copied out: text fields and binary fields."""

    fields: Fields
    blobs: Blobs


def read_bytes(response: c_void_p, name: bytes) -> bytes:
    """A field's bytes exactly as held (NULs and all); NotFound if absent."""
    data = POINTER(c_uint8)()
    size = c_size_t()
    err = _native.ErrorStruct()
    check(_native.quick().wxface_response_bytes(response, name, byref(data), byref(size), byref(err)), err)
    # A zero-length field may come with a NULL pointer, which string_at cannot read.
    return string_at(data, size.value) if size.value else b""


def read(response: c_void_p, hot: Hot, binary: Sequence[str] = ()) -> Answer:
    """Every field: as text where the library has text for it, else as bytes
    (the photo of getimage). The `binary` names must be present: their
    absence raises NotFound.

    One C call for all the text fields (wxface_response_texts: name NUL
    value NUL ...), split here; fields without a text form are read by
    index."""
    lib = _native.quick()
    fields = fields_of(texts_of(response, hot))
    blobs: Blobs = {}
    count = lib.wxface_response_count(response)
    if len(fields) < count:
        field_name = lib.wxface_response_field_name
        for i in range(count):
            name = field_name(response, i)
            key = name.decode("utf-8", "replace") if name is not None else None
            if key is not None and key not in fields:
                # No text form: a binary field, or text holding a NUL byte.
                blobs[key] = read_bytes(response, name)
    for name in binary:
        if name not in blobs:
            blobs[name] = read_bytes(response, name.encode())
    return Answer(fields, blobs)


def texts_of(response: c_void_p, hot: Hot) -> bytes:
    """Every field of `response` with a text form in one block, name NUL
    value NUL ..., the last NUL included (b"" for none): one C call
    (wxface_response_texts), copied out of the response by a second
    (PyBytes_FromStringAndSize). `hot`: the call's `scratch()`."""
    _, _, err, err_ref, texts_ref, size_ref, texts, size = hot
    # Untyped calls (see _native): every argument a ctypes object.
    code = _native.response_texts(response, texts_ref, size_ref, err_ref)
    if code:
        raise error(code, err)
    # A response without text fields gives size 0 (and maybe NULL): b"".
    result: bytes = _native.bytes_at(texts, size)
    return result


def scratch() -> Hot:
    """What one call writes into, made once and used by one call at a time
    (a client keeps those its calls made: Client._free): the out-pointer,
    the error struct, the texts pointer and size (a size_t, read as
    ssize_t: Python's size type), each with a reference to it (byref),
    which untyped calls pass as the address they hold."""
    out, err, texts, size = c_void_p(), _native.ErrorStruct(), c_void_p(), c_ssize_t()
    return (out, byref(out), err, byref(err), byref(texts), byref(size), texts, size)


def call_for_response(fn: Callable[..., int], *args: Any, binary: Sequence[str] = ()) -> Answer:
    """Calls `fn(*args, &out, &err)`, reads `out` fully, frees it on every path."""
    hot = scratch()
    out, out_ref, err, err_ref = hot[:4]
    code = fn(*args, out_ref, err_ref)
    if code != 0:
        raise error(code, err)
    try:
        return read(out, hot, binary)
    finally:
        _native.response_free(out)
