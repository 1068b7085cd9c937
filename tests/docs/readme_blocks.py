#!/usr/bin/env python3
"""The READMEs' code blocks, held to the files and sessions they show.

    readme_blocks.py check                 every `<!-- include: PATH -->` block equals PATH
    readme_blocks.py sessions DIR          writes each `<!-- session: NAME -->` block to DIR/NAME.sh
    readme_blocks.py expect SCRIPT OUTPUT  OUTPUT holds each `# => TEXT` of SCRIPT, in order

An included block is the file itself (one source of truth: edit the file,
paste it). A session block is a shell session that tests/docs/run.sh runs
against a sandbox; its `# => TEXT` comments are the output it must print.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
READMES = ["README.md", *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("bindings/*/README.md"))]
MARKER = re.compile(r"^<!-- (include|session): (\S+) -->$")


def blocks():
    """(readme, line, kind, argument, body) for every marked fenced block."""
    for name in READMES:
        lines = (ROOT / name).read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            m = MARKER.match(line.strip())
            if not m:
                continue
            if i + 1 >= len(lines) or not lines[i + 1].startswith("```"):
                yield name, i + 1, m.group(1), m.group(2), None
                continue
            end = next((j for j in range(i + 2, len(lines)) if lines[j] == "```"), None)
            body = None if end is None else "\n".join(lines[i + 2 : end]) + "\n"
            yield name, i + 1, m.group(1), m.group(2), body


def check() -> int:
    passed = failed = 0
    for readme, line, kind, arg, body in blocks():
        if kind != "include":
            continue
        where = f"{readme}:{line}"
        path = ROOT / arg
        if body is None:
            print(f"FAIL {where}: no fenced block after the include marker")
            failed += 1
        elif not path.is_file():
            print(f"FAIL {where}: {arg} does not exist")
            failed += 1
        elif path.read_text(encoding="utf-8") != body:
            print(f"FAIL {where}: the block differs from {arg}; paste the file into the README")
            failed += 1
        else:
            print(f"ok   {where}: {arg}")
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


def sessions(out_dir: str) -> int:
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for readme, line, kind, arg, body in blocks():
        if kind != "session":
            continue
        if body is None:
            print(f"{readme}:{line}: no fenced block after the session marker", file=sys.stderr)
            return 1
        (out / f"{arg}.sh").write_text(body, encoding="utf-8")
        n += 1
    print(n)
    return 0


def expect(script: str, output: str) -> int:
    wanted = [
        m.group(1).strip()
        for m in re.finditer(r"# => (.*)$", pathlib.Path(script).read_text(encoding="utf-8"), re.M)
    ]
    lines = pathlib.Path(output).read_text(encoding="utf-8", errors="replace").split("\n")
    at = 0
    for text in wanted:
        found = next((i for i in range(at, len(lines)) if text in lines[i]), None)
        if found is None:
            print(f"missing, in order: {text!r}", file=sys.stderr)
            return 1
        at = found + 1
    return 0 if wanted else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["check"]:
        sys.exit(check())
    if sys.argv[1:2] == ["sessions"] and len(sys.argv) == 3:
        sys.exit(sessions(sys.argv[2]))
    if sys.argv[1:2] == ["expect"] and len(sys.argv) == 4:
        sys.exit(expect(sys.argv[2], sys.argv[3]))
    sys.exit(__doc__)
