#!/usr/bin/env python3
"""Generate the bench script for one tool.

usage: gen.py TOOL N OUT [--stale]

TOOL is ifmatch, httpyac or gabbi; the format comes from
templates/TOOL.*.tmpl, whose sections ("#--- NAME" lines) are: head, create,
read, update, bad-update. The script is: create once, then N requests
alternating read (i odd) and update with If-Match set to the ETag captured from
the read just before (i even). --stale makes the last update send an If-Match
that cannot match, while still expecting 2xx: the tool must report a failure,
which is how bench/runner.sh checks that each tool really asserts. In the
templates @N@ is N and @I@ is the step number (1..N).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = {"ifmatch": "ifmatch.yaml.tmpl", "httpyac": "httpyac.http.tmpl",
             "gabbi": "gabbi.yaml.tmpl"}


def sections(path):
    out, name = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#--- "):
                name = line[5:].strip()
                out[name] = []
            elif name is not None:
                out[name].append(line)
    return {k: "".join(v) for k, v in out.items()}


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    stale = "--stale" in argv[1:]
    if len(args) != 3 or args[0] not in TEMPLATES:
        sys.stderr.write(__doc__)
        return 2
    tool, n, out = args[0], int(args[1]), args[2]
    if n < 0:
        sys.stderr.write("gen.py: N must be >= 0\n")
        return 2
    s = sections(os.path.join(HERE, "templates", TEMPLATES[tool]))
    last_update = n if n % 2 == 0 else n - 1
    parts = [s["head"], s["create"]]
    for i in range(1, n + 1):
        if i % 2:
            key = "read"
        else:
            key = "bad-update" if stale and i == last_update else "update"
        parts.append(s[key].replace("@I@", str(i)))
    text = "".join(parts).replace("@N@", str(n))
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
