"""The client against the sandbox: construction, 1.0/2.0 results, tokens,
timeouts, callbacks, threads and closing."""

import dataclasses
import json
import logging
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import List, Optional, Tuple

import pytest

import wxface

from .conftest import APPID, PUSH_AES_KEY, PUSH_TOKEN, SECRET, Sandbox

NAME = "张三"
NUMBER = "11010519491231002X"
GETUSERIDKEY = "/cityservice/face/identify/getuseridkey"


def verified(client: wxface.Client, sandbox: Sandbox) -> wxface.V1Result:
    key = client.v1_get_user_id_key(NAME, NUMBER)
    verify_result, openid = sandbox.complete_v1(key.user_id_key)
    return client.v1_verify(verify_result, NAME, NUMBER, user_id_key=key.user_id_key, openid=openid)


def test_client_from_keywords_a_dict_and_a_file_work_alike(sandbox: Sandbox, tmp_path):
    conf = tmp_path / "wxface.conf"
    conf.write_text(
        "# sandbox\n" + "".join("%s = %s\n" % kv for kv in sandbox.settings().items()), encoding="utf-8"
    )
    clients = [
        wxface.Client(**sandbox.settings()),
        wxface.Client(sandbox.settings()),
        wxface.Client({"appid": APPID}, secret=SECRET, api_base=sandbox.base, proxy="none"),
        wxface.Client.from_file(conf),
        wxface.Client.from_file(str(conf), timeout_ms=5000),
    ]
    for c in clients:
        with c:
            assert verified(c, sandbox).identify_ret == 0
        assert c.closed


def test_v1_results_are_dataclasses_with_every_field(client: wxface.Client, sandbox: Sandbox):
    key = client.v1_get_user_id_key(NAME, NUMBER, out_seq_no="py-seq-1")
    assert key.expires_in == 3600
    assert key.fields["user_id_key"] == key.user_id_key
    verify_result, openid = sandbox.complete_v1(key.user_id_key)
    info = client.v1_get_info(verify_result)
    assert info.openid == openid
    assert info.user_id_key == key.user_id_key
    assert info.identify_ret == 0
    assert isinstance(info.finish_time, int)
    assert info.fields["name_utf8_md5"] == wxface.md5_name(NAME)
    result = client.v1_verify(verify_result, NAME, NUMBER, user_id_key=key.user_id_key, openid=openid)
    assert result.openid == openid
    # verify_result and the raw fields stay out of repr (and so of logs).
    assert verify_result not in repr(result)
    assert "fields" not in repr(result)


def test_get_info_does_not_judge(client: wxface.Client, sandbox: Sandbox):
    key = client.v1_get_user_id_key(NAME, NUMBER)
    verify_result, _ = sandbox.complete_v1(key.user_id_key, identify_ret=10004)
    assert client.v1_get_info(verify_result).identify_ret == 10004
    with pytest.raises(wxface.NotPassed) as info:
        client.v1_verify(verify_result, NAME, NUMBER)
    assert info.value.verify_ret == 10004


def test_v2_flow_returns_verify_id_and_cert_hash(client: wxface.Client, sandbox: Sandbox):
    openid = "o_v2_py_user_00000000000001"
    started = client.v2_get_verify_id("py-v2-flow", openid, NAME, NUMBER.lower())
    assert started.verify_id
    assert started.expires_in == 3600
    assert started.cert_hash == wxface.cert_hash("IDENTITY_CARD", NAME, NUMBER)
    sandbox.complete_v2(started.verify_id)
    assert client.v2_query(started.verify_id, "py-v2-flow", openid, started.cert_hash).verify_ret == 10000


def test_results_are_the_frozen_dataclasses_their_constructors_make(client: wxface.Client, sandbox: Sandbox):
    # The calls make their results without __init__ (Client._call) and
    # their attributes when one is first read (replace() reads them): each
    # must equal the one __init__ makes, field for field.
    key = client.v1_get_user_id_key(NAME, NUMBER)
    verify_result, openid = sandbox.complete_v1(key.user_id_key)
    info = client.v1_get_info(verify_result)
    verdict = client.v1_verify(verify_result, NAME, NUMBER, user_id_key=key.user_id_key, openid=openid)
    started = client.v2_get_verify_id("py-made-1", "o_v2_py_made_0000000000001", NAME, NUMBER)
    sandbox.complete_v2(started.verify_id)
    passed = client.v2_query(started.verify_id, "py-made-1", "o_v2_py_made_0000000000001", started.cert_hash)
    for result in (key, info, verdict, started, passed):
        rebuilt = dataclasses.replace(result)
        assert vars(result) == vars(rebuilt)
        assert result == rebuilt
        assert repr(result) == repr(rebuilt)
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.fields = {}  # type: ignore[misc]


def test_fields_read_after_the_call_hold_every_text_field_of_the_answer(
    client: wxface.Client, sandbox: Sandbox
):
    # `fields` is built when first read, long after the library freed the
    # answer: it must hold what the answer held, as a plain dict of str.
    key = client.v1_get_user_id_key(NAME, NUMBER)
    verify_result, openid = sandbox.complete_v1(key.user_id_key)
    verdict = client.v1_verify(verify_result, NAME, NUMBER)
    started = client.v2_get_verify_id("py-lazy-1", "o_v2_py_lazy_0000000000001", NAME, NUMBER)
    with client._use() as h:
        lib = wxface._native.lib()
        answer = wxface._ffi.call_for_response(lib.wxface_v1_get_info, h, verify_result.encode())
    assert type(verdict.fields) is dict
    assert verdict.fields == answer.fields
    assert verdict.fields["openid"] == verdict.openid == openid
    assert verdict.fields["identify_ret"] == "0"
    assert set(key.fields) >= {"errcode", "errmsg", "user_id_key", "expires_in"}
    assert started.fields["verify_id"] == started.verify_id
    # Read twice, the same dict: changes a caller makes to it stay.
    verdict.fields["note"] = "kept"
    assert verdict.fields["note"] == "kept"


def test_results_pickle_copy_and_convert_with_every_field_before_fields_is_read(
    client: wxface.Client, sandbox: Sandbox
):
    import copy
    import pickle

    def fresh() -> wxface.V1Result:
        return verified(client, sandbox)

    made = fresh()
    by_init = wxface.V1Result(made.identify_ret, made.openid, made.user_id_key, made.finish_time, made.fields)
    for converted in (
        pickle.loads(pickle.dumps(fresh())),
        copy.copy(fresh()),
        copy.deepcopy(fresh()),
        dataclasses.replace(fresh()),
    ):
        assert type(converted.fields) is dict
        assert converted.fields.keys() == by_init.fields.keys()
        # What __init__ makes, and nothing else (no answer kept aside).
        assert list(vars(converted)) == list(vars(by_init))
    # A pickle holds what __init__'s result holds: the same state, so
    # pickles from older and newer versions of the binding load alike.
    unread = fresh()
    state = unread.__reduce_ex__(2)[2]
    assert list(state) == ["identify_ret", "openid", "user_id_key", "finish_time", "fields"]
    assert dataclasses.asdict(fresh())["fields"].keys() == by_init.fields.keys()
    same = fresh()
    assert same == dataclasses.replace(same)
    with pytest.raises(TypeError):
        hash(fresh())  # unhashable, as a dataclass holding a dict always was
    with pytest.raises(dataclasses.FrozenInstanceError):
        fresh().fields = {}  # type: ignore[misc]
    with pytest.raises(AttributeError, match="'V1Result' object has no attribute 'field'"):
        fresh().field  # type: ignore[attr-defined]  # noqa: B018
    assert "fields" not in repr(fresh())


def test_a_result_without_attributes_nor_answer_lacks_them_as_attributes():
    # Made without __init__ and without an answer (as unpickling begins):
    # reading an attribute is an AttributeError, as for any dataclass.
    empty = object.__new__(wxface.V1Result)
    assert not hasattr(empty, "openid")
    assert not hasattr(empty, "fields")
    assert not hasattr(wxface.V1Result, "openid")
    assert not hasattr(wxface.V1Result, "fields")


def test_a_result_holds_the_answer_and_the_attributes_read_until_fields_is_read(
    client: wxface.Client, sandbox: Sandbox
):
    # The documented difference (README): vars() shows the answer's block
    # under `_answer` and the typed attributes read so far; reading
    # `fields` makes every attribute, as __init__ makes them, and the block
    # goes.
    result = verified(client, sandbox)
    assert list(vars(result)) == ["_answer"]
    assert type(vars(result)["_answer"]) is bytes
    assert result.openid
    assert list(vars(result)) == ["_answer", "openid"]
    assert result.identify_ret == 0
    assert list(vars(result)) == ["_answer", "openid", "identify_ret"]
    assert result.fields["openid"] == result.openid
    assert set(vars(result)) == {"identify_ret", "openid", "user_id_key", "finish_time", "fields"}
    by_init = wxface.V1Result(
        result.identify_ret, result.openid, result.user_id_key, result.finish_time, dict(result.fields)
    )
    assert vars(result) == vars(by_init)
    assert type(result.finish_time) is int


def test_threads_reading_different_attributes_first_at_once_see_one_result(
    client: wxface.Client, sandbox: Sandbox
):
    names = ["identify_ret", "openid", "user_id_key", "finish_time", "fields"] * 2
    for _ in range(5):
        result = verified(client, sandbox)
        start = threading.Barrier(len(names))

        def read(name: str, result: wxface.V1Result = result, start: threading.Barrier = start) -> object:
            start.wait()
            return getattr(result, name)

        with ThreadPoolExecutor(len(names)) as pool:
            seen = list(pool.map(read, names))
        assert seen[4] is seen[9] is result.fields
        typed = [result.identify_ret, result.openid, result.user_id_key, result.finish_time]
        assert seen[:4] == seen[5:9] == typed
        assert "_answer" not in vars(result)


def test_threads_reading_fields_first_at_once_get_one_dict(client: wxface.Client, sandbox: Sandbox):
    for _ in range(5):
        result = verified(client, sandbox)
        start = threading.Barrier(8)

        def read(_: int, result: wxface.V1Result = result, start: threading.Barrier = start) -> dict:
            start.wait()
            return result.fields

        with ThreadPoolExecutor(8) as pool:
            seen = list(pool.map(read, range(8)))
        assert all(fields is result.fields for fields in seen)
        assert list(vars(result)) == ["identify_ret", "openid", "user_id_key", "finish_time", "fields"]


def test_an_invalidated_token_is_refreshed_exactly_once(clean_sandbox: Sandbox, client: wxface.Client):
    client.v1_get_user_id_key(NAME, NUMBER)
    before = clean_sandbox.stats()["token_fetches"]
    clean_sandbox.control("POST", "/sandbox/token/invalidate")
    assert client.v1_get_user_id_key(NAME, NUMBER).user_id_key
    assert clean_sandbox.stats()["token_fetches"] == before + 1


def test_a_hanging_wechat_gives_timeout_fast(clean_sandbox: Sandbox):
    with clean_sandbox.client(timeout_ms=500) as c:
        c.v1_get_user_id_key(NAME, NUMBER)  # token fetched before the fault
        clean_sandbox.fault(path=GETUSERIDKEY, kind="hang", count=1)
        start = time.monotonic()
        with pytest.raises(wxface.Timeout) as info:
            c.v1_get_user_id_key(NAME, NUMBER)
        assert time.monotonic() - start < 3
        assert info.value.code_name == "WXFACE_ERR_TIMEOUT"


def test_with_timeout_bounds_calls_of_a_shared_client(clean_sandbox: Sandbox, client: wxface.Client):
    client.v1_get_user_id_key(NAME, NUMBER)
    clean_sandbox.fault(path=GETUSERIDKEY, kind="hang", count=1)
    with client.with_timeout(300) as short:
        start = time.monotonic()
        with pytest.raises(wxface.Timeout):
            short.v1_get_user_id_key(NAME, NUMBER)
        assert time.monotonic() - start < 3
        assert short.v1_get_user_id_key(NAME, NUMBER).user_id_key
    # The parent lives on after its child is closed.
    assert verified(client, clean_sandbox).identify_ret == 0


def test_http_errors_carry_the_status(clean_sandbox: Sandbox, client: wxface.Client):
    clean_sandbox.fault(path=GETUSERIDKEY, kind="http_status", status=502, count=1)
    with pytest.raises(wxface.Http) as info:
        client.v1_get_user_id_key(NAME, NUMBER)
    assert info.value.http_status == 502


def stable_token(sandbox: Sandbox) -> Tuple[str, int]:
    body = json.dumps({"grant_type": "client_credential", "appid": APPID, "secret": SECRET}).encode()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(urllib.request.Request(sandbox.base + "/cgi-bin/stable_token", data=body)) as r:
        answer = json.loads(r.read())
    return answer["access_token"], answer["expires_in"]


def test_a_python_token_provider_supplies_tokens_and_is_asked_again_when_stale(
    clean_sandbox: Sandbox,
):
    calls: List[Optional[str]] = []
    tokens: List[str] = []

    def provider(stale: Optional[str]) -> Tuple[str, int]:
        calls.append(stale)
        token, expires_in = stable_token(clean_sandbox)
        tokens.append(token)
        return token, expires_in

    settings = {"api_base": clean_sandbox.base, "proxy": "none", "appid": APPID}
    with wxface.Client(settings, token_provider=provider) as c:
        assert verified(c, clean_sandbox).identify_ret == 0
        assert calls == [None]
        clean_sandbox.control("POST", "/sandbox/token/invalidate")
        assert c.v1_get_user_id_key(NAME, NUMBER).user_id_key
        assert calls == [None, tokens[0]]
        assert tokens[1] != tokens[0]


def test_a_call_made_inside_a_callback_of_the_same_client_has_its_own_scratch(clean_sandbox: Sandbox):
    # The token provider runs inside the outer call, on its thread, and
    # calls the client: the inner calls take a scratch of their own (the
    # outer's is in use), both answers are right, and every scratch is back
    # when they end (close() would otherwise wait for ever).
    inner: List[object] = []
    client: List[wxface.Client] = []

    def provider(stale: Optional[str]) -> Tuple[str, int]:
        c = client[0]
        ts, nonce = str(int(time.time())), "1320562132"
        sealed = c.push_seal('{"Event":"face_identify","openid":"o-inner"}', timestamp=int(ts), nonce=nonce)
        inner.append(c.push_open(sealed.query, sealed.body).openid)
        with pytest.raises(wxface.PushSignature):
            c.push_open(sealed.query.replace("msg_signature=", "msg_signature=0"), sealed.body)
        return stable_token(clean_sandbox)

    settings = {"api_base": clean_sandbox.base, "proxy": "none", "appid": APPID}
    settings.update(push_token=PUSH_TOKEN, push_aes_key=PUSH_AES_KEY)
    c = wxface.Client(settings, token_provider=provider)
    client.append(c)
    key = c.v1_get_user_id_key(NAME, NUMBER)
    assert key.user_id_key
    assert key.fields["user_id_key"] == key.user_id_key
    assert inner == ["o-inner"]
    assert c._made == 2
    assert len(c._free) == 2
    c.close()
    assert c.closed


@pytest.mark.parametrize(
    "provider",
    [
        lambda stale: 1 / 0,
        lambda stale: ("", 60),
        lambda stale: (None, 60),
        lambda stale: ("x" * 5000, 60),
        lambda stale: ("tok\x00en", 60),
        lambda stale: ("token", "soon"),
        lambda stale: "no tuple",
    ],
    ids=["raises", "empty", "none", "too_long", "nul", "bad_lifetime", "not_a_tuple"],
)
def test_a_failing_token_provider_fails_the_call_with_access_token(sandbox: Sandbox, provider, caplog):
    settings = {"api_base": sandbox.base, "proxy": "none", "appid": APPID}
    with wxface.Client(settings, token_provider=provider) as c, pytest.raises(wxface.AccessToken):
        c.v1_get_user_id_key(NAME, NUMBER)
    assert "token provider failed" in caplog.text


def test_log_level_routes_lines_to_the_wxface_logger_without_pii(sandbox: Sandbox, caplog):
    caplog.set_level(1, logger="wxface")
    with sandbox.client(log_level="trace") as c:
        verified(c, sandbox)
    records = [r for r in caplog.records if r.name == "wxface"]
    assert records, "no log line reached logging.getLogger('wxface')"
    for r in records:
        assert NAME not in r.getMessage()
        assert NUMBER not in r.getMessage()
        assert SECRET not in r.getMessage()


def test_a_callable_logger_gets_logging_levels(sandbox: Sandbox):
    lines: List[Tuple[int, str]] = []
    with sandbox.client(log_level="debug", logger=lambda level, msg: lines.append((level, msg))) as c:
        verified(c, sandbox)
    assert lines
    assert {level for level, _ in lines} <= {logging.ERROR, logging.WARNING, logging.INFO, logging.DEBUG}


def test_a_raising_logger_never_breaks_a_call(sandbox: Sandbox):
    def logger(level: int, message: str) -> None:
        raise RuntimeError("logger is broken")

    with sandbox.client(log_level="debug", logger=logger) as c:
        assert verified(c, sandbox).identify_ret == 0


def test_sixteen_threads_share_one_client(sandbox: Sandbox):
    def flow(i: int) -> Tuple[int, int]:
        key = c.v1_get_user_id_key(NAME, NUMBER)
        verify_result, openid = sandbox.complete_v1(key.user_id_key)
        c.v1_verify(verify_result, NAME, NUMBER, user_id_key=key.user_id_key, openid=openid)
        seq = "py-thread-%d" % i
        started = c.v2_get_verify_id(seq, "o_thread_user_%04d" % i, NAME, NUMBER)
        sandbox.complete_v2(started.verify_id)
        c.v2_query(started.verify_id, seq, "o_thread_user_%04d" % i, started.cert_hash)
        with pytest.raises(wxface.Replayed):
            c.v1_verify(verify_result, NAME, NUMBER)
        return i, len(wxface.cert_hash("IDENTITY_CARD", NAME, NUMBER))

    with sandbox.client() as c, ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(flow, range(64)))
    assert results == [(i, 64) for i in range(64)]


def test_close_waits_for_calls_in_flight_then_refuses_new_ones(clean_sandbox: Sandbox):
    c = clean_sandbox.client()
    c.v1_get_user_id_key(NAME, NUMBER)
    seen = clean_sandbox.stats()["requests"][GETUSERIDKEY]
    clean_sandbox.fault(path=GETUSERIDKEY, kind="delay", delay_ms=800, count=1)
    finished = threading.Event()
    outcome: List[object] = []

    def slow_call() -> None:
        try:
            outcome.append(c.v1_get_user_id_key(NAME, NUMBER))
        finally:
            finished.set()

    t = threading.Thread(target=slow_call)
    t.start()
    deadline = time.monotonic() + 5
    while clean_sandbox.stats()["requests"][GETUSERIDKEY] == seen and time.monotonic() < deadline:
        time.sleep(0.01)
    c.close()
    # close() returned only after the call in flight had finished.
    assert finished.is_set()
    t.join()
    assert isinstance(outcome[0], wxface.UserIdKey)
    with pytest.raises(wxface.ClientClosedError):
        c.v1_get_user_id_key(NAME, NUMBER)


def test_closing_a_client_keeps_its_with_timeout_handle_working(sandbox: Sandbox):
    c = sandbox.client()
    child = c.with_timeout(5000)
    c.close()
    with child:
        assert verified(child, sandbox).identify_ret == 0
