"""Per-call cost of an offline call (wxface_cert_hash) through the binding.

    python bench.py [calls]

Prints ns/call for wxface.cert_hash (argument checks, encoding, buffer,
error struct, the C call) and for the bare ctypes call it wraps, so the
binding's own overhead is the difference. The C figure for the same call
comes from the C benchmark.
"""

import ctypes
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
os.environ.setdefault(
    "WXFACE_LIBRARY", str(Path(__file__).resolve().parents[2] / "target" / "debug" / "libwxface.so")
)

import wxface
from wxface import _native

NAME = "张三"
NUMBER = "11010519491231002X"


def per_call_ns(fn, calls: int) -> float:
    fn()  # warm up (loads the library on first use)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter_ns()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter_ns() - start) / calls)
    return best


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    lib = _native.lib()
    args = (b"IDENTITY_CARD", NAME.encode(), NUMBER.encode())
    out = ctypes.create_string_buffer(65)
    err = _native.ErrorStruct()

    def raw() -> None:
        lib.wxface_cert_hash(*args, out, ctypes.byref(err))

    def binding() -> None:
        wxface.cert_hash("IDENTITY_CARD", NAME, NUMBER)

    assert wxface.cert_hash("IDENTITY_CARD", NAME, NUMBER) == (raw(), out.value.decode())[1]
    print("library: %s (%s)" % (wxface.library_path(), wxface.version()))
    print("python: %s" % sys.version.split()[0])
    raw_ns = per_call_ns(raw, calls)
    binding_ns = per_call_ns(binding, calls)
    print("cert_hash via ctypes (bare call):   %8.0f ns/call" % raw_ns)
    print("cert_hash via wxface.cert_hash:     %8.0f ns/call" % binding_ns)
    print("binding overhead over bare ctypes:  %8.0f ns/call" % (binding_ns - raw_ns))


if __name__ == "__main__":
    main()
