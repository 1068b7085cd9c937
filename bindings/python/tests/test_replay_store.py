"""The replay guard in the integrator's own store (`replay_store`)."""

import threading
from typing import Any, Dict, List, Tuple

import pytest

import wxface

from .conftest import Sandbox

NAME = "张三"
NUMBER = "11010519491231002X"


class Table:
    """A database table with a primary key, in miniature and thread-safe."""

    def __init__(self) -> None:
        self.rows: Dict[str, int] = {}
        self.calls: List[Tuple[str, int]] = []
        self.lock = threading.Lock()

    def __call__(self, key: str, ttl_s: int) -> bool:
        with self.lock:
            self.calls.append((key, ttl_s))
            if key in self.rows:
                return False
            self.rows[key] = ttl_s
            return True


def fresh_result(sandbox: Sandbox) -> str:
    answer = sandbox.control("POST", "/sandbox/v1/complete", {"name": NAME, "id_card_number": NUMBER})
    return str(answer["verify_result"])


def test_two_clients_sharing_a_replay_store_accept_a_result_once(sandbox: Sandbox):
    table = Table()
    with wxface.Client(sandbox.settings(), replay_store=table) as a, wxface.Client(
        sandbox.settings(), replay_store=table
    ) as b:
        vr = fresh_result(sandbox)
        assert a.v1_verify(vr, NAME, NUMBER).identify_ret == 0
        with pytest.raises(wxface.Replayed):
            b.v1_verify(vr, NAME, NUMBER)
    (key, ttl_s), _ = table.calls
    assert key.startswith("wxface:{")
    assert ":r:" in key
    assert vr not in key
    assert ttl_s == 900


def test_sixteen_threads_offering_one_result_get_one_pass(sandbox: Sandbox):
    table = Table()
    with wxface.Client(sandbox.settings(), replay_store=table) as c:
        vr = fresh_result(sandbox)
        barrier = threading.Barrier(16)
        outcomes: List[str] = []

        def offer() -> None:
            barrier.wait()
            try:
                c.v1_verify(vr, NAME, NUMBER)
                outcomes.append("ok")
            except wxface.Replayed:
                outcomes.append("replayed")

        threads = [threading.Thread(target=offer) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(outcomes) == ["ok"] + ["replayed"] * 15


def _raises(key: str, ttl_s: int) -> bool:
    raise ConnectionError("database down")


@pytest.mark.parametrize(
    "store",
    [_raises, lambda key, ttl_s: None, lambda key, ttl_s: 1],
    ids=["raises", "none", "not_a_bool"],
)
def test_a_failing_replay_store_fails_closed_with_state_store(sandbox: Sandbox, store: Any, caplog):
    with wxface.Client(sandbox.settings(), replay_store=store) as c, pytest.raises(wxface.StateStore):
        c.v1_verify(fresh_result(sandbox), NAME, NUMBER)
    assert "replay store failed" in caplog.text
