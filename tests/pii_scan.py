#!/usr/bin/env python3
"""Scan what every test suite logged and returned for personal data.

`make test` runs every suite with WXFACE_LOG_FILE (all log lines at trace
level and every error returned through the C ABI, from every process) and
WXFACE_SANDBOX_SECRETS_FILE (every access token and verify_result the
sandboxes issued). This fails if any line holds a full name, an ID number
(any case or width), a secret, a key, a token or a verify_result.

Usage: pii_scan.py LOG_FILE SECRETS_FILE
"""
import re
import sys
import unicodedata

# Known test secrets: the sandbox's secret and the EncodingAESKeys the suites use.
FIXED_SECRETS = [
    "sandbox-secret-0123456789abcdef",
    "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
]
RULES = [
    ("a full Chinese name (two or more ideographs in a row)", re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")),
    ("an ID number", re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")),
    ("a long opaque value (token, key, verify_result, hash)",
     re.compile(r"(?=[A-Za-z0-9_\-]*[0-9])(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{20,}")),
]


def main() -> int:
    log_path, secrets_path = sys.argv[1], sys.argv[2]
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        lines = []
    try:
        with open(secrets_path, encoding="utf-8") as f:
            secrets = [s for s in f.read().split() if s]
    except FileNotFoundError:
        secrets = []
    secrets_set = set(secrets + FIXED_SECRETS)
    if not lines:
        print("pii scan: FAILED: the log file is empty; the suites did not log")
        return 1
    leaks = []
    for n, raw in enumerate(lines, 1):
        # NFKC turns full-width digits and letters into ASCII ones.
        line = unicodedata.normalize("NFKC", raw)
        # File paths in config errors (temp dirs of test runners) are not
        # opaque values; everything else is scanned as is.
        unpathed = re.sub(r"(?:/[^\s/:]+){2,}", "/<path>", line)
        for what, rule in RULES:
            if rule.search(unpathed):
                leaks.append((n, what))
        for token in re.findall(r"[A-Za-z0-9_\-]{16,}", line):
            if token in secrets_set:
                leaks.append((n, "an issued token or verify_result"))
    errors = sum(1 for l in lines if " error " in l)
    processes = len({l.split(" ", 1)[0] for l in lines})
    for n, what in leaks[:20]:
        print(f"pii scan: line {n} of {log_path} holds {what}")
    print(f"pii scan: {len(lines)} lines ({errors} errors returned, {len(lines) - errors} log lines) "
          f"from {processes} processes, {len(secrets_set)} issued secrets checked: {len(leaks)} leaks")
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
