"""What the calls return: plain dataclasses copied out of C responses.

Each keeps every field WeChat sent in `fields` (text, WeChat's names).
verify_result, `fields` and photo bytes stay out of repr(): they must not
reach logs.
"""

from dataclasses import dataclass, field
from typing import Any, ClassVar, Dict, List, NamedTuple, Optional, Tuple, Type, TypeVar, Union

# The key under which a result made by a call keeps its answer in its
# __dict__ until an attribute is first read: the library's texts block
# (name NUL value NUL ..., see `fields_of`), as bytes.
ANSWER = "_answer"

A = TypeVar("A", bound="_Answer")


def fields_of(texts: bytes) -> Dict[str, str]:
    """A texts block (wxface_response_texts: name NUL value NUL ..., the
    last NUL included) as a dict of every field in it."""
    pairs = iter(str(texts, "utf-8", "replace").split("\0"))
    # The block ends in NUL: the last, empty piece has no partner and is dropped.
    return dict(zip(pairs, pairs))


# Rust's char::is_whitespace (Unicode White_Space), which the library trims
# before reading a text field as an integer; str.strip() would also take
# U+001C to U+001F.
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def _integer(value: Union[str, bytes, None]) -> Optional[int]:
    """A field's text form (str, or its UTF-8 bytes from a texts block) as
    an integer, as the library's wxface_response_int reads the field (None
    where it finds none): an int64 in decimal, an optional sign,
    surrounding white space allowed. The text form of every field that is
    no integer (JSON floats, objects, numbers beyond int64) fails that
    reading, so the text alone decides."""
    if value is None:
        return None
    # WeChat's integers are plain digits: fewer than 19 always fit an int64.
    # int() reads ASCII digits from bytes as from str.
    if len(value) < 19 and value.isdigit() and value.isascii():
        return int(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    value = value.strip(_WHITE_SPACE)
    digits = value[1:] if value[:1] in ("+", "-") else value
    # int() would also take "_", inner spaces and other scripts' digits.
    if not (digits.isdigit() and digits.isascii()):
        return None
    number = int(value)
    return number if -(1 << 63) <= number < 1 << 63 else None


# How a typed attribute is read from its field's text.
TEXT = "text"  # as it is; None when absent
TEXT_OR_EMPTY = "text or empty"  # "" when absent
INTEGER = "integer"  # see _integer; None when absent or no integer


class _Reading(NamedTuple):
    """The typed attributes of a result, in the order the dataclass
    declares them, each with WeChat's name for its field and how it is
    read, and the positions of those read as integers and of those that
    are "" when absent."""

    attributes: Tuple[str, ...]
    names: Tuple[str, ...]
    hows: Tuple[str, ...]
    integers: Tuple[int, ...]
    or_empty: Tuple[int, ...]


def _reading(*read: Tuple[str, str, str]) -> _Reading:
    """A `_Reading` from (attribute, WeChat's name, TEXT | TEXT_OR_EMPTY |
    INTEGER) for each typed attribute."""
    return _Reading(
        tuple(attribute for attribute, _, _ in read),
        tuple(name for _, name, _ in read),
        tuple(how for _, _, how in read),
        tuple(i for i, (_, _, how) in enumerate(read) if how == INTEGER),
        tuple(i for i, (_, _, how) in enumerate(read) if how == TEXT_OR_EMPTY),
    )


class _Answer:
    """What the results of calls share: a call keeps the answer as the
    library gave it (its texts block, one bytes object, under `_answer` in
    the instance's __dict__) and each attribute is made from it when first
    read: a typed one from its own field only, `fields` (every text field
    of the answer as a dict) together with every typed one, after which
    the block goes. Most callers read one or two typed attributes, many
    none. Equality, repr, pickling, copying, `dataclasses.replace` and
    `asdict` read the attributes and so make them; a result made by
    __init__ holds every attribute from the start."""

    __slots__ = ()

    # Every attribute but `fields`.
    _READ: ClassVar[_Reading] = _reading()

    def __getstate__(self) -> Dict[str, Any]:
        # What __init__ would have made: pickles stay the same as before.
        held: Dict[str, Any] = self.__dict__
        answer = held.get(ANSWER)
        if answer is not None:
            _make(self._READ, held, answer)
        return held


def _make(read: _Reading, held: Dict[str, Any], answer: bytes) -> None:
    """Every attribute of the instance whose __dict__ is `held`, made from
    the texts block `answer` and stored there in place of it."""
    fields = fields_of(answer)
    values: List[Any] = list(map(fields.get, read.names))
    for i in read.integers:
        values[i] = _integer(values[i])
    for i in read.or_empty:
        values[i] = values[i] or ""
    # Two threads reading first both make them: the typed values are equal
    # whichever is stored, but `fields`, which the caller may change, must
    # be one dict, the one stored first. The block goes last: a reader that
    # finds it gone finds every attribute.
    held.update(zip(read.attributes, values))
    held.setdefault("fields", fields)
    held.pop(ANSWER, None)


def _or_empty(value: Optional[bytes]) -> str:
    return "" if value is None else value.decode("utf-8", "replace")


# How a typed attribute's value is made from its field's UTF-8 bytes (None
# when absent). None: decoded as `fields_of` decodes it.
_CONVERT = {TEXT: None, TEXT_OR_EMPTY: _or_empty, INTEGER: _integer}


class _Typed:
    """A typed attribute of a result: a non-data descriptor, so Python
    reads the attribute from the instance's __dict__ whenever it is there
    (always for a result made by __init__) and calls this only while it is
    not: then it is read from the answer's block, alone, and stored."""

    __slots__ = ("attribute", "convert", "name")

    def __init__(self, attribute: str, name: str, how: str) -> None:
        self.attribute = attribute
        self.name = name.encode()
        self.convert = _CONVERT[how]

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        try:
            held = instance.__dict__
            answer = held[ANSWER]
        except (AttributeError, KeyError):
            # The class asked, or `fields` made by another thread since this read began.
            return _held(instance, owner, self.attribute)
        # In C-level steps: the block's pieces (names at even places, each
        # followed by its value) and the name's place among them. Names are
        # unique in a block (the library's answers are maps), but a value
        # may read like a name: a match at an odd place is passed over.
        pieces = answer.split(b"\0")
        name = self.name
        try:
            at = pieces.index(name)
            while at & 1:
                at = pieces.index(name, at + 1)
            raw: Optional[bytes] = pieces[at + 1]
        except ValueError:
            raw = None
        convert = self.convert
        if convert is None:
            value: Any = None if raw is None else raw.decode("utf-8", "replace")
        else:
            value = convert(raw)
        return held.setdefault(self.attribute, value)


class _Fields:
    """The `fields` attribute of a result, like `_Typed`: made on first
    read with every typed attribute not read yet."""

    __slots__ = ()

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is not None:
            held = instance.__dict__
            answer = held.get(ANSWER)
            if answer is not None:
                _make(type(instance)._READ, held, answer)
        return _held(instance, owner, "fields")


def _held(instance: Any, owner: Any, attribute: str) -> Any:
    """`attribute` as the instance's __dict__ holds it; AttributeError, as
    for any dataclass field without a default, when the class is asked or
    the instance lacks it (made without __init__ nor an answer)."""
    if instance is None:
        raise AttributeError("type object %r has no attribute %r" % (owner.__name__, attribute))
    try:
        return instance.__dict__[attribute]
    except KeyError:
        raise AttributeError("%r object has no attribute %r" % (type(instance).__name__, attribute)) from None


def _answered(cls: Type[A]) -> Type[A]:
    """Gives the dataclass `cls` its attributes' readers, after @dataclass
    has seen the class (to which they are no defaults)."""
    read = cls._READ
    declared = tuple(name for name in vars(cls)["__dataclass_fields__"] if name != "fields")
    if declared != read.attributes:
        raise TypeError("%s._READ: %s, not its attributes %s" % (cls.__name__, read.attributes, declared))
    readers: Dict[str, Any] = {"fields": _FIELDS}
    for attribute, name, how in zip(read.attributes, read.names, read.hows):
        readers[attribute] = _Typed(attribute, name, how)
    for attribute, reader in readers.items():
        setattr(cls, attribute, reader)
    return cls


_FIELDS = _Fields()


@_answered
@dataclass(frozen=True)
class UserIdKey(_Answer):
    """1.0 getuseridkey: hand `user_id_key` to the mini program."""

    user_id_key: str
    expires_in: Optional[int]
    fields: Dict[str, str] = field(repr=False)

    _READ = _reading(("user_id_key", "user_id_key", TEXT_OR_EMPTY), ("expires_in", "expires_in", INTEGER))


@_answered
@dataclass(frozen=True)
class V1Result(_Answer):
    """1.0 getinfo's record. From `v1_verify` it is a verdict that passed;
    from `v1_get_info` it is WeChat's answer, not judged."""

    identify_ret: Optional[int]
    openid: Optional[str]
    user_id_key: Optional[str]
    finish_time: Optional[int]
    fields: Dict[str, str] = field(repr=False)

    _READ = _reading(
        ("identify_ret", "identify_ret", INTEGER),
        ("openid", "openid", TEXT),
        ("user_id_key", "user_id_key", TEXT),
        ("finish_time", "finish_time", INTEGER),
    )


@_answered
@dataclass(frozen=True)
class VerifyId(_Answer):
    """2.0 getverifyid: keep verify_id, cert_hash (with out_seq_no and openid)
    for `v2_query`; the raw name and number are no longer needed."""

    verify_id: str
    expires_in: Optional[int]
    cert_hash: str
    fields: Dict[str, str] = field(repr=False)

    _READ = _reading(
        ("verify_id", "verify_id", TEXT_OR_EMPTY),
        ("expires_in", "expires_in", INTEGER),
        ("cert_hash", "cert_hash", TEXT_OR_EMPTY),
    )


@_answered
@dataclass(frozen=True)
class V2Result(_Answer):
    """2.0 queryverifyinfo that passed (verify_ret 10000)."""

    verify_ret: Optional[int]
    fields: Dict[str, str] = field(repr=False)

    _READ = _reading(("verify_ret", "verify_ret", INTEGER))


@dataclass(frozen=True)
class Image:
    """The photo taken during a verification (getimage), as WeChat sent it.

    Biometric data: store it only where the law allows, never log it; repr()
    shows only its size and content type."""

    data: bytes
    content_type: str

    def __repr__(self) -> str:
        return "Image(content_type=%r, %d bytes)" % (self.content_type, len(self.data))


@_answered
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

    _READ = _reading(
        ("event", "Event", TEXT),
        ("msg_type", "MsgType", TEXT),
        ("openid", "openid", TEXT),
        ("out_seq_no", "out_seq_no", TEXT),
        ("create_time", "CreateTime", INTEGER),
        ("to_user_name", "ToUserName", TEXT),
        ("from_user_name", "FromUserName", TEXT),
        ("verify_result", "verify_result", TEXT),
    )


@_answered
@dataclass(frozen=True)
class _Echo(_Answer):
    """push_check_url's answer; the call returns only `echostr`."""

    echostr: str
    fields: Dict[str, str] = field(repr=False)

    _READ = _reading(("echostr", "echostr", TEXT_OR_EMPTY))


@dataclass(frozen=True)
class SealedPush:
    """A push as WeChat would send it: POST `body` to `url?` + `query`."""

    query: str
    body: str = field(repr=False)
