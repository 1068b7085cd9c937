"""Finding the library, and the wheel: built from this tree, installed into
a fresh virtual environment, used with nothing else on the path."""

import hashlib
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

import wxface

from .conftest import APPID, REPO, SECRET, Sandbox

HERE = Path(__file__).resolve().parents[1]
SRC = HERE / "src"


def run_python(python: str, code: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [python, "-c", textwrap.dedent(code)],
        env=env,
        cwd=str(cwd),
        capture_output=True,
        text=True,
        timeout=120,
    )


def bare_env(**extra: str) -> dict:
    env = {
        k: v for k, v in os.environ.items() if k not in ("WXFACE_LIBRARY", "PYTHONPATH", "LD_LIBRARY_PATH")
    }
    env.update(extra)
    return env


@pytest.mark.skipif(
    not os.environ.get("WXFACE_EXPECT_LIBRARY_SHA256"), reason="run by test.sh, which names the library"
)
def test_the_loaded_library_is_the_one_this_run_was_given():
    path = wxface.library_path()
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    assert digest == os.environ["WXFACE_EXPECT_LIBRARY_SHA256"], path
    if os.environ.get("WXFACE_TEST_INSTALLED") == "1":
        # The installed package, not this source tree.
        assert not str(Path(wxface.__file__).resolve()).startswith(str(SRC)), wxface.__file__
        assert "WXFACE_LIBRARY" not in os.environ


def test_a_named_library_that_does_not_load_is_reported_without_fallback(tmp_path):
    junk = tmp_path / "libwxface.so"
    junk.write_bytes(b"not a shared object")
    r = run_python(
        sys.executable,
        """
        import wxface
        try:
            wxface.version()
        except wxface.LibraryNotFoundError as e:
            print(e)
            print("tried", len(e.tried))
        """,
        bare_env(PYTHONPATH=str(SRC), WXFACE_LIBRARY=str(junk)),
        tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert str(junk) in r.stdout
    assert "WXFACE_LIBRARY" in r.stdout
    assert "tried 1" in r.stdout


@pytest.mark.skipif((SRC / "wxface" / "libwxface.so").exists(), reason="a copy is bundled in the source tree")
def test_without_any_library_the_error_lists_every_place_tried(tmp_path):
    r = run_python(
        sys.executable,
        """
        import wxface
        try:
            wxface.md5_name("x")
        except OSError as e:
            print(e)
        """,
        bare_env(PYTHONPATH=str(SRC)),
        tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert str(SRC / "wxface" / "libwxface.so") in r.stdout
    assert "find_library('wxface')" in r.stdout


FLOW = """
import json, os, sys, urllib.request
import wxface

assert "WXFACE_LIBRARY" not in os.environ
base = sys.argv[1]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

def complete(key):
    body = json.dumps({"user_id_key": key}).encode()
    with opener.open(urllib.request.Request(base + "/sandbox/v1/complete", data=body)) as r:
        answer = json.loads(r.read())
    return answer["verify_result"], answer["openid"]

with wxface.Client(appid="%s", secret="%s", api_base=base, proxy="none") as c:
    key = c.v1_get_user_id_key("张三", "11010519491231002x")
    verify_result, openid = complete(key.user_id_key)
    result = c.v1_verify(verify_result, "张三", "11010519491231002X", key.user_id_key, openid)
    try:
        c.v1_verify(verify_result, "张三", "11010519491231002X")
    except wxface.Replayed as e:
        print("replay refused:", e.code_name)
print("verified:", result.identify_ret)
print("library:", wxface.library_path())
""" % (APPID, SECRET)


def test_the_wheel_bundles_the_library_and_works_in_a_fresh_venv(sandbox: Sandbox, tmp_path):
    import setuptools

    # Built without isolation, with this interpreter's setuptools (test.sh installs it).
    assert int(setuptools.__version__.split(".")[0]) >= 61, "setuptools>=61 is needed to build the wheel"
    library = os.environ.get("WXFACE_LIBRARY") or str(REPO / "target" / "debug" / "libwxface.so")
    dist = tmp_path / "dist"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(HERE),
        ],
        env=dict(os.environ, WXFACE_LIBRARY=library),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("wxface-*.whl")
    assert not wheel.name.endswith("-none-any.whl"), "the wheel must be platform-specific"
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    assert "wxface/libwxface.so" in names
    assert "wxface/py.typed" in names

    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    installed = subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-index", "--no-deps", str(wheel)],
        env=bare_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr

    work = tmp_path / "elsewhere"
    work.mkdir()
    flow = work / "flow.py"
    flow.write_text(FLOW, encoding="utf-8")
    r = subprocess.run(
        [python, "-I", str(flow), sandbox.base],
        env=bare_env(),
        cwd=str(work),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "replay refused: WXFACE_ERR_REPLAYED" in r.stdout
    assert "verified: 0" in r.stdout
    library_line = next(line for line in r.stdout.splitlines() if line.startswith("library:"))
    assert library_line.split(": ", 1)[1].startswith(str(venv)), library_line
