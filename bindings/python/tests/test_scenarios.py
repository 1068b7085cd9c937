"""The shared scenario lists (tests/scenarios/*.json), one test each,
played as tests/scenarios.rs plays them."""

from typing import Any, Dict, Iterator, Optional

import pytest

import wxface

from .conftest import Sandbox, load_scenarios

V1 = load_scenarios("v1_verify.json")
V2 = load_scenarios("v2_query.json")
V2_START = load_scenarios("v2_start.json")
V2_OPENID = "o_v2_expected_user_0000000001"
GET_VERIFY_ID = "/cityservice/face/identify/getverifyid"
QUERY = "/cityservice/face/identify/queryverifyinfo"


@pytest.fixture
def fast_client(sandbox: Sandbox) -> Iterator[wxface.Client]:
    """A client whose 2.0 wait pauses 20 ms, so the wait scenarios run fast."""
    with sandbox.client(wait_interval_ms=20) as c:
        yield c


def inject(sandbox: Sandbox, scenario: Dict[str, Any], path: str) -> None:
    if "wechat_answers" in scenario:
        sandbox.fault(path=path, kind="errcode", errcode=scenario["wechat_answers"])


def requests(sandbox: Sandbox, path: str) -> int:
    count: int = sandbox.stats()["requests"].get(path, 0)
    return count


def subst(value: Any, people: Dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$other."):
        other = people["other"]
        field = value[len("$other.") :]
        if field == "cert_hash":
            return wxface.cert_hash("IDENTITY_CARD", other["name"], other["id_card_number"])
        return other[field]
    return value


def outcome(call: Any) -> Optional[wxface.WxFaceError]:
    try:
        call()
    except wxface.WxFaceError as e:
        return e
    return None


def code_name(error: Optional[wxface.WxFaceError]) -> str:
    return "WXFACE_OK" if error is None else error.code_name


def check_expectations(scenario: Dict[str, Any], error: Optional[wxface.WxFaceError]) -> None:
    assert code_name(error) == scenario["expect"], repr(error)
    if scenario["expect"] != "WXFACE_OK":
        # The exception's class is the one named for the code.
        assert error is not None
        assert type(error) is wxface.errors.BY_CODE[error.code]
    if "verify_ret" in scenario:
        assert error is not None
        assert error.verify_ret == scenario["verify_ret"]
    if "wechat_errcode" in scenario:
        assert error is not None
        assert error.wechat_errcode == scenario["wechat_errcode"]
    if "message_contains" in scenario:
        assert error is not None
        assert scenario["message_contains"] in error.message


@pytest.mark.parametrize("scenario", V1["scenarios"], ids=[s["name"] for s in V1["scenarios"]])
def test_v1_verify_scenario(sandbox: Sandbox, client: wxface.Client, scenario: Dict[str, Any]) -> None:
    people = V1["people"]
    name, number = people["expected"]["name"], people["expected"]["id_card_number"]
    key = client.v1_get_user_id_key(name, number).user_id_key
    complete = {k: subst(v, people) for k, v in scenario["complete"].items()}
    verify_result, openid = sandbox.complete_v1(key, **complete)
    verify_result = scenario.get("forge_verify_result", verify_result)
    with_ = {k: subst(v, people) for k, v in scenario.get("verify_with", {}).items()}

    def verify() -> wxface.V1Result:
        return client.v1_verify(
            verify_result,
            with_.get("name", name),
            with_.get("id_card_number", number),
            user_id_key=key,
            openid=with_.get("openid", openid),
        )

    check_expectations(scenario, outcome(verify))
    if "then_again" in scenario:
        assert code_name(outcome(verify)) == scenario["then_again"]


@pytest.mark.parametrize("scenario", V2_START["scenarios"], ids=[s["name"] for s in V2_START["scenarios"]])
def test_v2_start_scenario(sandbox: Sandbox, fast_client: wxface.Client, scenario: Dict[str, Any]) -> None:
    people = V2_START["people"]
    name, number = people["expected"]["name"], people["expected"]["id_card_number"]
    seq = scenario.get("out_seq_no") or wxface.out_seq_no_new()
    openid = scenario.get("openid", V2_OPENID)
    inject(sandbox, scenario, GET_VERIFY_ID)
    sent_before = requests(sandbox, GET_VERIFY_ID)

    def start() -> wxface.VerifyId:
        return fast_client.v2_get_verify_id(seq, openid, name, number)

    check_expectations(scenario, outcome(start))
    if scenario.get("sent") is False:
        assert requests(sandbox, GET_VERIFY_ID) == sent_before
    if "then_again" in scenario:
        again = outcome(start)
        assert code_name(again) == scenario["then_again"]
        if "then_again_wechat_errcode" in scenario:
            assert again is not None
            assert again.wechat_errcode == scenario["then_again_wechat_errcode"]


@pytest.mark.parametrize("scenario", V2["scenarios"], ids=[s["name"] for s in V2["scenarios"]])
def test_v2_query_scenario(sandbox: Sandbox, fast_client: wxface.Client, scenario: Dict[str, Any]) -> None:
    people = V2["people"]
    name, number = people["expected"]["name"], people["expected"]["id_card_number"]
    seq = wxface.out_seq_no_new()
    started = fast_client.v2_get_verify_id(seq, V2_OPENID, name, number)
    if scenario["complete"] is not None:
        sandbox.complete_v2(started.verify_id, **scenario["complete"])
    if "age_s" in scenario:
        age = {"verify_id": started.verify_id, "by_s": scenario["age_s"]}
        sandbox.control("POST", "/sandbox/v2/age", age)
    inject(sandbox, scenario, QUERY)
    with_ = {k: subst(v, people) for k, v in scenario.get("query_with", {}).items()}
    args = (
        with_.get("verify_id", started.verify_id),
        with_.get("out_seq_no", seq),
        with_.get("openid", V2_OPENID),
        with_.get("cert_hash", started.cert_hash),
    )
    sent_before = requests(sandbox, QUERY)
    if "wait_ms" in scenario:
        error = outcome(lambda: fast_client.v2_wait(*args, timeout=scenario["wait_ms"] / 1000))
    else:
        error = outcome(lambda: fast_client.v2_query(*args))
    check_expectations(scenario, error)
    if scenario.get("sent") is False:
        assert requests(sandbox, QUERY) == sent_before
