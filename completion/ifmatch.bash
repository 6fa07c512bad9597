# bash completion for ifmatch(1): commands, each command's options (the
# same lists as its --help and the man page; tests/completion_test.sh holds
# them together), files where an option takes a file, profile names from
# the suite, flaw and shape names from `ifmatch serve --flaw list`.
# Installed as share/bash-completion/completions/ifmatch; or source it.

_ifmatch_commands="run certify verify matrix list serve probe fuzz version help"

_ifmatch_options() {
  case $1 in
    run)
      echo "-t --target -u --url -p --profile -f --filter -j --jobs --timeout --max-time
            --max-memory --var --tap --junit --json --html --out --report-name --waivers
            --baseline --allow-empty --cert --key --proxy --noproxy --resolve --connect-to
            -q --quiet -v --verbose -h --help --suite" ;;
    certify)
      echo "-t --target -u --url -p --profile --out --waivers --baseline --sign -j --jobs
            --timeout --max-time --max-memory --var --report-name --tap --junit --json --html
            --cert --key --proxy --noproxy --resolve --connect-to
            -q --quiet -v --verbose -h --help --suite" ;;
    verify)
      echo "--pubkey --reports --url --target --profile --timeout --cert --key --proxy --noproxy
            --resolve --connect-to -q --quiet -h --help --suite" ;;
    matrix)
      echo "--html --md --out --name --certificate -q --quiet -h --help" ;;
    list)
      echo "-f --filter --requirements -h --help --suite" ;;
    serve)
      echo "--bind --port --profile --flaw --shape --race-window-us --threads --max-body
            --auth-token --arrival-log --max-conns --max-conns-per-ip --head-timeout
            --idle-timeout --max-store --max-resources --evict-after --h2c-port --log --help" ;;
    probe)
      echo "-u --url -o --out -t --target --body-template --extract --timeout -H --header
            --cert --key --proxy --noproxy --resolve --connect-to -q --quiet -h --help" ;;
    fuzz)
      echo "--profile --flaw --url --out --suite" ;;
  esac
}

# The program being completed: the word the user typed, when it runs.
_ifmatch_prog() {
  local p=${COMP_WORDS[0]}
  p=${p/#\~/$HOME}
  command -v "$p" >/dev/null 2>&1 && { printf '%s\n' "$p"; return; }
  printf '%s\n' ifmatch
}

# The names `ifmatch serve --flaw list` (or --shape list) prints first on each line.
_ifmatch_served_names() {
  "$(_ifmatch_prog)" serve "$1" list 2>/dev/null | awk '{print $1}'
}

# Profile names: the cases/profiles/*.yaml of the suite the program would
# use (as `ifmatch version` names it), honouring a --suite on the line.
_ifmatch_profiles() {
  local suite="" i f
  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
    [[ ${COMP_WORDS[i]} == --suite ]] && suite=${COMP_WORDS[i + 1]}
    [[ ${COMP_WORDS[i]} == --suite=* ]] && suite=${COMP_WORDS[i]#--suite=}
  done
  if [[ -z $suite ]]; then
    suite=$("$(_ifmatch_prog)" version 2>/dev/null | sed -n 's/^suite: \(\/.*\)$/\1/p')
  fi
  suite=${suite/#\~/$HOME}
  for f in "$suite"/cases/profiles/*.yaml; do
    [[ -f $f ]] || continue
    f=${f##*/}
    printf '%s\n' "${f%.yaml}"
  done
}

# COMPREPLY (or, with -a, more of it) from compgen's output, a line each.
_ifmatch_reply() {
  if [[ $1 == -a ]]; then
    shift
    mapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen "$@")
  else
    mapfile -t COMPREPLY < <(compgen "$@")
  fi
}

_ifmatch_files() { # _ifmatch_files [-d]: complete file (or folder) names
  compopt -o filenames 2>/dev/null
  if [[ $1 == -d ]]; then
    mapfile -t COMPREPLY < <(compgen -d -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
}

_ifmatch() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev="" cmd="" sub="" i w
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()

  # The command: the first word that is neither an option nor --suite's value.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == --suite ]]; then
      ((i++))
    elif [[ $w != -* ]]; then
      if [[ -z $cmd ]]; then cmd=$w; elif [[ $cmd == fuzz && -z $sub ]]; then sub=$w; fi
    fi
  done

  # An option's value.
  case $prev in
    --suite | --out | --reports)
      if [[ $prev == --out && ($cmd == probe || $cmd == fuzz) ]]; then _ifmatch_files; else _ifmatch_files -d; fi
      return 0 ;;
    -t | --target | --waivers | --baseline | --sign | --pubkey | --junit | --json | --html | \
      --arrival-log | -o | --cert | --key | --md | --certificate)
      _ifmatch_files
      return 0 ;;
    --tap)
      _ifmatch_files
      _ifmatch_reply -a -W "-" -- "$cur"
      return 0 ;;
    -p | --profile)
      _ifmatch_reply -W "$(_ifmatch_profiles)" -- "$cur"
      [[ $cmd == serve ]] && return 0
      compopt -o filenames 2>/dev/null
      mapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -f -X '!*.y*ml' -- "$cur"; compgen -d -- "$cur")
      return 0 ;;
    --flaw)
      if [[ $cmd == fuzz && $cur == *,* ]]; then
        _ifmatch_reply -P "${cur%,*}," -W "$(_ifmatch_served_names --flaw)" -- "${cur##*,}"
      else
        _ifmatch_reply -W "$(_ifmatch_served_names --flaw) list" -- "$cur"
      fi
      return 0 ;;
    --shape)
      _ifmatch_reply -W "$(_ifmatch_served_names --shape) list" -- "$cur"
      return 0 ;;
    -u | --url | -f | --filter | -j | --jobs | --timeout | --max-time | --max-memory | --var | \
      --report-name | --bind | --port | --race-window-us | --threads | --max-body | \
      --auth-token | --max-conns | --max-conns-per-ip | --head-timeout | --idle-timeout | \
      --max-store | --max-resources | --evict-after | --body-template | --extract | -H | --header | \
      --proxy | --noproxy | --resolve | --connect-to | --name)
      return 0 ;;  # a value only the user knows
  esac

  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      _ifmatch_reply -W "--suite --help --version" -- "$cur"
    else
      _ifmatch_reply -W "$_ifmatch_commands" -- "$cur"
    fi
    return 0
  fi

  if [[ $cur == -* ]]; then
    _ifmatch_reply -W "$(_ifmatch_options "$cmd")" -- "$cur"
    return 0
  fi

  case $cmd in
    run | list) _ifmatch_files ;;                       # case files and folders
    verify) _ifmatch_files ;;                           # the certificate
    matrix) _ifmatch_files ;;                           # the JSON reports
    fuzz)
      if [[ -z $sub ]]; then
        _ifmatch_reply -W "replay to-case" -- "$cur"
      else
        _ifmatch_files
      fi ;;
    help) _ifmatch_reply -W "$_ifmatch_commands" -- "$cur" ;;
  esac
  return 0
}

complete -F _ifmatch ifmatch
