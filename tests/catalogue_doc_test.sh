#!/usr/bin/env bash
# catalogue_doc_test.sh: REQUIREMENTS.md says what the program knows. The
# catalogue compiled into ifmatch (runner/model/ifm_catalogue.c) is read from
# the binary, never from the source: IDs, numbers and levels from `ifmatch
# list --requirements`, and the sections from `ifmatch list` of a scratch suite
# with one case per requirement and no `spec:` (a case without one cites its
# requirement's section). The cases come from `ifmatch list cases`.
#
# REQUIREMENTS.md is held to: one heading "### N. ID — LEVEL, SECTION" (an
# optional " (C)" after it) per requirement, with the program's number, level
# and section; no other requirement; every IM- name in it a requirement or a
# case of the suite; under each heading, lines "- `cases/FILE.yaml`: `ID`, ..."
# naming cases of that requirement that sit in that file; every case of the
# suite named exactly once. README.md links the file.
source "$(dirname "$0")/lib.sh"

DOC="$SRC/REQUIREMENTS.md"
plan 7

"$IFMATCH" list --requirements >"$TMP/reqs.txt" 2>"$TMP/reqs.err" ||
  { echo "Bail out! ifmatch list --requirements failed: $(cat "$TMP/reqs.err")"; exit 1; }
"$IFMATCH" list "$SRC/cases" >"$TMP/cases.txt" 2>"$TMP/cases.err" ||
  { echo "Bail out! ifmatch list cases failed: $(cat "$TMP/cases.err")"; exit 1; }

# The scratch suite: its cases' titles are "@@", so the section is whatever
# stands between the level column and that mark.
mkdir -p "$TMP/probe"
awk 'BEGIN { print "cases:" }
     NF >= 5 { printf "  - id: probe-%s\n    requirement: %s\n    title: \"@@\"\n    level: MUST\n    steps:\n      - read: {}\n", $1, $2 }' \
  "$TMP/reqs.txt" >"$TMP/probe/probe.yaml"
"$IFMATCH" list "$TMP/probe" >"$TMP/probe.txt" 2>"$TMP/probe.err" ||
  { echo "Bail out! ifmatch list of the scratch suite failed: $(cat "$TMP/probe.err")"; exit 1; }

cat >"$TMP/check.py" <<'EOF'
import re, sys

mode, tmp, doc_path, src = sys.argv[1:5]
text = open(doc_path, encoding="utf-8").read()
bad = []

# the program: number, level, section per requirement; the cases
prog = {}
for line in open(tmp + "/reqs.txt"):
    w = line.split()
    if len(w) >= 5 and w[4] == "cases":
        prog[w[1]] = {"number": int(w[0]), "level": w[2]}
for line in open(tmp + "/probe.txt"):
    w = line.split(None, 3)
    if len(w) == 4 and w[0].startswith("probe-") and w[1] in prog and w[3].rstrip().endswith("@@"):
        prog[w[1]]["section"] = w[3].rstrip()[:-2].strip()
cases = {}
for line in open(tmp + "/cases.txt").read().splitlines()[1:-1]:
    w = line.split()
    cases[w[0]] = w[1]

# the document: headings, and the case lines under each
head_re = re.compile(r"^### (\d+)\. (\S+) — (MUST|SHOULD|MAY), (.+?)( \(C\))?$")
list_re = re.compile(r"^- `(cases/[^`]+\.yaml)`: (.+)$")
heads, named, current = {}, [], None
for n, line in enumerate(text.splitlines(), 1):
    if line.startswith("#"):
        current = None
    m = head_re.match(line)
    if m:
        current = m.group(2)
        if current in heads:
            bad.append("line %d: %s has a second heading" % (n, current))
        heads[current] = {"number": int(m.group(1)), "level": m.group(3), "section": m.group(4), "line": n}
    elif line.startswith("### "):
        bad.append("line %d: a heading not of the form '### N. ID — LEVEL, SECTION': %s" % (n, line))
    m = list_re.match(line)
    if m:
        if not current:
            bad.append("line %d: a case line outside a requirement" % n)
        for cid in re.findall(r"`([^`]+)`", m.group(2)):
            named.append((cid, current, m.group(1), n))

if mode == "same":
    if not prog:
        bad.append("ifmatch list --requirements printed no requirement")
    for rid, p in prog.items():
        h = heads.get(rid)
        if not h:
            bad.append("%s (number %d, %s) has no heading in REQUIREMENTS.md" % (rid, p["number"], p["level"]))
        elif (h["number"], h["level"]) != (p["number"], p["level"]):
            bad.append("line %d: %s is number %d, %s in the document; the program says number %d, %s"
                       % (h["line"], rid, h["number"], h["level"], p["number"], p["level"]))
    m = re.search(r"\b(\d+) requirements below", text)
    if not m or int(m.group(1)) != len(prog):
        bad.append("the introduction should say '%d requirements below'" % len(prog))
elif mode == "sections":
    for rid, p in prog.items():
        h = heads.get(rid)
        if "section" not in p:
            bad.append("%s: no section read back from the scratch suite" % rid)
        elif h and h["section"] != p["section"]:
            bad.append("line %d: %s cites '%s'; the program cites '%s'" % (h["line"], rid, h["section"], p["section"]))
elif mode == "unknown":
    for rid, h in heads.items():
        if rid not in prog:
            bad.append("line %d: %s is no requirement of the program" % (h["line"], rid))
    for n, line in enumerate(text.splitlines(), 1):
        for tok in re.findall(r"\bIM-[A-Za-z0-9_]+(?:[-.][A-Za-z0-9_]+)*", line):
            if tok not in prog and tok not in cases:
                bad.append("line %d: %s is neither a requirement nor a case of the suite" % (n, tok))
elif mode == "cases":
    for cid, rid, path, n in named:
        if cid not in cases:
            bad.append("line %d: no case %s in the suite" % (n, cid))
            continue
        if cases[cid] != rid:
            bad.append("line %d: %s is a case of %s, not of %s" % (n, cid, cases[cid], rid))
        try:
            body = open(src + "/" + path, encoding="utf-8").read()
        except OSError:
            bad.append("line %d: no file %s" % (n, path))
            continue
        if not re.search(r"^\s*- id: %s\s*$" % re.escape(cid), body, re.M):
            bad.append("line %d: %s is not in %s" % (n, cid, path))
elif mode == "complete":
    seen = {}
    for cid, rid, path, n in named:
        if cid in seen:
            bad.append("line %d: %s is named again (first on line %d)" % (n, cid, seen[cid]))
        seen.setdefault(cid, n)
    for cid, rid in cases.items():
        if cid not in seen:
            bad.append("%s (%s) is not named in REQUIREMENTS.md" % (cid, rid))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOF

doc_check() { python3 "$TMP/check.py" "$1" "$TMP" "$DOC" "$SRC"; }

check "REQUIREMENTS.md exists and the program lists its catalogue" \
  bash -c "[ -s '$DOC' ] && [ \$(grep -c ' cases  ' '$TMP/reqs.txt') -gt 0 ]"
check "every requirement of the program has its heading, with the same number and level" doc_check same
check "every requirement cites the program's section" doc_check sections
check "the document names no requirement or case the program does not know" doc_check unknown
check "every case named sits in the file named, under the requirement named" doc_check cases
check "every case of the suite is named once" doc_check complete
check "README.md links REQUIREMENTS.md" grep -q '](REQUIREMENTS.md)' "$SRC/README.md"
finish
