#!/usr/bin/env bash
# man_test.sh: man/ifmatch.1 formats without a warning (groff -ww, man
# --warnings), carries the program's version, and cannot fall behind the
# program: every option a command's --help names is in that command's
# section, every command `ifmatch --help` lists has a section, the global
# options are there, and every environment variable a --help names is in
# ENVIRONMENT.
source "$(dirname "$0")/lib.sh"
PAGE="$SRC/man/ifmatch.1"
COMMANDS="run certify verify matrix list serve probe fuzz"

if ! command -v groff >/dev/null; then
  echo "1..0 # SKIP groff is not installed (Debian: groff-base)"
  exit 0
fi
plan 14

# help_options: the options named in a --help text on stdin, one a line:
# --long-name, or a single-letter -x (so `openssl genpkey -algorithm` in a
# description is not taken for one of ours).
help_options() {
  grep -oE -- '(^|[][ ,/(|])--?[A-Za-z][A-Za-z0-9-]*' | sed -E 's/^[][ ,/(|]//' |
    grep -E '^(-[A-Za-z]|--[A-Za-z][A-Za-z0-9-]+)$' | sort -u
}
# page_text: the page's source with fonts, escapes and hyphens made plain.
page_text() { sed -e 's/\\f[BIRP]//g; s/\\-/-/g; s/\\&//g; s/\\(aq/'"'"'/g' "$PAGE"; }
# section CMD: the page's text of the section on `ifmatch CMD`.
section() {
  page_text | awk -v c="$1" '
    /^\.S[HS] / { on = ($0 ~ "^\\.SS \"ifmatch " c "[ \"]") }
    on'
}
# missing TEXT_FILE OPTION...: the options not found as whole words in the text.
missing() {
  local f=$1 o; shift
  for o in "$@"; do
    grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|\$)" "$f" || printf '%s\n' "$o"
  done
}

check "groff -ww formats the page without a warning" \
  bash -c "out=\$(groff -ww -z -man '$PAGE' 2>&1) && [ -z \"\$out\" ] || { echo \"\$out\"; false; }"
if command -v man >/dev/null; then
  check "man --warnings -l formats it without a warning" \
    bash -c "out=\$(MANWIDTH=80 man --warnings -E UTF-8 -l '$PAGE' 2>&1 >/dev/null) && [ -z \"\$out\" ] || { echo \"\$out\"; false; }"
else
  _n=$((_n + 1)); echo "ok $_n - man --warnings -l formats it without a warning # SKIP man (man-db) is not installed"
fi
version=$("$IFMATCH" version | sed -n '1s/^ifmatch \([0-9][0-9.]*\).*/\1/p')
check "its .TH names the program's version ($version)" \
  grep -qE "^\.TH IFMATCH 1 .*\"ifmatch $version\"" "$PAGE"

# Every option of every command's --help, in the command's section.
export -f missing
for c in $COMMANDS; do
  section "$c" >"$TMP/sec.$c"
  mapfile -t opts < <("$IFMATCH" "$c" --help 2>&1 | help_options)
  check "ifmatch $c: its section names all ${#opts[@]} options of its --help" \
    bash -c "[ -s '$TMP/sec.$c' ] && [ ${#opts[@]} -gt 0 ] && m=\$(\"\$@\") && [ -z \"\$m\" ] || { echo \"section missing or lacks: \$m\"; false; }" \
    _ missing "$TMP/sec.$c" "${opts[@]}"
done

check "every command 'ifmatch --help' lists has a section (and version too)" bash -c "
  for c in \$('$IFMATCH' --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print \$1} /^\$/ {on = 0}'); do
    grep -q \"^\\.SS \\\"ifmatch \$c\" '$PAGE' || { echo \"no section for \$c\"; exit 1; }
  done"
page_text | awk '/^\.SH GLOBAL OPTIONS/ {on = 1; next} /^\.SH / {on = 0} on' >"$TMP/global"
mapfile -t gopts < <("$IFMATCH" --help | awk '/^global options/ {on = 1; next} /^$/ {on = 0} on' | help_options)
check "GLOBAL OPTIONS names every global option of 'ifmatch --help' (${gopts[*]})" \
  bash -c "[ \$# -gt 0 ] && m=\$(missing '$TMP/global' \"\$@\") && [ -z \"\$m\" ] || { echo \"lacks: \$m\"; false; }" _ "${gopts[@]}"
page_text | awk '/^\.SH ENVIRONMENT/ {on = 1; next} /^\.SH / {on = 0} on' >"$TMP/env"
mapfile -t envs < <(for c in "" $COMMANDS; do "$IFMATCH" $c --help 2>&1; done |
  grep -oE '\b(IFMATCH|IFM_FUZZ)_[A-Z_]*[A-Z]\b' | grep -v '^IFMATCH_SECRET' | sort -u)
check "ENVIRONMENT names every variable the --help texts name (${#envs[@]})" \
  bash -c "[ \$# -gt 5 ] && m=\$(missing '$TMP/env' \"\$@\") && [ -z \"\$m\" ] || { echo \"lacks: \$m\"; false; }" _ "${envs[@]}"
finish
