#!/usr/bin/env bash
# completion_test.sh: completion/ifmatch.bash, sourced in bash and asked as
# bash asks it (COMP_WORDS, COMP_CWORD, then _ifmatch): the commands, every
# option of each command's --help, files for file options, profile names
# from the suite (also one named by --suite), flaw and shape names from
# `ifmatch serve --flaw list` / `--shape list`.
source "$(dirname "$0")/lib.sh"
COMP="$SRC/completion/ifmatch.bash"
COMMANDS="run certify verify matrix list serve probe fuzz"
plan 25

# help_options: as in man_test.sh, the options a --help text on stdin names.
help_options() {
  grep -oE -- '(^|[][ ,/(|])--?[A-Za-z][A-Za-z0-9-]*' | sed -E 's/^[][ ,/(|]//' |
    grep -E '^(-[A-Za-z]|--[A-Za-z][A-Za-z0-9-]+)$' | sort -u
}
# complete_words WORD...: what the completion offers for the last word, one a
# line, sorted; the first word is the program (the build's ifmatch).
complete_words() {
  (cd "$TMP/files" && bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
    _ifmatch; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMP" "$IFMATCH" "$@") | sed '/^$/d' | sort
}
# offers EXPECTED_LINES WORD...: true when the completion offers exactly that.
offers() {
  local want=$1 got; shift
  got=$(complete_words "$@")
  [ "$got" = "$want" ] || { printf 'offered:\n%s\nwanted:\n%s\n' "$got" "$want"; return 1; }
}
# offers_all WORD... -- EXPECTED...: true when every expected word is offered.
offers_all() {
  local words=() got w
  while [ "$1" != -- ]; do words+=("$1"); shift; done; shift
  got=$(complete_words "${words[@]}")
  for w in "$@"; do grep -qxF -- "$w" <<<"$got" || { echo "not offered: $w"; return 1; }; done
}
lines() { printf '%s\n' "$@" | sort; }

mkdir -p "$TMP/files/sub" "$TMP/s/cases/profiles"
touch "$TMP/files/api.yaml" "$TMP/files/api-old.yaml" "$TMP/files/key.pem" "$TMP/s/cases/profiles/house.yaml"

check "bash reads it and registers _ifmatch for ifmatch" \
  bash -c "source '$COMP' && complete -p ifmatch | grep -q -- '-F _ifmatch ifmatch\$'"
check "the first word: every command" \
  offers "$(lines run certify verify matrix list serve probe fuzz version help)" ""
check "the first word, begun: the commands it begins" offers "$(lines certify)" ce
check "the global options" offers "$(lines --suite)" --su
for c in $COMMANDS; do
  # certify's --help names --filter to say it is refused: not an option to offer
  mapfile -t opts < <("$IFMATCH" "$c" --help 2>&1 | help_options | { [ "$c" = certify ] && grep -vx -- --filter || cat; })
  check "ifmatch $c -: all ${#opts[@]} options of its --help" offers_all "$c" - -- "${opts[@]}"
done
check "ifmatch run --pro: --profile and --proxy" offers "$(lines --profile --proxy)" run --pro
check "run --profile: the suite's profiles and the .yaml files here" \
  offers "$(lines rfc9110 rfc9110-428 cpp api.yaml api-old.yaml sub)" run --profile ""
check "serve --profile: only the profiles" offers "$(lines rfc9110 rfc9110-428 cpp)" serve --profile ""
check "--suite DIR run --profile h: the profiles of that suite" \
  offers "$(lines house)" --suite "$TMP/s" run --profile h
check "run --target a: the files" offers "$(lines api.yaml api-old.yaml)" run --target a
check "certify --out: folders only" offers "$(lines sub)" certify --out ""
cert_files() { offers "$(lines key.pem)" run --cert k && offers "$(lines key.pem)" probe --key k; }
check "run --cert k, probe --key k: the files" cert_files
no_values() { offers "" run --resolve "" && offers "" verify x --proxy ""; }
check "run --resolve, verify --proxy: nothing (a value only the user knows)" no_values
check "serve --flaw: every flaw 'serve --flaw list' names, and list" \
  offers "$(lines list $("$IFMATCH" serve --flaw list | awk '{print $1}'))" serve --flaw ""
check "serve --flaw w: weak-compare and write-then-412" \
  offers "$(lines weak-compare write-then-412)" serve --flaw w
check "serve --shape p: post-create" offers "$(lines post-create)" serve --shape p
check "fuzz: its two subcommands" offers "$(lines replay to-case)" fuzz ""
check "fuzz replay F --flaw race,w: the list goes on" \
  offers "$(lines race,weak-compare race,write-then-412)" fuzz replay x --flaw race,w
finish
