"""The shared scenario lists (tests/scenarios/*.json and the push vectors of
tests/vectors/), one test each, named after the scenario, played as
tests/scenarios/README.md says."""

import base64
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest

import wxface

from .conftest import REPO, Sandbox, load_scenarios

V1 = load_scenarios("v1_verify.json")
V2 = load_scenarios("v2_query.json")
V2_START = load_scenarios("v2_start.json")
BAD_INPUT = load_scenarios("bad_input.json")
OFFLINE = load_scenarios("offline.json")
CONFIG_ERRORS = load_scenarios("config_errors.json")
PUSH_VECTOR_FILES = ("push_vectors.tsv", "push_vectors_plain.tsv", "push_sealed.tsv")
V2_OPENID = "o_v2_expected_user_0000000001"
GET_INFO = "/cityservice/face/identify/getinfo"
GET_VERIFY_ID = "/cityservice/face/identify/getverifyid"
QUERY = "/cityservice/face/identify/queryverifyinfo"


class Audited:
    """A client whose 2.0 wait pauses 20 ms, so the wait scenarios run fast,
    and the audit records it emitted."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.records: List[wxface.AuditRecord] = []
        self.client = wxface.Client(sandbox.settings(wait_interval_ms=20), audit=self.records.append)

    def check(self, call: str, code_names: List[str], pii: List[str]) -> None:
        """One record of `call` per call made, with its code; no PII value
        in any record."""
        for r in self.records:
            for value in pii:
                assert value.lower() not in r.json.lower(), "a PII value in %s" % r.json
        mine = [r for r in self.records if r.call == call]
        assert [r.code_name for r in mine] == code_names, self.records
        self.records.clear()


@pytest.fixture
def audited(sandbox: Sandbox) -> Iterator[Audited]:
    a = Audited(sandbox)
    with a.client:
        yield a


@pytest.fixture
def fast_client(audited: Audited) -> wxface.Client:
    return audited.client


def people_values(people: Dict[str, Any]) -> List[str]:
    return [people[p][f] for p in ("expected", "other") for f in ("name", "id_card_number")]


def inject(sandbox: Sandbox, scenario: Dict[str, Any], path: str) -> None:
    if "wechat_answers" in scenario:
        sandbox.fault(path=path, kind="errcode", errcode=scenario["wechat_answers"])
    if "answer_edit" in scenario:
        sandbox.fault(path=path, kind="edit", **scenario["answer_edit"])


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
        assert type(error) is wxface.errors.BY_CODE[error.code] or (
            # None and wrong types: still the class of the code, and a TypeError.
            type(error) is wxface.ArgumentTypeError and error.code == wxface.InvalidArgument.code
        )
    if "verify_ret" in scenario:
        assert error is not None
        assert error.verify_ret == scenario["verify_ret"]
    if "wechat_errcode" in scenario:
        assert error is not None
        assert error.wechat_errcode == scenario["wechat_errcode"]
    if "message_contains" in scenario:
        assert error is not None
        assert scenario["message_contains"] in error.message
    if "message_lacks" in scenario:
        assert error is not None
        assert scenario["message_lacks"] not in error.message


def ids(scenarios: List[Dict[str, Any]]) -> List[str]:
    return [s["name"] for s in scenarios]


@pytest.mark.parametrize("scenario", V1["scenarios"], ids=[s["name"] for s in V1["scenarios"]])
def test_v1_verify_scenario(sandbox: Sandbox, audited: Audited, scenario: Dict[str, Any]) -> None:
    client = audited.client
    people = V1["people"]
    name, number = people["expected"]["name"], people["expected"]["id_card_number"]
    key = client.v1_get_user_id_key(name, number).user_id_key
    complete = {k: subst(v, people) for k, v in scenario["complete"].items()}
    verify_result, openid = sandbox.complete_v1(key, **complete)
    verify_result = scenario.get("forge_verify_result", verify_result)
    pad = scenario.get("pad_verify_result", "")
    verify_result = pad + verify_result + pad
    with_ = {k: subst(v, people) for k, v in scenario.get("verify_with", {}).items()}

    def verify() -> wxface.V1Result:
        return client.v1_verify(
            verify_result,
            with_.get("name", name),
            with_.get("id_card_number", number),
            user_id_key=key,
            openid=with_.get("openid", openid),
        )

    inject(sandbox, scenario, GET_INFO)
    audited.records.clear()
    check_expectations(scenario, outcome(verify))
    codes = [scenario["expect"]]
    if "then_again" in scenario:
        assert code_name(outcome(verify)) == scenario["then_again"]
        codes.append(scenario["then_again"])
    pii = [*people_values(people), verify_result.strip(), openid, key]
    audited.check("v1_verify", codes, pii)


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
def test_v2_query_scenario(
    sandbox: Sandbox, audited: Audited, fast_client: wxface.Client, scenario: Dict[str, Any]
) -> None:
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
    audited.check(
        "v2_wait" if "wait_ms" in scenario else "v2_query",
        [scenario["expect"]],
        [*people_values(people), started.verify_id, V2_OPENID],
    )


# -- call lists: bad input and offline known answers ---------------------------


def value(v: Any) -> Any:
    """A list value as Python passes it: None, str, or bytes for raw bytes."""
    if v is None or isinstance(v, str):
        return v
    if "hex" in v:
        return bytes.fromhex(v["hex"])
    if "repeat" in v:
        return v["repeat"] * v["times"]
    if "with_nul" in v:
        return "\0".join(v["with_nul"])
    raise ValueError("unknown value form %r" % v)


def play(client: wxface.Client, call: str, args: Dict[str, Any]) -> Any:
    a = {k: value(v) for k, v in args.items()}
    calls: Dict[str, Callable[[], Any]] = {
        "id_card_normalize": lambda: wxface.normalize_id_card(a["id_card_number"]),
        "md5_id_card_number": lambda: wxface.md5_id_card_number(a["id_card_number"]),
        "md5_name": lambda: wxface.md5_name(a["name"]),
        "cert_hash": lambda: wxface.cert_hash(a["cert_type"], a["cert_name"], a["cert_no"]),
        "v1_get_user_id_key": lambda: client.v1_get_user_id_key(
            a["name"], a["id_card_number"], a.get("out_seq_no")
        ),
        "v1_get_info": lambda: client.v1_get_info(a["verify_result"]),
        "v1_verify": lambda: client.v1_verify(
            a["verify_result"], a["name"], a["id_card_number"], a.get("user_id_key"), a.get("openid")
        ),
        "v2_get_verify_id": lambda: client.v2_get_verify_id(
            a["out_seq_no"], a["openid"], a["name"], a["id_card_number"]
        ),
        "v2_query": lambda: client.v2_query(a["verify_id"], a["out_seq_no"], a["openid"], a["cert_hash"]),
    }
    return calls[call]()


@pytest.fixture(scope="module")
def bad_input_sandbox(sandbox: Sandbox) -> Any:
    """The sandbox, checked after the whole list: no bad input reached WeChat."""
    before = sandbox.stats()["requests"]
    yield sandbox
    assert sandbox.stats()["requests"] == before, "bad input reached WeChat"


@pytest.mark.parametrize("scenario", BAD_INPUT["scenarios"], ids=ids(BAD_INPUT["scenarios"]))
def test_bad_input(bad_input_sandbox: Sandbox, client: wxface.Client, scenario: Dict[str, Any]) -> None:
    error = outcome(lambda: play(client, scenario["call"], scenario["args"]))
    check_expectations(scenario, error)


@pytest.mark.parametrize("scenario", OFFLINE["scenarios"], ids=ids(OFFLINE["scenarios"]))
def test_offline(client: wxface.Client, scenario: Dict[str, Any]) -> None:
    result: Dict[str, Any] = {}
    error = outcome(lambda: result.update(value=play(client, scenario["call"], scenario["args"])))
    check_expectations(scenario, error)
    assert result["value"] == scenario["result"]


# -- configuration errors --------------------------------------------------------


@pytest.mark.parametrize("scenario", CONFIG_ERRORS["scenarios"], ids=ids(CONFIG_ERRORS["scenarios"]))
def test_config_errors(sandbox: Sandbox, tmp_path: Path, scenario: Dict[str, Any]) -> None:
    base = sandbox.settings() if scenario.get("credentials", True) else {}
    settings = dict(base, **{k: v for k, v in scenario.get("settings", [])})
    path = None
    if "file" in scenario:
        path = tmp_path / "wxface.conf"
        content = scenario["file"]
        path.write_bytes(bytes.fromhex(content["hex"]) if isinstance(content, dict) else content.encode())
    elif scenario.get("missing_file"):
        path = tmp_path / "missing.conf"

    def build() -> None:
        client = wxface.Client.from_file(path, **settings) if path else wxface.Client(settings)
        client.close()

    check_expectations(scenario, outcome(build))


# -- push vectors ------------------------------------------------------------------


def push_vectors() -> List[Any]:
    """(file header, vector) for every line of the vector files."""
    out = []
    for name in PUSH_VECTOR_FILES:
        header: Dict[str, str] = {}
        with open(REPO / "tests" / "vectors" / name, encoding="utf-8") as f:
            for line in f.read().splitlines():
                if line.startswith("# ") and "=" in line and " " not in line[2:].split("=", 1)[0]:
                    key, _, val = line[2:].partition("=")
                    header[key] = val
                elif line and not line.startswith("#"):
                    fields = line.split("\t")
                    out.append(
                        pytest.param(dict(header), fields, id="%s/%s" % (name.split(".")[0], fields[0]))
                    )
    return out


@pytest.mark.parametrize(("header", "vector"), push_vectors())
def test_push_vector(sandbox: Sandbox, header: Dict[str, str], vector: List[str]) -> None:
    name, expect, query, body, verify_result = vector
    settings = sandbox.settings(appid=header["appid"], push_token=header["token"], push_max_skew_s=0)
    if header["aes_key"]:
        settings["push_aes_key"] = header["aes_key"]
    opened: Dict[str, wxface.PushEvent] = {}
    with wxface.Client(settings) as client:
        error = outcome(lambda: opened.update(event=client.push_open(query, base64.b64decode(body))))
    assert code_name(error) == expect, "%s: %r" % (name, error)
    if verify_result != "-":
        assert opened["event"].verify_result == verify_result
