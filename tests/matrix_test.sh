#!/usr/bin/env bash
# matrix_test.sh: `ifmatch matrix` end to end. The reference server clean,
# with a flaw, and a filtered run, each with its JSON and HTML report; the
# matrix over them: well-formed XHTML, every link to a report pointing at an
# anchor that report has, the evidence of every cell that is not a PASS in
# the page, not-run cells for the filtered run, the Markdown's rows; a
# certified run and a tampered copy of it; a NOT TESTED run never green; the
# exit codes of bad input; and the shipped runs of docs/matrix/.
source "$(dirname "$0")/lib.sh"
plan 17

start_server CLEAN || { echo "Bail out! ifmatch serve did not start"; exit 1; }
start_server FLAWED --flaw weak-compare || { echo "Bail out! ifmatch serve did not start"; exit 1; }
mkdir -p "$TMP/runs/clean" "$TMP/runs/flawed" "$TMP/out"
"$IFMATCH" run -q --url "$CLEAN" --json "$TMP/runs/clean/ifmatch.json" --html "$TMP/runs/clean/ifmatch.html" >/dev/null 2>&1
"$IFMATCH" run -q --url "$FLAWED" --json "$TMP/runs/flawed/ifmatch.json" --html "$TMP/runs/flawed/ifmatch.html" >/dev/null 2>&1
"$IFMATCH" run -q --url "$CLEAN" --filter 'IM-STALE-412*' --json "$TMP/runs/part.json" >/dev/null 2>&1
R=("$TMP/runs/clean/ifmatch.json" "$TMP/runs/flawed/ifmatch.json" "$TMP/runs/part.json")

check "matrix over three runs writes both pages" \
  "$IFMATCH" matrix -q "${R[@]}" --html "$TMP/out/m.html" --md "$TMP/out/m.md"
check "the page is well-formed XML (xmllint --noout)" xmllint --noout "$TMP/out/m.html"
check "the columns are named by folder (ifmatch.json) and by file name" \
  grep -qF '| Requirement / case | clean | flawed | part |' "$TMP/out/m.md"

# links_hold: every href to a report names a file that exists relative to
# the page and, when the report carries case anchors, one of its anchors.
links_hold() {
  local n=0 href file id
  while read -r href; do
    file=${href%%#*} id=${href#*#}
    [ -f "$TMP/out/$file" ] || { echo "no file $file"; return 1; }
    [[ $id =~ ^case-IM-[A-Za-z0-9-]+$ ]] || { echo "bad anchor shape $href"; return 1; }
    if grep -q 'id="case-IM' "$TMP/out/$file"; then
      grep -qF "id=\"$id\"" "$TMP/out/$file" || { echo "no anchor $id in $file"; return 1; }
    fi
    n=$((n + 1))
  done < <(grep -o 'href="[^"#]*\.html#[^"]*"' "$TMP/out/m.html" | sed 's/^href="//; s/"$//' | sort -u)
  [ "$n" -gt 400 ] || { echo "only $n links to reports"; return 1; }
}
check "cells link to REPORT.html#case-ID, relative to the page, and the anchors exist" links_hold
check "the filtered run has no HTML report: its cells link nowhere else" \
  bash -c "! grep -q 'part\.html' '$TMP/out/m.html'"

# evidence_in_page: the flawed run has FAILs, each cell's #ev- target exists.
evidence_in_page() {
  local n=0 id
  while read -r id; do
    grep -qF "<article id=\"$id\"" "$TMP/out/m.html" || { echo "no evidence $id"; return 1; }
    n=$((n + 1))
  done < <(grep -o 'href="#ev-[0-9]*-[0-9]*"' "$TMP/out/m.html" | sed 's/^href="#//; s/"$//' | sort -u)
  [ "$n" -gt 0 ] && grep -q '<td class="v-FAIL"><a href="[^"]*flawed/ifmatch.html#case-IM' "$TMP/out/m.html"
}
check "every cell that is not a PASS has its evidence in the page" evidence_in_page

# md_rows: heading, rule, 13 rows about the runs, one per requirement, one per case.
md_rows() {
  local want got
  want=$(python3 -c '
import json, sys
ids, reqs = {}, set()
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        ids[r["case_id"]] = 1; reqs.add(r["requirement"])
print(2 + 13 + len(reqs) + len(ids))' "${R[@]}")
  got=$(grep -c '^|' "$TMP/out/m.md")
  [ "$want" = "$got" ] || { echo "rows $got, expected $want"; return 1; }
}
check "the Markdown table has a row per requirement and per case" md_rows
check "a case the filtered run does not hold is not run (—), never a PASS" \
  grep -qE '^\| IM-MATCH-OK-put \| \[PASS\]\([^)]*\) \| \[[A-Z]+\]\([^)]*\) \| — \|$' "$TMP/out/m.md"
check "the flawed run reads NOT CONFORMANT, with no certificate" \
  grep -qF '| **Certificate** | no certificate; verdict CONFORMANT | no certificate; verdict NOT CONFORMANT |' "$TMP/out/m.md"

# A certified run, and a copy of it whose report was edited.
mkdir -p "$TMP/cert"
"$IFMATCH" certify -q --url "$CLEAN" --out "$TMP/cert/ref" >/dev/null 2>&1
cp -r "$TMP/cert/ref" "$TMP/cert/edited"
sed -i 's/"profile": "rfc9110"/"profile": "rfc9110 "/' "$TMP/cert/edited/ifmatch.json"
check "a certificate beside its report: certified (unsigned); an edited report: does not match" \
  bash -c "'$IFMATCH' matrix -q '$TMP/cert/ref/ifmatch.json' '$TMP/cert/edited/ifmatch.json' --md - 2>/dev/null |
    grep -qF '| **Certificate** | certified (unsigned): CONFORMANT | certificate does not match this report |'"

# A run that judged nothing is never green.
port=$(_free_port)
"$IFMATCH" run -q --url "http://127.0.0.1:$port" --json "$TMP/runs/down.json" >/dev/null 2>&1
not_green() {
  "$IFMATCH" matrix -q "$TMP/runs/down.json" --html "$TMP/out/down.html" --md "$TMP/out/down.md" &&
    grep -q '<td class="suite bad">NOT TESTED' "$TMP/out/down.html" &&
    ! grep -q 'class="[^"]*ok' "$TMP/out/down.html" &&
    grep -qF '| **Certificate** | no certificate; verdict NOT TESTED |' "$TMP/out/down.md"
}
check "a NOT TESTED run: red verdict, nothing green" not_green

check "with no page option both go to results/" \
  bash -c "cd '$TMP' && '$IFMATCH' matrix -q '${R[0]}' && [ -s results/matrix.html ] && [ -s results/matrix.md ]"
check "no report: usage error, exit 2" expect_exit 2 "$IFMATCH" matrix --md -
printf '{"format": "ifmatch-report",\n  "version": 1, oops}\n' >"$TMP/bad.json"
bad_json() {
  "$IFMATCH" matrix "$TMP/bad.json" --md - 2>"$TMP/err"
  [ $? = 2 ] && grep -qE "bad\.json:2:[0-9]+: " "$TMP/err" || { cat "$TMP/err"; return 1; }
}
check "invalid JSON: file:line:col, exit 2" bad_json
check "the same report twice: exit 2" expect_exit 2 "$IFMATCH" matrix "${R[0]}" "$TMP/runs/clean/../clean/ifmatch.json"
check "a page that cannot be written: exit 3" expect_exit 3 "$IFMATCH" matrix -q "${R[0]}" --html "$TMP/nope/m.html"

# The shipped runs (docs/matrix/regenerate.sh writes them).
shipped() {
  local d="$SRC/docs/matrix" f
  for f in lighttpd nginx radicale reference; do [ -f "$d/$f.json" ] || { echo "no $d/$f.json"; return 1; }; done
  "$IFMATCH" matrix -q "$d"/{lighttpd,nginx,radicale,reference}.json --md "$TMP/out/shipped.md" --html "$TMP/out/shipped.html" &&
    grep -qF '| Requirement / case | lighttpd | nginx | radicale | reference |' "$TMP/out/shipped.md" &&
    xmllint --noout "$TMP/out/shipped.html"
}
if [ -d "$SRC/docs/matrix" ]; then
  check "the matrix of the shipped runs names all four servers" shipped
else
  _n=$((_n + 1)); echo "ok $_n - the matrix of the shipped runs # SKIP docs/matrix/ is not there"
fi
finish
