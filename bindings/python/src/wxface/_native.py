"""Finding libwxface and declaring its C functions for ctypes.

Every function gets argtypes and restype: without them ctypes guesses
`int` for pointers and truncates them on 64-bit machines.
"""

import ctypes
import ctypes.util
import os
import sys
import threading
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char,
    c_char_p,
    c_int32,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint32,
    c_void_p,
)
from typing import Any, List, Optional, Tuple

#: The MAJOR.MINOR of the libwxface this binding was written against. In
#: 0.x an ABI may break at MINOR (ABI.md), so both must match.
ABI_VERSION = (0, 2)

#: Room a token callback has for the token, NUL included (WXFACE_TOKEN_MAX).
TOKEN_MAX = 2049


class LibraryNotFoundError(OSError):
    """libwxface could not be loaded from any of the places tried."""

    def __init__(self, tried: List[Tuple[str, str]]) -> None:
        self.tried = tried
        lines = "\n".join("  %s: %s" % (path, why) for path, why in tried)
        super().__init__("cannot load libwxface; set WXFACE_LIBRARY to its absolute path. Tried:\n" + lines)


class ErrorStruct(Structure):
    """`struct wxface_error`: filled by every fallible call."""

    _fields_ = [
        ("code", c_int32),
        ("wechat_errcode", c_int32),
        ("verify_ret", c_int32),
        ("http_status", c_int32),
        ("message", c_char * 512),
    ]


# int32_t (*)(void *user_data, const char *stale_token, char *token_out,
#             size_t token_out_len, int64_t *expires_in_s)
TOKEN_CALLBACK = CFUNCTYPE(c_int32, c_void_p, c_char_p, c_void_p, c_size_t, POINTER(c_int64))
# int32_t (*)(void *user_data, const char *key, int64_t ttl_s)
REPLAY_CALLBACK = CFUNCTYPE(c_int32, c_void_p, c_char_p, c_int64)
REPLAY_NEW = 1  # WXFACE_REPLAY_NEW
REPLAY_SEEN = 2  # WXFACE_REPLAY_SEEN
# void (*)(void *user_data, int32_t level, const char *message)
LOG_CALLBACK = CFUNCTYPE(None, c_void_p, c_int32, c_char_p)
# void (*)(void *user_data, const wxface_response *record, const char *json)
AUDIT_CALLBACK = CFUNCTYPE(None, c_void_p, c_void_p, c_char_p)

# The out-pointer and the error struct are passed as addresses: the hot
# path hands over each thread's own, made once, as plain integers (which
# ctypes converts several times faster than a byref() for a POINTER
# parameter); byref() and None are accepted too.
_ERR = c_void_p
_OUT = c_void_p
# A size_t argument on the hot path (push_open's body length), declared as
# c_void_p: the same size and passing as size_t on every platform wxface
# supports, and ctypes converts an int to it without making a c_size_t
# object per call, as it does for every other integer type.
_SIZE = c_void_p

# name: (restype, argtypes)
_PROTOTYPES = {
    "wxface_version": (c_char_p, []),
    "wxface_code_name": (c_char_p, [c_int32]),
    "wxface_code_description": (c_char_p, [c_int32]),
    "wxface_config_new": (c_void_p, []),
    "wxface_config_free": (None, [c_void_p]),
    "wxface_config_set": (c_int32, [c_void_p, c_char_p, c_char_p, _ERR]),
    "wxface_config_load_file": (c_int32, [c_void_p, c_char_p, _ERR]),
    "wxface_config_set_token_callback": (c_int32, [c_void_p, TOKEN_CALLBACK, c_void_p, _ERR]),
    "wxface_config_set_log_callback": (c_int32, [c_void_p, LOG_CALLBACK, c_void_p, _ERR]),
    "wxface_config_set_replay_callback": (c_int32, [c_void_p, REPLAY_CALLBACK, c_void_p, _ERR]),
    "wxface_config_set_audit_callback": (c_int32, [c_void_p, AUDIT_CALLBACK, c_void_p, _ERR]),
    "wxface_client_new": (c_int32, [c_void_p, _OUT, _ERR]),
    "wxface_client_with_timeout": (c_int32, [c_void_p, c_uint32, _OUT, _ERR]),
    "wxface_client_free": (None, [c_void_p]),
    "wxface_client_stats": (c_int32, [c_void_p, _OUT, _ERR]),
    "wxface_id_card_normalize": (c_int32, [c_char_p, c_char_p, _ERR]),
    "wxface_md5_id_card_number": (c_int32, [c_char_p, c_char_p, _ERR]),
    "wxface_md5_name": (c_int32, [c_char_p, c_char_p, _ERR]),
    "wxface_cert_hash": (c_int32, [c_char_p, c_char_p, c_char_p, c_char_p, _ERR]),
    "wxface_push_check_url": (c_int32, [c_void_p, c_char_p, _ERR]),
    "wxface_push_url_echo": (c_int32, [c_void_p, c_char_p, _OUT, _ERR]),
    # The body's size as _SIZE: see there.
    "wxface_push_open": (c_int32, [c_void_p, c_char_p, c_char_p, _SIZE, _OUT, _ERR]),
    "wxface_push_seal": (
        c_int32,
        [c_void_p, c_char_p, c_char_p, c_char_p, c_size_t, c_int64, c_char_p, _OUT, _ERR],
    ),
    "wxface_response_str": (c_char_p, [c_void_p, c_char_p]),
    "wxface_response_int": (c_int32, [c_void_p, c_char_p, POINTER(c_int64), _ERR]),
    "wxface_response_bytes": (
        c_int32,
        [c_void_p, c_char_p, POINTER(POINTER(c_uint8)), POINTER(c_size_t), _ERR],
    ),
    "wxface_response_texts": (c_int32, [c_void_p, c_void_p, c_void_p, _ERR]),
    "wxface_response_count": (c_size_t, [c_void_p]),
    "wxface_response_field_name": (c_char_p, [c_void_p, c_size_t]),
    "wxface_response_free": (None, [c_void_p]),
    "wxface_v1_get_user_id_key": (c_int32, [c_void_p, c_char_p, c_char_p, c_char_p, _OUT, _ERR]),
    "wxface_v1_get_info": (c_int32, [c_void_p, c_char_p, _OUT, _ERR]),
    "wxface_v1_get_image": (c_int32, [c_void_p, c_char_p, _OUT, _ERR]),
    "wxface_v1_verify": (
        c_int32,
        [c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p, _OUT, _ERR],
    ),
    "wxface_v2_get_verify_id": (
        c_int32,
        [c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, _OUT, _ERR],
    ),
    "wxface_v2_query": (c_int32, [c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, _OUT, _ERR]),
    "wxface_v2_wait": (
        c_int32,
        [c_void_p, c_char_p, c_char_p, c_char_p, c_char_p, c_uint32, c_void_p, _OUT, _ERR],
    ),
    "wxface_out_seq_no_new": (c_int32, [c_char_p, c_size_t, _ERR]),
}


# Calls that never block and return within microseconds (reading and freeing
# responses, naming codes): made without releasing the GIL (PyDLL). Handing
# the GIL to another thread and waiting to have it back would cost more than
# these calls when threads share the process.
_QUICK = (
    "wxface_code_name",
    "wxface_response_str",
    "wxface_response_int",
    "wxface_response_bytes",
    "wxface_response_texts",
    "wxface_response_count",
    "wxface_response_field_name",
    "wxface_response_free",
)


def _file_name() -> str:
    if sys.platform == "win32":
        return "wxface.dll"
    if sys.platform == "darwin":
        return "libwxface.dylib"
    return "libwxface.so"


def _declare(lib: ctypes.CDLL, names: Any = _PROTOTYPES) -> None:
    for name in names:
        restype, argtypes = _PROTOTYPES[name]
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


def check_version(version: str) -> None:
    """Refuses a library of another MAJOR.MINOR, naming both versions."""
    parts = version.split(".")
    wanted = "%d.%d" % ABI_VERSION
    if len(parts) != 3 or "%s.%s" % (parts[0], parts[1]) != wanted:
        raise OSError(
            "libwxface %s is not compatible with this binding, which needs %s.x "
            "(0.x releases break the ABI at MINOR)" % (version, wanted)
        )


def _open(path: str) -> ctypes.CDLL:
    lib = ctypes.CDLL(path)
    # The version first: an older or newer library may lack other symbols,
    # and its version is the clearer message.
    try:
        lib.wxface_version.restype = c_char_p
        lib.wxface_version.argtypes = []
    except AttributeError:
        raise OSError("not a libwxface: no wxface_version") from None
    check_version(lib.wxface_version().decode("ascii", "replace"))
    try:
        _declare(lib)
    except AttributeError as e:
        raise OSError("not a compatible libwxface (%s)" % e) from None
    return lib


def candidates() -> List[Tuple[str, Optional[str]]]:
    """Where to look, in order, as (label, path); path None means not found."""
    found: List[Tuple[str, Optional[str]]] = []
    env = os.environ.get("WXFACE_LIBRARY")
    if env:
        found.append(("WXFACE_LIBRARY", env))
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), _file_name())
    found.append(("bundled", here))
    found.append(("system", ctypes.util.find_library("wxface")))
    return found


def load() -> Tuple[ctypes.CDLL, str]:
    """Loads the first working library; WXFACE_LIBRARY, when set, is final."""
    tried: List[Tuple[str, str]] = []
    for label, path in candidates():
        if path is None:
            tried.append(("find_library('wxface')", "not found on the system search path"))
            continue
        if label == "bundled" and not os.path.exists(path):
            tried.append((path, "no copy bundled next to the module"))
            continue
        try:
            return _open(path), path
        except OSError as e:
            tried.append((path, str(e)))
            # Someone who names a library means that one: do not fall back.
            if label == "WXFACE_LIBRARY":
                break
    raise LibraryNotFoundError(tried)


_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None
_quick: Optional[ctypes.PyDLL] = None
_path: Optional[str] = None

# The calls Client._call makes on every call, bound once the library is
# loaded (a Client loads it when made) as function objects of their own
# without argtypes, "untyped": ctypes then passes each argument as it is
# (bytes and None as char *, byref() and ctypes instances as what they
# hold) where a declared type would call its from_param for each argument,
# which makes an object per argument and, for bytes or an int, searches
# ctypes' table of formats. Only the hot path calls them, with arguments of
# those kinds only: an int would reach C as an int (push_open's body length
# does, below 2**31, which libffi widens to size_t), and a pointer as an
# int would be cut to 32 bits. The first three keep the GIL (_QUICK).
response_texts: Any = None
response_free: Any = None
bytes_at: Any = None
wxface_v1_get_user_id_key: Any = None
wxface_v1_get_info: Any = None
wxface_v1_verify: Any = None
wxface_v2_get_verify_id: Any = None
wxface_v2_query: Any = None
wxface_v2_wait: Any = None
wxface_push_url_echo: Any = None
wxface_push_open: Any = None
_UNTYPED = (
    "wxface_v1_get_user_id_key",
    "wxface_v1_get_info",
    "wxface_v1_verify",
    "wxface_v2_get_verify_id",
    "wxface_v2_query",
    "wxface_v2_wait",
    "wxface_push_url_echo",
    "wxface_push_open",
)


def _untyped(dll: ctypes.CDLL, name: str, restype: Any) -> Any:
    """`dll`'s function `name` as a function object of its own (not the
    one `dll.name` gives and _declare declares), without argtypes."""
    fn = dll._FuncPtr((name, dll))
    fn.restype = restype
    return fn


def lib() -> Any:
    """The loaded library, loaded on first use (so importing never fails)."""
    global _lib, _quick, _path, response_texts, response_free, bytes_at
    if _lib is None:
        with _lock:
            if _lib is None:
                loaded_lib, path = load()
                # The same library again (dlopen hands back the same one),
                # for the calls in _QUICK, which keep the GIL.
                quick_lib = ctypes.PyDLL(path)
                _declare(quick_lib, _QUICK)
                _quick, _path = quick_lib, path
                response_texts = _untyped(quick_lib, "wxface_response_texts", c_int32)
                response_free = _untyped(quick_lib, "wxface_response_free", None)
                # A bytes object copied from an address and a size (the
                # texts block), made by Python's own C API in one call.
                bytes_at = _untyped(ctypes.pythonapi, "PyBytes_FromStringAndSize", ctypes.py_object)
                for name in _UNTYPED:
                    globals()[name] = _untyped(loaded_lib, name, c_int32)
                _lib = loaded_lib
    return _lib


def pointer_arg(address: int) -> Any:
    """The pointer `address` as an argument an untyped call passes as it
    is, with no object made per call: a reference (byref) to the byte at
    that address."""
    return ctypes.byref(c_char.from_address(address))


def quick() -> Any:
    """The calls of _QUICK, made without releasing the GIL."""
    if _quick is None:
        lib()
    return _quick


def library_path() -> str:
    """The path libwxface was loaded from."""
    lib()
    assert _path is not None
    return _path
