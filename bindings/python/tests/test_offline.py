"""Version and code names. The offline helpers' known answers are in
tests/scenarios/offline.json (test_scenarios.py)."""

import re

import pytest

import wxface


def test_version_is_the_libraries_semver():
    assert re.fullmatch(r"\d+\.\d+\.\d+", wxface.version())
    assert wxface.version().split(".")[0] == "0"


def test_code_names_come_from_the_library():
    assert wxface.code_name(0) == "WXFACE_OK"
    assert wxface.code_name(32) == "WXFACE_ERR_NAME_MISMATCH"
    assert wxface.code_name(12345) == "WXFACE_ERR_UNKNOWN"
    assert wxface.code_name(1 << 40) == "WXFACE_ERR_UNKNOWN"
    assert wxface.code_description(31)
    with pytest.raises(TypeError):
        wxface.code_name("32")  # type: ignore[arg-type]
