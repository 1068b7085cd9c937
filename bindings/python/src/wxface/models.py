"""What the calls return: plain dataclasses copied out of C responses.

Each keeps every field WeChat sent in `fields` (text, WeChat's names).
verify_result, `fields` and photo bytes stay out of repr(): they must not
reach logs.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Type, TypeVar

T = TypeVar("T")

# Where a result made by a call keeps its answer's field names and values
# until `fields` is first read.
_PAIRS = "_pairs"


class _Answer:
    """What the results of calls share: `fields`, every field of the answer
    as a dict, is built from the answer's names and values when first read
    (most callers never read it; the typed attributes are set when the
    result is made). Until then the instance's __dict__ holds those names
    and values under `_pairs` instead; equality, pickling, copying,
    `dataclasses.replace` and `asdict` read `fields` and so build it."""

    __slots__ = ()

    if not TYPE_CHECKING:  # mypy would accept any attribute name

        def __getattr__(self, name: str) -> Any:
            # Only for names the instance and its class lack.
            if name == "fields" and ("fields" in self.__dict__ or _PAIRS in self.__dict__):
                return _fields(self.__dict__)
            raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))

    def __getstate__(self) -> Dict[str, Any]:
        # What __init__ would have made: pickles stay the same as before.
        held: Dict[str, Any] = self.__dict__
        _fields(held)
        return held


def _fields(held: Dict[str, Any]) -> Dict[str, str]:
    """`fields` of the instance whose __dict__ is `held`, built and stored
    there (in place of `_pairs`) when not yet."""
    pairs = held.get(_PAIRS)
    if pairs is None:
        # Built already, maybe by another thread since the caller looked.
        fields: Dict[str, str] = held["fields"]
        return fields
    # Two threads reading it first both build it; both get the one stored
    # first.
    fields = held.setdefault("fields", dict(zip(*pairs)))
    held.pop(_PAIRS, None)
    return fields


@dataclass(frozen=True)
class UserIdKey(_Answer):
    """1.0 getuseridkey: hand `user_id_key` to the mini program."""

    user_id_key: str
    expires_in: Optional[int]
    fields: Dict[str, str] = field(repr=False)


@dataclass(frozen=True)
class V1Result(_Answer):
    """1.0 getinfo's record. From `v1_verify` it is a verdict that passed;
    from `v1_get_info` it is WeChat's answer, not judged."""

    identify_ret: Optional[int]
    openid: Optional[str]
    user_id_key: Optional[str]
    finish_time: Optional[int]
    fields: Dict[str, str] = field(repr=False)


@dataclass(frozen=True)
class VerifyId(_Answer):
    """2.0 getverifyid: keep verify_id, cert_hash (with out_seq_no and openid)
    for `v2_query`; the raw name and number are no longer needed."""

    verify_id: str
    expires_in: Optional[int]
    cert_hash: str
    fields: Dict[str, str] = field(repr=False)


@dataclass(frozen=True)
class V2Result(_Answer):
    """2.0 queryverifyinfo that passed (verify_ret 10000)."""

    verify_ret: Optional[int]
    fields: Dict[str, str] = field(repr=False)


@dataclass(frozen=True)
class Image:
    """The photo taken during a verification (getimage), as WeChat sent it.

    Biometric data: store it only where the law allows, never log it; repr()
    shows only its size and content type."""

    data: bytes
    content_type: str

    def __repr__(self) -> str:
        return "Image(content_type=%r, %d bytes)" % (self.content_type, len(self.data))


@dataclass(frozen=True)
class PushEvent(_Answer):
    """An opened push. A hint only: call `v1_verify(verify_result, ...)`."""

    event: Optional[str]
    msg_type: Optional[str]
    openid: Optional[str]
    out_seq_no: Optional[str]
    create_time: Optional[int]
    to_user_name: Optional[str]
    from_user_name: Optional[str]
    verify_result: Optional[str] = field(repr=False)
    fields: Dict[str, str] = field(repr=False)


@dataclass(frozen=True)
class SealedPush:
    """A push as WeChat would send it: POST `body` to `url?` + `query`."""

    query: str
    body: str = field(repr=False)


def answer(cls: Type[T], values: Dict[str, Any], names: List[str], texts: List[str]) -> T:
    """An instance of one of the `_Answer` dataclasses with `values` for
    every field but `fields`, which is built from `names` and `texts` (the
    answer's field names and values, in order) when first read.

    A frozen dataclass's __init__ stores each field through
    object.__setattr__, one call a field; results are made on every call,
    so `values` becomes their __dict__ in one step instead. They have no
    __post_init__ and no defaults that compute anything, so the instance
    equals what __init__ makes (tests/test_client.py compares them); it
    stays frozen. `values` is the instance's from then on."""
    values[_PAIRS] = (names, texts)
    obj: T = _new(cls)
    _set(obj, "__dict__", values)
    return obj


_new = object.__new__
_set = object.__setattr__
