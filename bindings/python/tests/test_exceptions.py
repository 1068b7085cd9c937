"""The exception classes: one per library code, named after it, deriving
from the built-in Python callers catch, and documented as the library
maps WeChat's errcodes."""

import inspect
import re
from typing import Dict, Iterator, Set, Tuple

import pytest

import wxface
from wxface.errors import BY_CODE

ERRCODE = re.compile(r"\b(8\d{4}|4\d{4})\b")


def class_name_for(code_name: str) -> str:
    """WXFACE_ERR_NAME_MISMATCH -> NameMismatch."""
    stem = code_name[len("WXFACE_ERR_") :]
    return "".join(part.capitalize() for part in stem.split("_"))


def library_errcodes() -> Dict[int, int]:
    """WeChat errcode -> wxface code, as the library's descriptions state it."""
    mapping: Dict[int, int] = {}
    for code in BY_CODE:
        for errcode in ERRCODE.findall(wxface.code_description(code)):
            mapping[int(errcode)] = code
    return mapping


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


def test_each_class_docstring_names_the_wechat_errcodes_the_library_maps_to_it():
    mapping = library_errcodes()
    assert mapping, "no errcode found in the library's code descriptions"
    for code, cls in BY_CODE.items():
        documented = {int(e) for e in ERRCODE.findall(cls.__doc__ or "")}
        expected = {e for e, c in mapping.items() if c == code}
        assert documented == expected, "%s's docstring: errcodes %s, library: %s" % (
            cls.__name__,
            sorted(documented),
            sorted(expected),
        )


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


# "errcode 84003 (`UserInfoNotFound`)": an errcode and the exception named
# next to it.
ERRCODE_AND_CLASS = re.compile(r"\b(\d{5})\b[^`]{0,40}`(\w+)`")


def test_docstrings_name_the_exception_the_library_raises_for_an_errcode():
    mapping = library_errcodes()
    found = 0
    for where, doc in documented_objects():
        for errcode, named in ERRCODE_AND_CLASS.findall(doc):
            cls = getattr(wxface, named, None)
            if not (isinstance(cls, type) and issubclass(cls, wxface.WxFaceError)):
                continue
            found += 1
            code = mapping.get(int(errcode))
            assert code is not None, "%s mentions errcode %s, which the library does not map" % (
                where,
                errcode,
            )
            assert cls is BY_CODE[code], "%s: errcode %s raises %s (%s), not %s" % (
                where,
                errcode,
                BY_CODE[code].__name__,
                wxface.code_name(code),
                named,
            )
    assert found, "no docstring pairs an errcode with an exception: is the pattern still right?"
