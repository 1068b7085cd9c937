"""The exception classes: one per library code, named after it, deriving
from the built-in Python callers catch, and documented as the library
maps WeChat's errcodes."""

import inspect
import re
from typing import Dict, Iterator, List, Set, Tuple

import pytest

import wxface
from wxface.errors import BY_CODE

from .conftest import Sandbox


def class_name_for(code_name: str) -> str:
    """WXFACE_ERR_NAME_MISMATCH -> NameMismatch."""
    stem = code_name[len("WXFACE_ERR_") :]
    return "".join(part.capitalize() for part in stem.split("_"))


def test_one_exception_class_per_library_code_named_after_it():
    known = {c: wxface.code_name(c) for c in range(1, 256) if wxface.code_name(c) != "WXFACE_ERR_UNKNOWN"}
    assert set(known) == set(BY_CODE), "the binding's classes and the library's codes differ"
    for code, name in known.items():
        cls = BY_CODE[code]
        assert cls.__name__ == class_name_for(name)
        assert getattr(wxface, cls.__name__) is cls
        assert issubclass(cls, wxface.WxFaceError)


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (wxface.Timeout, TimeoutError),
        (wxface.Network, ConnectionError),
        (wxface.InvalidArgument, ValueError),
        (wxface.InvalidEncoding, ValueError),
        (wxface.InvalidIdCard, ValueError),
        (wxface.ArgumentTypeError, TypeError),
        (wxface.ArgumentTypeError, wxface.InvalidArgument),
    ],
)
def test_exceptions_are_also_the_matching_builtins(cls, builtin):
    assert issubclass(cls, builtin)
    assert issubclass(cls, wxface.WxFaceError)


def test_a_timeout_caught_as_timeout_error_keeps_every_detail():
    with pytest.raises(TimeoutError) as info:
        raise wxface.Timeout(11, "WXFACE_ERR_TIMEOUT", 0, 0, 0, "no answer in 500 ms")
    assert str(info.value) == "WXFACE_ERR_TIMEOUT: no answer in 500 ms"
    assert info.value.code == 11


def test_none_is_a_type_error_that_is_a_wxface_error_with_the_invalid_argument_code():
    with pytest.raises(TypeError) as info:
        wxface.md5_name(None)  # type: ignore[arg-type]
    error = info.value
    assert isinstance(error, wxface.WxFaceError)
    assert (error.code, error.code_name) == (1, "WXFACE_ERR_INVALID_ARGUMENT")
    assert "name" in error.message


def test_errors_carry_every_detail():
    e = wxface.NotPassed(30, "WXFACE_ERR_NOT_PASSED", 0, 10004, 200, "identify_ret 10004")
    assert (e.code, e.code_name, e.wechat_errcode, e.verify_ret, e.http_status, e.message) == (
        30,
        "WXFACE_ERR_NOT_PASSED",
        0,
        10004,
        200,
        "identify_ret 10004",
    )
    assert "verify_ret=10004" in str(e)


def documented_objects() -> Iterator[Tuple[str, str]]:
    """(qualified name, docstring) of every public function, method and class."""
    seen: Set[int] = set()
    for name in wxface.__all__:
        obj = getattr(wxface, name)
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        yield name, inspect.getdoc(obj) or ""
        if inspect.isclass(obj):
            for member, value in vars(obj).items():
                if callable(value) and not member.startswith("_"):
                    yield "%s.%s" % (name, member), inspect.getdoc(value) or ""


def errcodes_in(text: str) -> List[int]:
    """The WeChat errcodes a text names: 84003, and ranges like 84010-84016."""
    out: List[int] = []
    for first, last in ERRCODE_OR_RANGE.findall(text):
        out.extend(range(int(first), int(last or first) + 1))
    return out


ERRCODE_OR_RANGE = re.compile(r"\b([48]\d{4})(?:-([48]\d{4}))?\b")
# "errcode 84003 (`UserInfoNotFound`)": an errcode and the exception named next to it.
ERRCODE_AND_CLASS = re.compile(r"\b([48]\d{4})\b[^`]{0,40}`(\w+)`")


def documented_claims() -> Dict[int, Set[str]]:
    """errcode -> where the docs say which exception it raises (class docstrings,
    and "errcode N (`Class`)" in any docstring)."""
    claims: Dict[int, Set[Tuple[str, type]]] = {}
    for cls in BY_CODE.values():
        for errcode in errcodes_in(cls.__doc__ or ""):
            claims.setdefault(errcode, set()).add((cls.__name__ + " docstring", cls))
    for where, doc in documented_objects():
        for errcode, named in ERRCODE_AND_CLASS.findall(doc):
            cls = getattr(wxface, named, None)
            if isinstance(cls, type) and issubclass(cls, wxface.WxFaceError):
                claims.setdefault(int(errcode), set()).add((where, cls))
    return claims  # type: ignore[return-value]


GET_INFO = "/cityservice/face/identify/getinfo"


def test_docstrings_name_the_exception_the_library_raises_for_each_errcode(
    clean_sandbox: Sandbox, client: wxface.Client
) -> None:
    """The mapping is the library's: WeChat (the sandbox) answers each
    documented errcode and the exception raised must be the documented one."""
    claims = documented_claims()
    assert len(claims) >= 10, "too few errcodes documented: is the pattern still right?"
    for errcode, places in sorted(claims.items()):
        clean_sandbox.fault(path=GET_INFO, kind="errcode", errcode=errcode)
        with pytest.raises(wxface.WxFaceError) as info:
            client.v1_get_info("vr-docstring-check")
        assert info.value.wechat_errcode == errcode
        for where, cls in places:
            assert type(info.value) is cls, "%s says errcode %d raises %s; the library raises %s (%s)" % (
                where,
                errcode,
                cls.__name__,
                type(info.value).__name__,
                info.value.code_name,
            )
