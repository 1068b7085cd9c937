"""The Python binding against what a Python user would write by hand, and
against the raw ctypes call it wraps, in alternating rounds in one process.

    python bench_bindings.py

Needs WXFACE_LIBRARY (the release libwxface.so), the binding importable
(bindings/python/src on sys.path), requests and wechatpy, and the nginx
double: WXFACE_BENCH_BASE=http://127.0.0.1:PORT (benches/double/start.sh).
Optional: WXFACE_BENCH_ROUND_S (default 1), WXFACE_BENCH_ROUNDS (default 3).
`make bench` runs it with everything in place.

Verify (1 and 8 threads, one client / one Session shared):
  binding  wxface.Client.v1_verify and the result's openid, as a caller
           reads at least one attribute (a result makes its attributes
           when they are read)
  raw      ctypes call of wxface_v1_verify (+ wxface_response_free), no
           wrapper, nothing read back, the thread's out-pointer and error
           struct reused as the binding reuses its own
  by hand  requests.Session: POST getinfo, .json(), the pass checked
Query (2.0 queryverifyinfo, 1 and 8 threads):
  binding  wxface.Client.v2_query and the result's verify_ret
  raw      ctypes call of wxface_v2_query (+ wxface_response_free)
Push opening (1 thread, a safe-mode XML push):
  binding  wxface.Client.push_open and the event's `event`
  raw      ctypes call of wxface_push_open (+ wxface_response_free)
  wechatpy WeChatCrypto.decrypt_message + parse_message
The binding's own cost is the last table: binding / raw, and the CPU
microseconds the binding adds per call (checking and encoding the
arguments, reading the answer into its result object).
"""

import ctypes
import itertools
import os
import sys
import threading
import time
from pathlib import Path
from statistics import median
from typing import Callable, Dict, List, Tuple
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bindings" / "python" / "src"))

import requests  # noqa: E402
import wxface  # noqa: E402
from wechatpy import parse_message  # noqa: E402
from wechatpy.crypto import WeChatCrypto  # noqa: E402

NAME = "张三"
ID = "11010519491231002X"
APPID = "wx5a3d6f1e2b4c8d90"
PUSH_TOKEN = "wxfaceToken2024"
PUSH_AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
BASE = os.environ["WXFACE_BENCH_BASE"]
PORT = BASE.rsplit(":", 1)[1]
ROUND_S = float(os.environ.get("WXFACE_BENCH_ROUND_S", "1"))
ROUNDS = int(os.environ.get("WXFACE_BENCH_ROUNDS", "3"))


class ErrorStruct(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_int32),
        ("wechat_errcode", ctypes.c_int32),
        ("verify_ret", ctypes.c_int32),
        ("http_status", ctypes.c_int32),
        ("message", ctypes.c_char * 512),
    ]


def raw_library() -> ctypes.CDLL:
    """The library loaded on its own, with only the prototypes used here."""
    lib = ctypes.CDLL(os.environ["WXFACE_LIBRARY"])
    p, cp = ctypes.c_void_p, ctypes.c_char_p
    err = ctypes.POINTER(ErrorStruct)
    for name, args in {
        "wxface_config_set": [p, cp, cp, err],
        "wxface_client_new": [p, ctypes.POINTER(p), err],
        "wxface_v1_verify": [p, cp, cp, cp, cp, cp, ctypes.POINTER(p), err],
        "wxface_v2_query": [p, cp, cp, cp, cp, ctypes.POINTER(p), err],
        "wxface_push_open": [p, cp, cp, ctypes.c_size_t, ctypes.POINTER(p), err],
        "wxface_response_free": [p],
        "wxface_config_free": [p],
    }.items():
        fn = getattr(lib, name)
        fn.argtypes = args
        fn.restype = None if name.endswith("_free") else ctypes.c_int32
    lib.wxface_config_new.argtypes = []
    lib.wxface_config_new.restype = p
    return lib


def raw_client(lib: ctypes.CDLL, settings: Dict[str, str]) -> ctypes.c_void_p:
    cfg = lib.wxface_config_new()
    err = ErrorStruct()
    for k, v in settings.items():
        assert lib.wxface_config_set(cfg, k.encode(), v.encode(), ctypes.byref(err)) == 0, err.message
    client = ctypes.c_void_p()
    assert lib.wxface_client_new(cfg, ctypes.byref(client), ctypes.byref(err)) == 0, err.message
    lib.wxface_config_free(cfg)
    return client


class _Scratch(threading.local):
    """Each thread's out-pointer and error struct for the raw calls, made
    once, as the binding keeps its own: the raw side must not pay an
    allocation per call that the binding does not."""

    def __init__(self) -> None:
        self.out = ctypes.c_void_p()
        self.err = ErrorStruct()
        self.out_ref = ctypes.byref(self.out)
        self.err_ref = ctypes.byref(self.err)


SCRATCH = _Scratch()


def run_round(threads: int, work: Callable[[int, int], None]) -> Tuple[float, float]:
    """Calls per second of `threads` threads calling work(thread, i), and
    the process's CPU microseconds per call (steadier on a shared machine)."""
    stop = threading.Event()
    start = threading.Barrier(threads + 1)
    counts = [0] * threads
    # A raising call would end its thread quietly and the round would count
    # fewer calls as if they were slower: the round fails instead, naming it.
    raised: List[BaseException] = []

    def worker(t: int) -> None:
        start.wait()
        i = 0
        try:
            while not stop.is_set():
                work(t, i)
                i += 1
        except BaseException as e:  # noqa: BLE001
            raised.append(e)
            stop.set()
        counts[t] = i

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    start.wait()
    t0, cpu0 = time.perf_counter(), time.process_time()
    time.sleep(ROUND_S)
    stop.set()
    for th in pool:
        th.join()
    if raised:
        raise RuntimeError("%s raised %r" % (getattr(work, "__name__", "a side"), raised[0])) from raised[0]
    calls = max(sum(counts), 1)
    return calls / (time.perf_counter() - t0), (time.process_time() - cpu0) * 1e6 / calls


def compare(threads: int, sides: Dict[str, Callable[[int, int], None]]) -> Tuple[Dict[str, float], Dict[str, float]]:
    """Median calls/s and CPU us/call per side over alternating rounds, after a warm-up."""
    rates: Dict[str, List[float]] = {name: [] for name in sides}
    cpus: Dict[str, List[float]] = {name: [] for name in sides}
    for work in sides.values():
        run_round(threads, work)
    for _ in range(ROUNDS):
        for name, work in sides.items():
            rate, cpu = run_round(threads, work)
            rates[name].append(rate)
            cpus[name].append(cpu)
    return {n: median(r) for n, r in rates.items()}, {n: median(c) for n, c in cpus.items()}


def main() -> int:
    settings = {
        "appid": APPID,
        "secret": "bench-secret-0123456789abcdef",
        # The library reaches the double by name, as it reaches WeChat.
        "api_base": "http://localhost:%s" % PORT,
        "proxy": "none",
    }
    client = wxface.Client(settings)
    lib = raw_library()
    raw = raw_client(lib, settings)
    session = requests.Session()
    token = session.post(BASE + "/cgi-bin/stable_token", json={"grant_type": "client_credential"}).json()
    getinfo = BASE + "/cityservice/face/identify/getinfo"
    params = {"access_token": token["access_token"]}
    name_b, id_b = NAME.encode(), ID.encode()
    failures = [0]
    # Distinct verify_results across rounds and threads: the replay guard
    # works as usual (next() on a count is atomic under the GIL).
    seq = itertools.count()

    def binding(t: int, i: int) -> None:
        # A caller reads at least one attribute of the verdict.
        client.v1_verify("py-%d" % next(seq), NAME, ID).openid

    def raw_call(t: int, i: int) -> None:
        scratch = SCRATCH
        vr = b"raw-%d" % next(seq)
        if lib.wxface_v1_verify(raw, vr, name_b, id_b, None, None, scratch.out_ref, scratch.err_ref) != 0:
            failures[0] += 1
        lib.wxface_response_free(scratch.out)
        scratch.out.value = None

    def by_hand(t: int, i: int) -> None:
        r = session.post(getinfo, params=params, json={"verify_result": "rq-%d-%d" % (t, i)})
        answer = r.json()
        if answer.get("errcode") != 0 or answer.get("identify_ret") != 0:
            failures[0] += 1

    print("python %s, requests %s, wechatpy %s" % (sys.version.split()[0], requests.__version__, wechatpy_version()))
    print("verify calls/s (median of %d alternating %.1f s rounds); ratios are binding / other" % (ROUNDS, ROUND_S))
    print("%7s | %9s %9s %9s | %11s %8s | %25s" % (
        "threads", "binding", "raw", "requests", "vs requests", "vs raw", "CPU us/call: binding raw"))
    own: List[Tuple[str, Dict[str, float], Dict[str, float]]] = []
    for threads in (1, 8):
        r, cpu = compare(threads, {"binding": binding, "raw": raw_call, "hand": by_hand})
        print("%7d | %9.0f %9.0f %9.0f | %10.2fx %7.2fx | %16.1f %8.1f" % (
            threads, r["binding"], r["raw"], r["hand"], r["binding"] / r["hand"], r["binding"] / r["raw"],
            cpu["binding"], cpu["raw"]))
        own.append(("verify, %d thread%s" % (threads, "s" if threads > 1 else ""), r, cpu))

    # 2.0 queryverifyinfo: the same four arguments every call (WeChat keeps
    # answering a verify_id until it expires).
    query_args = ("bench-verify-id-0123456789", "benchSeq0001", "oBenchOpenid0123456789abcdef", "ab" * 32)
    query_b = tuple(a.encode() for a in query_args)
    client.v2_query(*query_args)

    def query_binding(t: int, i: int) -> None:
        client.v2_query(*query_args).verify_ret

    def query_raw(t: int, i: int) -> None:
        scratch = SCRATCH
        if lib.wxface_v2_query(raw, *query_b, scratch.out_ref, scratch.err_ref) != 0:
            failures[0] += 1
        lib.wxface_response_free(scratch.out)
        scratch.out.value = None

    for threads in (1, 8):
        r, cpu = compare(threads, {"binding": query_binding, "raw": query_raw})
        own.append(("query (2.0), %d thread%s" % (threads, "s" if threads > 1 else ""), r, cpu))

    # Push opening: a safe-mode XML push as WeChat sends it.
    push_settings = dict(settings, push_token=PUSH_TOKEN, push_aes_key=PUSH_AES_KEY)
    push_client = wxface.Client(push_settings)
    raw_push = raw_client(lib, push_settings)
    now = int(time.time())
    xml = (
        "<xml><ToUserName><![CDATA[gh_3f1c9a7b2e4d]]></ToUserName>"
        "<FromUserName><![CDATA[oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM]]></FromUserName>"
        "<CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[face_identify]]></Event><openid><![CDATA[oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM]]></openid>"
        "<out_seq_no><![CDATA[test1234]]></out_seq_no><verify_result><![CDATA[XXIzTtMqCxwOaawoE91]]></verify_result>"
        "</xml>" % now
    )
    sealed = push_client.push_seal(xml, format="xml", mode="safe", timestamp=now)
    push_query, body = sealed.query, sealed.body.encode()
    q = {k: v[0] for k, v in parse_qs(push_query).items()}
    crypto = WeChatCrypto(PUSH_TOKEN, PUSH_AES_KEY, APPID)
    push_query_b = push_query.encode()

    def push_binding(t: int, i: int) -> None:
        push_client.push_open(push_query, body).event

    def push_raw(t: int, i: int) -> None:
        scratch = SCRATCH
        if lib.wxface_push_open(raw_push, push_query_b, body, len(body), scratch.out_ref, scratch.err_ref) != 0:
            failures[0] += 1
        lib.wxface_response_free(scratch.out)
        scratch.out.value = None

    def push_wechatpy(t: int, i: int) -> None:
        plain = crypto.decrypt_message(body, q["msg_signature"], q["timestamp"], q["nonce"])
        parse_message(plain)

    assert push_client.push_open(push_query, body).event == "face_identify"
    opened = crypto.decrypt_message(body, q["msg_signature"], q["timestamp"], q["nonce"])
    assert "face_identify" in opened and parse_message(opened).source == "oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM"
    r, cpu = compare(1, {"binding": push_binding, "raw": push_raw, "wechatpy": push_wechatpy})
    print("push opening, 1 thread: binding %.0f/s, raw ctypes %.0f/s, wechatpy %.0f/s: "
          "binding %.2fx wechatpy, %.2fx raw; CPU us/call binding %.1f, raw %.1f, wechatpy %.1f" % (
              r["binding"], r["raw"], r["wechatpy"], r["binding"] / r["wechatpy"], r["binding"] / r["raw"],
              cpu["binding"], cpu["raw"], cpu["wechatpy"]))
    own.append(("push opening, 1 thread", r, cpu))

    print()
    print("the binding's own cost: binding / raw ctypes call, same run")
    print("%-24s | %9s %9s | %7s | %21s %8s" % ("call", "binding/s", "raw/s", "ratio", "CPU us: binding raw", "added"))
    for what, r, cpu in own:
        print("%-24s | %9.0f %9.0f | %6.2fx | %12.1f %8.1f | %+7.1f" % (
            what, r["binding"], r["raw"], r["binding"] / r["raw"], cpu["binding"], cpu["raw"],
            cpu["binding"] - cpu["raw"]))
    if failures[0]:
        print("bench_bindings.py: %d calls failed" % failures[0], file=sys.stderr)
        return 1
    return 0


def wechatpy_version() -> str:
    try:
        from importlib.metadata import version
        return version("wechatpy")
    except Exception:  # noqa: BLE001
        return "?"


if __name__ == "__main__":
    sys.exit(main())
