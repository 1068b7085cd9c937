"""The offline helpers: ID normalisation, the 1.0 digests, 2.0's cert_hash,
code names and the library's version. No client, no network."""

from ctypes import byref, create_string_buffer
from typing import Any

from . import _ffi, _native
from ._ffi import Text
from .errors import ArgumentTypeError


def _into_buffer(fn: Any, size: int, *args: bytes) -> str:
    out = create_string_buffer(size)
    err = _native.ErrorStruct()
    _ffi.check(fn(*args, out, byref(err)), err)
    return out.value.decode("ascii")


def normalize_id_card(id_card_number: Text) -> str:
    """The canonical 18 characters (ASCII digits, upper-case X); raises
    InvalidIdCard for a bad length, character, checksum or birth date."""
    lib = _native.lib()
    return _into_buffer(lib.wxface_id_card_normalize, 19, _ffi.text(id_card_number, "id_card_number"))


def md5_id_card_number(id_card_number: Text) -> str:
    """1.0's `id_card_number_md5` (of the normalised number), lower-case hex."""
    lib = _native.lib()
    return _into_buffer(lib.wxface_md5_id_card_number, 33, _ffi.text(id_card_number, "id_card_number"))


def md5_name(name: Text) -> str:
    """1.0's `name_utf8_md5`, lower-case hex."""
    lib = _native.lib()
    return _into_buffer(lib.wxface_md5_name, 33, _ffi.text(name, "name"))


def cert_hash(cert_type: Text, cert_name: Text, cert_no: Text) -> str:
    """2.0's `cert_hash` of (cert_type, cert_name, cert_no) as given,
    lower-case hex. For "IDENTITY_CARD" pass the normalised number, as
    `v2_get_verify_id` does."""
    lib = _native.lib()
    return _into_buffer(
        lib.wxface_cert_hash,
        65,
        _ffi.text(cert_type, "cert_type"),
        _ffi.text(cert_name, "cert_name"),
        _ffi.text(cert_no, "cert_no"),
    )


def out_seq_no_new() -> str:
    """A fresh 2.0 out_seq_no: 32 lower-case hex digits (a UUIDv7), sorting
    by creation time, unique across threads and processes, no personal
    data. For when your system has no order number of its own."""
    out = create_string_buffer(33)  # WXFACE_OUT_SEQ_NO_SIZE
    err = _native.ErrorStruct()
    _ffi.check(_native.lib().wxface_out_seq_no_new(out, len(out), byref(err)), err)
    return out.value.decode("ascii")


def _int32(code: Any) -> int:
    if isinstance(code, bool) or not isinstance(code, int):
        raise _ffi.refuse(ArgumentTypeError, "code must be int, not %s" % type(code).__name__)
    if not -(1 << 31) <= code < 1 << 31:
        return -1  # not a code: the library names it WXFACE_ERR_UNKNOWN
    return int(code)  # mypy for Python 3.8 does not narrow Any through the isinstance above


def code_name(code: int) -> str:
    """The constant's name, e.g. "WXFACE_ERR_NAME_MISMATCH";
    "WXFACE_ERR_UNKNOWN" for a value that is not a code."""
    name: bytes = _native.lib().wxface_code_name(_int32(code))
    return name.decode("ascii", "replace")


def code_description(code: int) -> str:
    """One English sentence: what the code means and what to do."""
    text: bytes = _native.lib().wxface_code_description(_int32(code))
    return text.decode("utf-8", "replace")


def version() -> str:
    """ "MAJOR.MINOR.PATCH" of the loaded library."""
    v: bytes = _native.lib().wxface_version()
    return v.decode("ascii", "replace")


def library_path() -> str:
    """Where the loaded library came from (WXFACE_LIBRARY, bundled, system)."""
    return _native.library_path()
