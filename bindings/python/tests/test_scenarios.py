"""The shared scenario lists (tests/scenarios/*.json), one test each,
played as tests/scenarios.rs plays them."""

from typing import Any, Dict, Optional

import pytest

import wxface

from .conftest import Sandbox, load_scenarios

V1 = load_scenarios("v1_verify.json")
V2 = load_scenarios("v2_query.json")
V2_OPENID = "o_v2_expected_user_0000000001"


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


@pytest.mark.parametrize("scenario", V2["scenarios"], ids=[s["name"] for s in V2["scenarios"]])
def test_v2_query_scenario(sandbox: Sandbox, client: wxface.Client, scenario: Dict[str, Any]) -> None:
    people = V2["people"]
    name, number = people["expected"]["name"], people["expected"]["id_card_number"]
    seq = "seq-py-%s" % scenario["name"][:40]
    started = client.v2_get_verify_id(seq, V2_OPENID, name, number)
    if scenario["complete"] is not None:
        sandbox.complete_v2(started.verify_id, **scenario["complete"])
    with_ = {k: subst(v, people) for k, v in scenario.get("query_with", {}).items()}
    error = outcome(
        lambda: client.v2_query(
            with_.get("verify_id", started.verify_id),
            with_.get("out_seq_no", seq),
            with_.get("openid", V2_OPENID),
            with_.get("cert_hash", started.cert_hash),
        )
    )
    check_expectations(scenario, error)
