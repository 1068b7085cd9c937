"""The audit trail and the counters: `AuditRecord` for the `audit` callback
of `Client`, `ClientStats` from `Client.stats()`.

Both are copies of what the library made: records carry only masked or
hashed values (never a name, ID number, verify_result, token or secret).
"""

import json
import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional

from . import _native

_log = logging.getLogger("wxface")


@dataclass(frozen=True)
class AuditRecord:
    """One audited call (see README, "The audit trail")."""

    time: str
    call: str
    outcome: str
    code: int
    code_name: str
    errcode: int
    verify_ret: int
    latency_us: int
    attempts: int
    out_seq_no: Optional[str] = None
    verify_result_hash: Optional[str] = None
    verify_id: Optional[str] = None
    openid: Optional[str] = None
    subject: Optional[str] = None
    event: Optional[str] = None
    source: Optional[str] = None
    queries: Optional[int] = None
    #: The record as the library wrote it: one JSON line, as in `audit_file`.
    json: str = field(default="", repr=False)

    @classmethod
    def from_json(cls, line: str) -> "AuditRecord":
        d: Dict[str, Any] = json.loads(line)
        return cls(
            time=d["time"],
            call=d["call"],
            outcome=d["outcome"],
            code=d["code"],
            code_name=d["code_name"],
            errcode=d["errcode"],
            verify_ret=d["verify_ret"],
            latency_us=d["latency_us"],
            attempts=d["attempts"],
            out_seq_no=d.get("out_seq_no"),
            verify_result_hash=d.get("verify_result_hash"),
            verify_id=d.get("verify_id"),
            openid=d.get("openid"),
            subject=d.get("subject"),
            event=d.get("event"),
            source=d.get("source"),
            queries=d.get("queries"),
            json=line,
        )


#: Receives each `AuditRecord`, on the thread that made the call, before the
#: call returns: keep it short and never block (queue the record).
AuditSink = Callable[[AuditRecord], None]


def audit_callback(sink: AuditSink) -> Any:
    """A C audit callback calling `sink`; keep it alive with the client."""

    def trampoline(_user_data: Optional[int], _record: Optional[int], line: Optional[bytes]) -> None:
        try:
            if line is not None:
                sink(AuditRecord.from_json(line.decode("utf-8")))
        except BaseException as e:  # noqa: BLE001 - nothing may unwind into C
            _log.error("audit sink failed: %s", type(e).__name__)

    return _native.AUDIT_CALLBACK(trampoline)


@dataclass(frozen=True)
class Latency:
    """How long one kind of call took, in microseconds (1 % precision)."""

    count: int
    sum_us: int
    p50_us: int
    p90_us: int
    p99_us: int
    max_us: int


@dataclass(frozen=True)
class ClientStats:
    """The client's counters since it was made (see README, "Counters")."""

    uptime_s: int
    retries: int
    token_fetches: int
    token_fetch_failures: int
    token_rejections: int
    replay_rejections: int
    audit_failures: int
    #: call -> code name -> count, e.g. calls["v1_verify"]["WXFACE_OK"].
    calls: Dict[str, Dict[str, int]]
    #: WeChat endpoint -> HTTP requests, retries included.
    requests: Dict[str, int]
    latency: Dict[str, Latency]
    #: The same in the Prometheus text exposition format.
    prometheus: str = field(repr=False)

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> "ClientStats":
        calls: Dict[str, Dict[str, int]] = {}
        requests: Dict[str, int] = {}
        latency: Dict[str, Dict[str, int]] = {}
        for name, text in fields.items():
            parts = name.split(".")
            if parts[0] == "calls" and len(parts) == 3:
                calls.setdefault(parts[1], {})[parts[2]] = int(text)
            elif parts[0] == "requests" and len(parts) == 2:
                requests[parts[1]] = int(text)
            elif parts[0] == "latency" and len(parts) == 3:
                latency.setdefault(parts[1], {})[parts[2]] = int(text)
        return cls(
            uptime_s=int(fields["uptime_s"]),
            retries=int(fields["retries"]),
            token_fetches=int(fields["token_fetches"]),
            token_fetch_failures=int(fields["token_fetch_failures"]),
            token_rejections=int(fields["token_rejections"]),
            replay_rejections=int(fields["replay_rejections"]),
            audit_failures=int(fields["audit_failures"]),
            calls=calls,
            requests=requests,
            latency={call: Latency(**values) for call, values in latency.items()},
            prometheus=fields["prometheus"],
        )
