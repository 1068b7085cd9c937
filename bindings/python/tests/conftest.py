"""Fixtures: one wxface-sandbox per test session, its control API, clients."""

import json
import os
import subprocess
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Tuple

import pytest

import wxface

REPO = Path(__file__).resolve().parents[3]
APPID = "wx5a3d6f1e2b4c8d90"
SECRET = "sandbox-secret-0123456789abcdef"
PUSH_TOKEN = "wxfacePyToken2024"
PUSH_AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"

# The contract: WXFACE_LIBRARY, else the repository's debug build; with
# WXFACE_TEST_INSTALLED=1 (test.sh with WXFACE_PY_WHEEL), the library the
# installed wheel bundles.
if os.environ.get("WXFACE_TEST_INSTALLED") != "1":
    os.environ.setdefault("WXFACE_LIBRARY", str(REPO / "target" / "debug" / "libwxface.so"))


def load_scenarios(name: str) -> Dict[str, Any]:
    with open(REPO / "tests" / "scenarios" / name, encoding="utf-8") as f:
        return json.load(f)


class Sandbox:
    def __init__(self, binary: str) -> None:
        self.process = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode().strip()
        self.base = line.rsplit(" ", 1)[-1]
        assert self.base.startswith("http://127.0.0.1:"), "unexpected listen line %r" % line

    def settings(self, **extra: Any) -> Dict[str, Any]:
        s: Dict[str, Any] = {"appid": APPID, "secret": SECRET, "api_base": self.base, "proxy": "none"}
        s.update(extra)
        return s

    def client(self, logger: Any = None, **extra: Any) -> wxface.Client:
        return wxface.Client(self.settings(**extra), logger=logger)

    def control(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        # The sandbox is on loopback; never route control calls through a proxy.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=10) as r:
            text = r.read().decode()
        return json.loads(text) if text else None

    def stats(self) -> Dict[str, Any]:
        return self.control("GET", "/sandbox/stats")

    def fault(self, **spec: Any) -> None:
        self.control("POST", "/sandbox/faults", spec)

    def complete_v1(self, user_id_key: str, **outcome: Any) -> Tuple[str, str]:
        r = self.control("POST", "/sandbox/v1/complete", dict(outcome, user_id_key=user_id_key))
        return r["verify_result"], r["openid"]

    def complete_v2(self, verify_id: str, **outcome: Any) -> None:
        self.control("POST", "/sandbox/v2/complete", dict(outcome, verify_id=verify_id))

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    binary = os.environ.get("WXFACE_SANDBOX") or str(REPO / "target" / "debug" / "wxface-sandbox")
    s = Sandbox(binary)
    yield s
    s.stop()


@pytest.fixture
def clean_sandbox(sandbox: Sandbox) -> Iterator[Sandbox]:
    """The sandbox, with faults and counters cleared after the test."""
    sandbox.control("POST", "/sandbox/reset")
    yield sandbox
    sandbox.control("DELETE", "/sandbox/faults")
    sandbox.control("DELETE", "/sandbox/push")
    sandbox.control("POST", "/sandbox/reset")


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[wxface.Client]:
    with sandbox.client() as c:
        yield c


@pytest.fixture
def push_client(sandbox: Sandbox) -> Iterator[wxface.Client]:
    with sandbox.client(push_token=PUSH_TOKEN, push_aes_key=PUSH_AES_KEY) as c:
        yield c
