"""The audit trail (`audit=` and `audit_file`) and `Client.stats()`."""

import json
import os
from pathlib import Path
from typing import List

import pytest

import wxface

from .conftest import SECRET, Sandbox

NAME, NUMBER = "张三", "11010519491231002X"


def audit_path(tmp_path: Path, name: str) -> Path:
    """In WXFACE_AUDIT_DIR when set: `make test` scans every file there for PII."""
    folder = Path(os.environ.get("WXFACE_AUDIT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ("python-%s-%d.jsonl" % (name, os.getpid()))
    if path.exists():
        path.unlink()
    return path


def passed(sandbox: Sandbox, client: wxface.Client) -> str:
    key = client.v1_get_user_id_key(NAME, NUMBER).user_id_key
    verify_result, _ = sandbox.complete_v1(key)
    return verify_result


def test_a_verdict_gives_one_record_with_masked_fields_only(sandbox: Sandbox) -> None:
    records: List[wxface.AuditRecord] = []
    with wxface.Client(sandbox.settings(), audit=records.append) as client:
        verify_result = passed(sandbox, client)
        records.clear()
        client.v1_verify(verify_result, NAME, NUMBER)
    (record,) = records
    assert (record.call, record.outcome, record.code_name, record.attempts) == (
        "v1_verify",
        "VERIFIED",
        "WXFACE_OK",
        1,
    )
    assert record.subject == "张* 110***********002X"
    assert record.verify_result_hash is not None
    assert len(record.verify_result_hash) == 64
    assert json.loads(record.json)["outcome"] == "VERIFIED"
    for value in (NAME, NUMBER, verify_result, SECRET):
        assert value not in record.json


def test_a_replay_is_recorded_as_rejected(sandbox: Sandbox) -> None:
    records: List[wxface.AuditRecord] = []
    with wxface.Client(sandbox.settings(), audit=records.append) as client:
        verify_result = passed(sandbox, client)
        client.v1_verify(verify_result, NAME, NUMBER)
        with pytest.raises(wxface.Replayed):
            client.v1_verify(verify_result, NAME, NUMBER)
    assert [(r.call, r.outcome) for r in records][-2:] == [
        ("v1_verify", "VERIFIED"),
        ("v1_verify", "REJECTED"),
    ]


def test_a_raising_audit_sink_never_breaks_a_call(sandbox: Sandbox) -> None:
    def broken(record: wxface.AuditRecord) -> None:
        raise RuntimeError("the audit table is down")

    with wxface.Client(sandbox.settings(), audit=broken) as client:
        client.v1_verify(passed(sandbox, client), NAME, NUMBER)


def test_an_audit_sink_that_is_not_callable_is_refused(sandbox: Sandbox) -> None:
    with pytest.raises(wxface.ArgumentTypeError):
        wxface.Client(sandbox.settings(), audit="not a function")  # type: ignore[arg-type]


def test_audit_file_holds_the_records_and_follows_a_logrotate_rename(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    path = audit_path(tmp_path, "rotate")
    records: List[wxface.AuditRecord] = []
    with wxface.Client(sandbox.settings(audit_file=str(path)), audit=records.append) as client:
        client.v1_verify(passed(sandbox, client), NAME, NUMBER)
        assert path.read_text(encoding="utf-8").splitlines() == [r.json for r in records]
        rotated = path.with_name(path.name + ".1")
        path.rename(rotated)
        client.v1_verify(passed(sandbox, client), NAME, NUMBER)
    assert len(rotated.read_text(encoding="utf-8").splitlines()) == 2
    (line,) = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["outcome"] == "VERIFIED"


def test_stats_count_calls_codes_requests_and_latency(sandbox: Sandbox) -> None:
    with wxface.Client(sandbox.settings()) as client:
        verify_result = passed(sandbox, client)
        client.v1_verify(verify_result, NAME, NUMBER)
        with pytest.raises(wxface.Replayed):
            client.v1_verify(verify_result, NAME, NUMBER)
        with pytest.raises(wxface.InvalidIdCard):
            client.v1_verify(verify_result, NAME, "123")
        stats = client.stats()
    assert stats.calls["v1_verify"] == {
        "WXFACE_OK": 1,
        "WXFACE_ERR_REPLAYED": 1,
        "WXFACE_ERR_INVALID_ID_CARD": 1,
    }
    assert stats.calls["v1_get_user_id_key"] == {"WXFACE_OK": 1}
    assert (stats.replay_rejections, stats.token_fetches, stats.retries) == (1, 1, 0)
    assert stats.requests["getinfo"] == 2
    latency = stats.latency["v1_verify"]
    assert latency.count == 3
    assert 0 < latency.p50_us <= latency.p99_us <= latency.max_us
    assert 'wxface_calls_total{call="v1_verify",code="WXFACE_ERR_REPLAYED"} 1\n' in stats.prometheus
    assert "prometheus" not in repr(stats)


def test_stats_of_a_closed_client_raise(sandbox: Sandbox) -> None:
    client = wxface.Client(sandbox.settings())
    client.close()
    with pytest.raises(wxface.ClientClosedError):
        client.stats()
