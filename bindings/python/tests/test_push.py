"""Push: the URL handshake, seal/open round trips, interop with wechatpy
(an independent implementation of WeChat's message crypto, from PyPI) and a
push delivered by the sandbox over loopback."""

import contextlib
import ctypes
import dataclasses
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar, Dict, Iterator, List, Tuple
from urllib.parse import parse_qs, urlencode

import pytest
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import WeChatSigner, check_signature

import wxface

from .conftest import APPID, PUSH_AES_KEY, PUSH_TOKEN, Sandbox

NAME = "张三"
NUMBER = "11010519491231002X"
VERIFY_RESULT = "XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60cEB6Bp4ggOG-ZaiNeOTdkEORjL7HaC9ZMUMIzjcnQ"


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def event_fields(out_seq_no: str = "py-push-0001") -> Dict[str, object]:
    return {
        "ToUserName": "gh_3f1c9a7b2e4d",
        "FromUserName": "oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM",
        "CreateTime": int(time.time()),
        "MsgType": "event",
        "Event": "face_identify",
        "openid": "oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM",
        "out_seq_no": out_seq_no,
        "verify_result": VERIFY_RESULT,
    }


def as_json(fields: Dict[str, object]) -> str:
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def as_xml(fields: Dict[str, object]) -> str:
    inner = "".join(
        "<%s>%s</%s>" % (k, v if isinstance(v, int) else "<![CDATA[%s]]>" % v, k) for k, v in fields.items()
    )
    return "<xml>%s</xml>" % inner


def params(query: str) -> Dict[str, str]:
    return {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}


@pytest.fixture
def plain_client(sandbox: Sandbox) -> Iterator[wxface.Client]:
    with sandbox.client(push_token=PUSH_TOKEN) as c:
        yield c


def test_url_check_answers_echostr(push_client: wxface.Client):
    ts, nonce = str(int(time.time())), "1320562132"
    query = urlencode(
        {"signature": sign(PUSH_TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce, "echostr": "echo-8842"}
    )
    assert push_client.push_check_url(query) == "echo-8842"


def test_url_check_refuses_a_wrong_signature_and_an_old_timestamp(push_client: wxface.Client):
    ts, nonce = str(int(time.time())), "1320562132"
    forged = urlencode({"signature": sign("notTheToken", ts, nonce), "timestamp": ts, "nonce": nonce})
    with pytest.raises(wxface.PushSignature):
        push_client.push_check_url(forged + "&echostr=x")
    old = str(int(time.time()) - 86400)
    stale = urlencode({"signature": sign(PUSH_TOKEN, old, nonce), "timestamp": old, "nonce": nonce})
    with pytest.raises(wxface.PushStale):
        push_client.push_check_url(stale + "&echostr=x")


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("mode", ["plain", "compatible", "safe"])
def test_sealed_pushes_open_to_the_same_event(push_client, plain_client, fmt, mode):
    c = plain_client if mode == "plain" else push_client
    fields = event_fields("挂号-%s-%s" % (fmt, mode))
    message = as_json(fields) if fmt == "json" else as_xml(fields)
    sealed = c.push_seal(message, format=fmt, mode=mode, nonce="nonce123")
    event = c.push_open(sealed.query, sealed.body.encode())
    assert event.event == "face_identify"
    assert event.msg_type == "event"
    assert event.verify_result == VERIFY_RESULT
    assert event.out_seq_no == fields["out_seq_no"]
    assert event.create_time == fields["CreateTime"]
    assert event.openid == fields["openid"]
    assert event.fields["ToUserName"] == fields["ToUserName"]
    assert VERIFY_RESULT not in repr(event)


@pytest.mark.parametrize(
    "create_time",
    [
        "1764640000",
        "00042",
        " 42 ",
        "+42",
        "-42",
        "\u3000\u2003 7\t\n",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "-9223372036854775809",
        "\x1c7",
        "\u0663",
        "\uff17",
        "1_000",
        "12 34",
        "1.0",
        "1e3",
        "0x10",
        "+",
        "-",
        "",
        "  ",
    ],
)
def test_an_integer_attribute_reads_its_text_as_the_library_does(
    push_client: wxface.Client, create_time: str
):
    # A result's integers are read from the answer's text after the library
    # freed the answer: they must be what wxface_response_int gives for the
    # same field (XML pushes carry every value as text).
    fields = dict(event_fields(), CreateTime=create_time)
    sealed = push_client.push_seal(as_xml(fields), format="xml", mode="safe")
    event = push_client.push_open(sealed.query, sealed.body)
    lib = wxface._native.lib()
    out, err, number = ctypes.c_void_p(), wxface._native.ErrorStruct(), ctypes.c_int64()
    query, body = sealed.query.encode(), sealed.body.encode()
    with push_client._use() as h:
        code = lib.wxface_push_open(h, query, body, len(body), ctypes.byref(out), ctypes.byref(err))
    assert code == 0, err.message
    try:
        if lib.wxface_response_int(out, b"CreateTime", ctypes.byref(number), None) == 0:
            expected = number.value
        else:
            expected = None
    finally:
        lib.wxface_response_free(out)
    assert event.create_time == expected
    assert event.fields["CreateTime"] == create_time
    if create_time in ("+42", " 42 ", "\u3000\u2003 7\t\n", "-9223372036854775808"):
        assert expected is not None  # the library reads these: the comparison is not None == None


@pytest.mark.parametrize(
    "fields",
    [
        # A value that reads like a name, before that name, then the name itself.
        dict(Remark="openid", **event_fields()),
        # A value that reads like a name whose field is absent.
        {k: ("openid" if k == "MsgType" else v) for k, v in event_fields().items() if k != "openid"},
        # Values that read like names and NULs-apart lookalikes; empty values.
        dict(event_fields(), ToUserName="FromUserName", FromUserName="Event", Event="", openid=""),
        # Names in another order, the first typed one first in the answer.
        dict(reversed(list(event_fields().items()))),
    ],
    ids=["value-like-a-later-name", "value-like-an-absent-name", "values-like-names", "reversed"],
)
def test_each_attribute_read_first_is_the_one_fields_gives(
    push_client: wxface.Client, fields: Dict[str, object]
):
    # A typed attribute read first is found in the answer on its own, not
    # taken from `fields`: read alone, each must be what reading `fields`
    # first makes it.
    sealed = push_client.push_seal(as_xml(fields), format="xml", mode="safe")
    whole = push_client.push_open(sealed.query, sealed.body)
    assert whole.fields == {k: str(v) for k, v in fields.items()}
    for f in dataclasses.fields(wxface.PushEvent):
        alone = push_client.push_open(sealed.query, sealed.body)
        assert getattr(alone, f.name) == getattr(whole, f.name), f.name


def test_a_body_length_beyond_a_c_int_reaches_the_library_as_size_t(
    push_client: wxface.Client, monkeypatch: pytest.MonkeyPatch
):
    # push_open's untyped call passes the body's length as a C int below
    # 2**31 and as a size_t object from there: the second way, tried with
    # the limit lowered, opens the same push and refuses the same way.
    sealed = push_client.push_seal(as_json(event_fields()), format="json", mode="safe")
    monkeypatch.setattr(wxface.client, "_INT_LIMIT", 1)
    assert push_client.push_open(sealed.query, sealed.body).event == "face_identify"
    with pytest.raises(wxface.PushFormat):
        push_client.push_open(sealed.query, sealed.body[:-3])
    with pytest.raises(wxface.PushTooLarge, match="65537 bytes"):
        push_client.push_open(sealed.query, b"x" * (64 * 1024 + 1))


def test_a_tampered_push_is_refused(push_client: wxface.Client):
    sealed = push_client.push_seal(as_json(event_fields()), format="json", mode="safe")
    other = push_client.push_seal(as_json(event_fields("another")), format="json", mode="safe")
    with pytest.raises(wxface.PushSignature):
        push_client.push_open(other.query, sealed.body)
    with pytest.raises(wxface.PushFormat):
        push_client.push_open(sealed.query, sealed.body[:-3])


def test_an_old_push_is_stale(push_client: wxface.Client):
    sealed = push_client.push_seal(as_json(event_fields()), timestamp=int(time.time()) - 86400)
    with pytest.raises(wxface.PushStale):
        push_client.push_open(sealed.query, sealed.body)


def wechatpy_push(fmt: str, message: str) -> Tuple[str, str]:
    """A safe-mode push as wechatpy encrypts it: (query, body)."""
    ts, nonce = str(int(time.time())), "5839204417"
    envelope = WeChatCrypto(PUSH_TOKEN, PUSH_AES_KEY, APPID).encrypt_message(message, nonce, ts)
    parsed = xmltodict.parse(envelope)["xml"]
    query = urlencode(
        {
            "signature": sign(PUSH_TOKEN, ts, nonce),
            "timestamp": ts,
            "nonce": nonce,
            "encrypt_type": "aes",
            "msg_signature": parsed["MsgSignature"],
        }
    )
    if fmt == "xml":
        return query, envelope
    return query, as_json({"ToUserName": "gh_3f1c9a7b2e4d", "Encrypt": parsed["Encrypt"]})


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_push_open_reads_what_wechatpy_encrypts(push_client: wxface.Client, fmt: str):
    fields = event_fields("中文-%s" % fmt)
    query, body = wechatpy_push(fmt, as_json(fields) if fmt == "json" else as_xml(fields))
    event = push_client.push_open(query, body)
    assert event.verify_result == VERIFY_RESULT
    assert event.out_seq_no == fields["out_seq_no"]
    # Made without __init__ (Client._call), its attributes when one is first
    # read (replace() reads them): the same event __init__ makes.
    assert vars(event) == vars(dataclasses.replace(event))
    assert event == dataclasses.replace(event)


def test_push_open_refuses_wechatpy_pushes_for_another_appid(push_client: wxface.Client):
    ts, nonce = str(int(time.time())), "5839204417"
    envelope = WeChatCrypto(PUSH_TOKEN, PUSH_AES_KEY, "wx0000000000000000").encrypt_message(
        as_xml(event_fields()), nonce, ts
    )
    parsed = xmltodict.parse(envelope)["xml"]
    query = urlencode(
        {
            "signature": sign(PUSH_TOKEN, ts, nonce),
            "timestamp": ts,
            "nonce": nonce,
            "encrypt_type": "aes",
            "msg_signature": parsed["MsgSignature"],
        }
    )
    with pytest.raises(wxface.PushAppid):
        push_client.push_open(query, envelope)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_wechatpy_decrypts_what_push_seal_makes(push_client: wxface.Client, fmt: str):
    fields = event_fields("seal-%s" % fmt)
    message = as_json(fields) if fmt == "json" else as_xml(fields)
    sealed = push_client.push_seal(message, format=fmt, mode="safe")
    p = params(sealed.query)
    check_signature(PUSH_TOKEN, p["signature"], p["timestamp"], p["nonce"])
    outer = json.loads(sealed.body) if fmt == "json" else xmltodict.parse(sealed.body)["xml"]
    crypto = WeChatCrypto(PUSH_TOKEN, PUSH_AES_KEY, APPID)
    assert crypto.decrypt_message(outer, p["msg_signature"], p["timestamp"], p["nonce"]) == message
    with pytest.raises(InvalidSignatureException):
        crypto.decrypt_message(outer, sign("x"), p["timestamp"], p["nonce"])


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[List[Tuple[str, bytes]]] = []
    arrived = threading.Event()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        query = self.path.split("?", 1)[1] if "?" in self.path else ""
        type(self).received.append((query, body))
        type(self).arrived.set()
        self.send_response(200)
        self.send_header("Content-Length", "7")
        self.end_headers()
        # The sender may hang up once it has the status line.
        with contextlib.suppress(OSError):
            self.wfile.write(b"success")

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize(("fmt", "mode"), [("json", "safe"), ("xml", "compatible")])
def test_a_push_delivered_by_the_sandbox_opens_and_verifies(
    clean_sandbox: Sandbox, push_client: wxface.Client, fmt: str, mode: str
):
    _Receiver.received, _Receiver.arrived = [], threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        url = "http://127.0.0.1:%d/wxface/push" % server.server_address[1]
        clean_sandbox.control(
            "POST",
            "/sandbox/push",
            {"url": url, "format": fmt, "mode": mode, "token": PUSH_TOKEN, "aes_key": PUSH_AES_KEY},
        )
        key = push_client.v1_get_user_id_key(NAME, NUMBER, out_seq_no="py-delivered-%s" % fmt)
        verify_result, openid = clean_sandbox.complete_v1(key.user_id_key)
        assert _Receiver.arrived.wait(10), "the sandbox did not deliver the push"
    finally:
        server.shutdown()
        server.server_close()
    query, body = _Receiver.received[0]
    event = push_client.push_open(query, body)
    assert (event.event, event.out_seq_no, event.openid) == ("face_identify", "py-delivered-%s" % fmt, openid)
    assert event.verify_result == verify_result
    # The push is a hint: the verdict comes from v1_verify.
    assert event.verify_result is not None
    result = push_client.v1_verify(
        event.verify_result, NAME, NUMBER, user_id_key=key.user_id_key, openid=openid
    )
    assert result.identify_ret == 0
