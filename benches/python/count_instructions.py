"""Instructions and level-1 cache misses per call the Python binding adds
over the raw ctypes call, counted by callgrind with its cache simulation:
deterministic where CPU time on a shared machine is not.

    python count_instructions.py                # the table (runs valgrind)
    python count_instructions.py CALLS ROW...   # the run valgrind watches

Needs valgrind, WXFACE_LIBRARY (the release libwxface.so) and the nginx
double: WXFACE_BENCH_BASE=http://127.0.0.1:PORT (benches/double/start.sh).
One process runs under `valgrind --tool=callgrind --separate-threads=yes
--cache-sim=yes` (cachegrind's simulation of the host's caches);
each row runs in three worker threads, one after another, each after the
same warm-up: one to warm up, one making 0 calls, one making CALLS
(WXFACE_COUNT_CALLS, default 1000). The last two threads' difference
divided by CALLS is the row's instructions, I1 misses (level-1 instruction
cache) and D1 misses (level-1 data cache, reads and writes) per call: on a
machine where a call's network round trip runs between two calls, a call
starts with cold caches, and its CPU time follows the cache lines it
touches more than its instructions. WXFACE_COUNT_KEEP=DIR keeps
callgrind's files there (one per thread: callgrind_annotate them).
Rows, for verify (v1_verify), query (2.0 v2_query) and push (push_open of a
safe-mode XML push):
  raw     the ctypes call and wxface_response_free, nothing read back
  call    the binding's call, no attribute read
  read    the call and the attribute a caller reads first (verify: openid,
          query: verify_ret, push: event)
  fields  the call and `fields`
The tables print each binding row less its raw row. WXFACE_COUNT_KINDS
(verify,query,push) and WXFACE_COUNT_SIDES (raw,call,read,fields; raw
first) run fewer rows. PYTHONHASHSEED=0 is set
for every run (str hashing would otherwise vary the counts).
"""

import ctypes
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Dict, List

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bindings" / "python" / "src"))

import wxface  # noqa: E402
from wxface import _native  # noqa: E402

NAME = "张三"
ID = "11010519491231002X"
APPID = "wx5a3d6f1e2b4c8d90"
PUSH_TOKEN = "wxfaceToken2024"
PUSH_AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
KINDS = ("verify", "query", "push")
SIDES = ("raw", "call", "read", "fields")
HEADS = {"call": "call - raw", "read": "+read - raw", "fields": "+fields - raw"}
# The attribute a caller reads first, per kind.
FIRST_READ = {"verify": "openid", "query": "verify_ret", "push": "event"}
WARM_UP = 50


def rows(calls: int) -> Dict[str, Callable[[int], None]]:
    """Every row as work(i), each set up the same way whichever is run, so
    that the runs of 0 calls differ only in the row named."""
    port = os.environ["WXFACE_BENCH_BASE"].rsplit(":", 1)[1]
    settings = {
        "appid": APPID,
        "secret": "bench-secret-0123456789abcdef",
        "api_base": "http://localhost:%s" % port,
        "proxy": "none",
        "push_token": PUSH_TOKEN,
        "push_aes_key": PUSH_AES_KEY,
        # valgrind's slow runs outlive the default 60 s: a lookup then
        # would start a thread, which the counts do not expect.
        "dns_cache_s": "86400",
    }
    client = wxface.Client(settings)
    lib = _native.lib()
    raw = ctypes.c_void_p()
    cfg = lib.wxface_config_new()
    err = _native.ErrorStruct()
    for k, v in settings.items():
        assert lib.wxface_config_set(cfg, k.encode(), v.encode(), ctypes.byref(err)) == 0, err.message
    assert lib.wxface_client_new(cfg, ctypes.byref(raw), ctypes.byref(err)) == 0, err.message
    lib.wxface_config_free(cfg)
    out = ctypes.c_void_p()
    out_ref, err_ref = ctypes.byref(out), ctypes.byref(err)
    name_b, id_b = NAME.encode(), ID.encode()
    query = ("bench-verify-id-0123456789", "benchSeq0001", "oBenchOpenid0123456789abcdef", "ab" * 32)
    query_b = tuple(a.encode() for a in query)
    now = int(time.time())
    xml = (
        "<xml><ToUserName><![CDATA[gh_3f1c9a7b2e4d]]></ToUserName>"
        "<FromUserName><![CDATA[oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM]]></FromUserName>"
        "<CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[face_identify]]></Event><openid><![CDATA[oU2c95XhnP8Tp9rAJ7Jq7tZ1zKwM]]></openid>"
        "<out_seq_no><![CDATA[test1234]]></out_seq_no><verify_result><![CDATA[XXIzTtMqCxwOaawoE91]]></verify_result>"
        "</xml>" % now
    )
    sealed = client.push_seal(xml, format="xml", mode="safe", timestamp=now)
    push_query, body = sealed.query, sealed.body.encode()
    push_query_b = push_query.encode()
    # Distinct verify_results, as the replay guard wants, made before the
    # calls; the same text lengths on every side.
    results = ["vr-%07d" % i for i in range(4 * len(KINDS) * len(SIDES) * (WARM_UP + calls))]

    def check(code: int) -> None:
        if code != 0:
            raise RuntimeError("code %d: %s" % (code, err.message.decode()))
        lib.wxface_response_free(out)

    def verify_raw(i: int) -> None:
        check(lib.wxface_v1_verify(raw, results[i].encode(), name_b, id_b, None, None, out_ref, err_ref))

    def query_raw(i: int) -> None:
        check(lib.wxface_v2_query(raw, *query_b, out_ref, err_ref))

    def push_raw(i: int) -> None:
        check(lib.wxface_push_open(raw, push_query_b, body, len(body), out_ref, err_ref))

    def verify(i: int) -> wxface.V1Result:
        return client.v1_verify(results[i], NAME, ID)

    def query_(i: int) -> wxface.V2Result:
        return client.v2_query(*query)

    def push(i: int) -> wxface.PushEvent:
        return client.push_open(push_query, body)

    made: Dict[str, Callable[[int], None]] = {}
    for kind, raw_call, call in (
        ("verify", verify_raw, verify),
        ("query", query_raw, query_),
        ("push", push_raw, push),
    ):
        first = FIRST_READ[kind]
        made[kind + ":raw"] = raw_call
        made[kind + ":call"] = call
        made[kind + ":read"] = lambda i, call=call, first=first: getattr(call(i), first)
        made[kind + ":fields"] = lambda i, call=call: call(i).fields
    assert client.push_open(push_query, body).event == "face_identify"
    return made


def one_run(calls: int, names: List[str]) -> None:
    """Each row of `names` in threads of its own, one after another: a
    warm-up thread, then one making 0 calls and one making `calls` (each
    after the same warm-up). Every thread stays alive until the end, so that
    valgrind numbers each anew (its --separate-threads output): thread 1 is
    the main one, then three per row in that order."""
    made = rows(calls)
    finish = threading.Event()
    alive = []
    raised: List[BaseException] = []

    def worker(work: Callable[[int], None], offset: int, calls: int, done: threading.Event) -> None:
        try:
            for i in range(offset, offset + WARM_UP + calls):
                work(i)
        except BaseException as e:  # noqa: BLE001
            raised.append(e)
        done.set()
        finish.wait()

    offset = 0
    for name in names:
        for n in (0, 0, calls):
            done = threading.Event()
            thread = threading.Thread(target=worker, args=(made[name], offset, n, done))
            thread.start()
            alive.append(thread)
            done.wait()
            # Distinct verify_results for every call, as the replay guard wants.
            offset += WARM_UP + n
    finish.set()
    for thread in alive:
        thread.join()
    if raised:
        raise raised[0]


# callgrind's events with --cache-sim=yes, and what the tables call them.
EVENTS = (("Ir", "instructions"), ("I1mr", "I1 misses"), ("D1", "D1 misses"))


def per_call(names: List[str], calls: int) -> Dict[str, Dict[str, float]]:
    """Events per call of each row (EVENTS: instructions, I1 and D1
    misses): its thread of `calls` calls less its thread of 0."""
    keep = os.environ.get("WXFACE_COUNT_KEEP")
    with tempfile.TemporaryDirectory() as tmp:
        where = keep or tmp
        if keep:
            os.makedirs(keep, exist_ok=True)
            for old in Path(keep).glob("callgrind.out*"):
                old.unlink()
        out = os.path.join(where, "callgrind.out")
        env = dict(os.environ, PYTHONHASHSEED="0")
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--separate-threads=yes",
                "--cache-sim=yes",
                "--callgrind-out-file=" + out,
                sys.executable,
                __file__,
                str(calls),
                *names,
            ],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        totals: Dict[int, Dict[str, int]] = {}
        # One file per thread, and an empty one for the process.
        for path in Path(where).glob("callgrind.out*"):
            text = path.read_text()
            thread = re.search(r"^thread: (\d+)", text, re.M)
            events = re.search(r"^events: (.+)$", text, re.M)
            found = re.search(r"^summary: (.+)$", text, re.M)
            if thread and events and found:
                counts = dict(zip(events.group(1).split(), map(int, found.group(1).split())))
                counts["D1"] = counts["D1mr"] + counts["D1mw"]
                totals[int(thread.group(1))] = counts
    assert sorted(totals) == list(range(1, 2 + 3 * len(names))), (
        "threads other than the rows' ran: %s" % sorted(totals)
    )
    made: Dict[str, Dict[str, float]] = {}
    for i, name in enumerate(names):
        zero, some = totals[2 + 3 * i + 1], totals[2 + 3 * i + 2]
        made[name] = {event: (some[event] - zero[event]) / calls for event, _ in EVENTS}
    return made


def main() -> int:
    if len(sys.argv) > 1:
        one_run(int(sys.argv[1]), sys.argv[2:])
        return 0
    calls = int(os.environ.get("WXFACE_COUNT_CALLS", "1000"))
    kinds = os.environ.get("WXFACE_COUNT_KINDS", ",".join(KINDS)).split(",")
    sides = os.environ.get("WXFACE_COUNT_SIDES", ",".join(SIDES)).split(",")
    assert sides[0] == "raw", "WXFACE_COUNT_SIDES starts with raw"
    counts = per_call([kind + ":" + side for kind in kinds for side in sides], calls)
    print(
        "python %s, %d calls less 0, each row in a worker thread, per call (callgrind --cache-sim=yes)"
        % (sys.version.split()[0], calls)
    )
    for event, title in EVENTS:
        # Instructions in thousands, misses as they are.
        scale, unit, places = (1000, "k", 1) if event == "Ir" else (1, "", 0)
        print()
        print("%-12s | %9s |" % (title, "raw") + "".join(" %13s" % HEADS[s] for s in sides[1:]))
        for kind in kinds:
            raw = counts[kind + ":raw"][event]
            print(
                "%-12s | %9.0f |" % (kind, raw)
                + "".join(
                    " %13s" % ("%+.*f%s" % (places, (counts[kind + ":" + s][event] - raw) / scale, unit))
                    for s in sides[1:]
                )
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
