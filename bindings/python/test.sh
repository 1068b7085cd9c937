#!/usr/bin/env bash
# Lints and tests the Python binding against the sandbox.
# Uses WXFACE_LIBRARY / WXFACE_SANDBOX, defaulting to the repository's
# target/debug build (run `cargo build` first). Dependencies come from PyPI
# into bindings/python/.venv (override with WXFACE_PY_VENV), made by
# WXFACE_PYTHON (default python3).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export WXFACE_SANDBOX="${WXFACE_SANDBOX:-$repo/target/debug/wxface-sandbox}"
# WXFACE_PY_WHEEL=/path/wxface-...whl (e.g. from scripts/package-wheels.sh):
# the suite runs against that wheel installed into the venv and the library
# it bundles, not against src/ and WXFACE_LIBRARY; no benchmark.
wheel="${WXFACE_PY_WHEEL:-}"
if [[ -n "$wheel" ]]; then
    [[ -f "$wheel" ]] || { echo "test.sh: WXFACE_PY_WHEEL=$wheel not found" >&2; exit 1; }
    wheel="$(cd "$(dirname "$wheel")" && pwd)/$(basename "$wheel")"
    unset WXFACE_LIBRARY
    export WXFACE_TEST_INSTALLED=1
    command -v unzip >/dev/null || { echo "test.sh: unzip is not installed (it reads the wheel)" >&2; exit 1; }
    WXFACE_EXPECT_LIBRARY_SHA256="$(unzip -p "$wheel" wxface/libwxface.so | sha256sum | cut -d' ' -f1)"
else
    export WXFACE_LIBRARY="${WXFACE_LIBRARY:-$repo/target/debug/libwxface.so}"
    [[ -f "$WXFACE_LIBRARY" ]] || { echo "test.sh: $WXFACE_LIBRARY not found; run cargo build in $repo" >&2; exit 1; }
    WXFACE_EXPECT_LIBRARY_SHA256="$(sha256sum <"$WXFACE_LIBRARY" | cut -d' ' -f1)"
fi
# The suite checks that the library it loaded is this one.
export WXFACE_EXPECT_LIBRARY_SHA256
[[ -f "$WXFACE_SANDBOX" ]] || { echo "test.sh: $WXFACE_SANDBOX not found; run cargo build in $repo" >&2; exit 1; }

# WXFACE_PYTHON (or PYTHON): the interpreter to test with, e.g.
# /root/.pyenv/versions/3.8.18/bin/python3.8 for the oldest supported one.
python="${WXFACE_PYTHON:-${PYTHON:-python3}}"
want="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
venv="${WXFACE_PY_VENV:-$here/.venv}"
# A venv made by another interpreter would test that one instead: remake it.
if [[ -x "$venv/bin/python" ]] &&
    [[ "$("$venv/bin/python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')" != "$want" ]]; then
    rm -rf "$venv"
fi
if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv"
fi
echo "test.sh: Python $want ($python), venv $venv"
# setuptools and wheel: the packaging test builds the wheel without isolation
# (setuptools>=61 reads pyproject.toml's [project]).
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
    pytest ruff mypy 'wechatpy[cryptography]' xmltodict 'setuptools>=61' wheel

cd "$here"
# ruff also flags syntax newer than target-version (py38).
"$venv/bin/ruff" check src tests bench.py setup.py
"$venv/bin/ruff" format --check src tests bench.py setup.py
"$venv/bin/mypy" --strict --cache-dir=/dev/null src/wxface
if [[ -n "$wheel" ]]; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"
    (cd / && "$venv/bin/python" -c 'import wxface; print("test.sh: testing", wxface.__file__, "with", wxface.library_path())')
    # Not src/ (pyproject's pythonpath): the installed package.
    "$venv/bin/python" -m pytest -v -p no:cacheprovider -o pythonpath= tests "$@"
else
    # A wheel installed by an earlier run must not shadow src/ in subprocesses.
    "$venv/bin/python" -m pip uninstall -q -y wxface 2>/dev/null || true
    "$venv/bin/python" -m pytest -v -p no:cacheprovider tests "$@"
    "$venv/bin/python" bench.py 2000
fi
