#!/usr/bin/env python3
"""Scan what every test suite logged and returned for personal data.

`make test` runs every suite with WXFACE_LOG_FILE (all log lines at trace
level and every error returned through the C ABI, from every process) and
WXFACE_SANDBOX_SECRETS_FILE (every access token and verify_result the
sandboxes issued). This fails if any line holds a full name, an ID number
(any case or width), a secret, a key, a token or a verify_result.

Audit records (issue 16) are scanned the same way: those every suite's
clients made (the `audit` lines of the log file) and every file the suites
wrote with `audit_file` (AUDIT_DIR, `WXFACE_AUDIT_DIR` in `make test`). An
audit record keeps two long values on purpose, the order number
(`out_seq_no`, WeChat's 5 to 32 characters of `0-9 A-Z a-z _ -`) and the
SHA-256 of the verify_result; each must have exactly that shape and be no
issued secret, and only then is it left out of the opaque-value rule.

Usage: pii_scan.py LOG_FILE SECRETS_FILE [AUDIT_DIR]
"""
import json
import os
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


AUDIT_KEPT = {
    "out_seq_no": re.compile(r"[0-9A-Za-z_\-]{5,32}"),
    "verify_result_hash": re.compile(r"[0-9a-f]{64}"),
}


def audit_line(text: str, secrets: set) -> tuple:
    """The record with its two kept values taken out, or why it is a leak."""
    try:
        record = json.loads(text)
    except ValueError:
        return None, "an audit line that is not JSON"
    if not isinstance(record, dict):
        return None, "an audit line that is not a JSON object"
    for key, shape in AUDIT_KEPT.items():
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            return None, "an audit %s that is not text" % key
        if value in secrets:
            return None, "an issued token or verify_result as %s" % key
        if shape.fullmatch(value):
            record[key] = "<kept>"
    return json.dumps(record, ensure_ascii=False), None


def audit_files(audit_dir: str) -> list:
    lines = []
    for root, _dirs, files in os.walk(audit_dir):
        for name in sorted(files):
            path = os.path.join(root, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                lines += [(path, n, line) for n, line in enumerate(f.read().splitlines(), 1)]
    return lines


def scan(line: str, secrets_set: set) -> list:
    found = []
    # NFKC turns full-width digits and letters into ASCII ones.
    norm = unicodedata.normalize("NFKC", line)
    # File paths in config errors (temp dirs of test runners) are not
    # opaque values; everything else is scanned as is.
    unpathed = re.sub(r"(?:/[^\s/:]+){2,}", "/<path>", norm)
    for what, rule in RULES:
        if rule.search(unpathed):
            found.append(what)
    for token in re.findall(r"[A-Za-z0-9_\-]{16,}", norm):
        if token in secrets_set:
            found.append("an issued token or verify_result")
    return found


def main() -> int:
    log_path, secrets_path = sys.argv[1], sys.argv[2]
    audit_dir = sys.argv[3] if len(sys.argv) > 3 else None
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
    audit_records = 0
    for n, raw in enumerate(lines, 1):
        parts = raw.split(" ", 2)
        if len(parts) == 3 and parts[1] == "audit":
            audit_records += 1
            raw, why = audit_line(parts[2], secrets_set)
            if why:
                leaks.append((log_path, n, why))
                continue
        leaks += [(log_path, n, what) for what in scan(raw, secrets_set)]
    file_records = 0
    if audit_dir is not None and os.path.isdir(audit_dir):
        for path, n, raw in audit_files(audit_dir):
            file_records += 1
            raw, why = audit_line(raw, secrets_set)
            if why:
                leaks.append((path, n, why))
                continue
            leaks += [(path, n, what) for what in scan(raw, secrets_set)]
    errors = sum(1 for l in lines if " error " in l)
    processes = len({l.split(" ", 1)[0] for l in lines})
    for path, n, what in leaks[:20]:
        print(f"pii scan: line {n} of {path} holds {what}")
    print(f"pii scan: {len(lines)} lines ({errors} errors returned, {audit_records} audit records, "
          f"{len(lines) - errors - audit_records} log lines) from {processes} processes, "
          f"{file_records} lines of audit files, {len(secrets_set)} issued secrets checked: {len(leaks)} leaks")
    if audit_dir is not None and (audit_records == 0 or file_records == 0):
        print("pii scan: FAILED: no audit records to scan; the suites did not audit")
        return 1
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
