"""The binding refuses a libwxface of another MAJOR.MINOR (ABI.md: 0.x
breaks at MINOR), naming both versions."""

import shutil
import subprocess
import sys

import pytest

import wxface
from wxface import _native

from .test_packaging import SRC, bare_env, run_python


def binding_version() -> str:
    return "%d.%d" % _native.ABI_VERSION


def test_the_loaded_library_has_the_bindings_major_and_minor():
    assert wxface.version().rsplit(".", 1)[0] == binding_version()
    assert wxface.__version__.rsplit(".", 1)[0] == binding_version()


@pytest.mark.parametrize("version", ["0.1.0", "0.3.0", "1.2.0", "0.2", "garbage"])
def test_another_major_minor_is_refused_naming_both_versions(version: str):
    with pytest.raises(OSError, match="not compatible") as info:
        _native.check_version(version)
    assert version in str(info.value)
    assert binding_version() + ".x" in str(info.value)


def test_another_patch_is_accepted():
    _native.check_version(binding_version() + ".7")


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")
def test_loading_an_older_library_fails_with_both_versions(tmp_path):
    # A stand-in library that has only wxface_version, as 0.1 had it.
    source = tmp_path / "old.c"
    source.write_text('const char *wxface_version(void) { return "0.1.0"; }\n')
    old = tmp_path / "libwxface.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(old), str(source)], check=True)
    r = run_python(
        sys.executable,
        """
        import wxface
        try:
            wxface.version()
        except wxface.LibraryNotFoundError as e:
            print(e)
        """,
        bare_env(PYTHONPATH=str(SRC), WXFACE_LIBRARY=str(old)),
        tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert (
        "libwxface 0.1.0 is not compatible with this binding, which needs %s.x" % binding_version()
        in r.stdout
    )
