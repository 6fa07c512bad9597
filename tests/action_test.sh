#!/usr/bin/env bash
# action_test.sh: the GitHub Action (action.yml) and the GitLab CI template
# (packaging/ci/gitlab/ifmatch.gitlab-ci.yml) run here, so that they cannot
# rot. action.yml is read with PyYAML and its steps are run the way GitHub's
# runner runs a composite action: each step's env with ${{ inputs.* }}
# filled in, `bash --noprofile --norc -eo pipefail` on its run text,
# GITHUB_ACTION_PATH the checkout, GITHUB_OUTPUT/GITHUB_ENV/GITHUB_STEP_SUMMARY
# scratch files, later steps skipped after a failing one. Checked: action.yml
# and packaging/ci/ifmatch-action.sh agree on every input and output name;
# exit codes 0 (embedded server), 1 (ifmatch serve --flaw weak-compare), 2
# (bad arguments, bad install inputs) and 3 (nothing answers) pass through
# to the step and to the exit-code and verdict outputs; the JUnit file is
# where the output says and is well-formed XML; the baseline input works;
# and the password of a URL's userinfo appears in no log, output or report.
# The GitLab template's script lines run with this build's program as
# `ifmatch`, its variables and artifacts as the template declares them.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
if ! [ -x "$PY" ] || ! "$PY" -c 'import yaml' 2>/dev/null; then
  echo "1..0 # SKIP needs /usr/bin/python3 with PyYAML (python3-yaml)"; exit 0
fi
unset IFMATCH_SUITE IFMATCH_HOME IFMATCH_TARGET IFMATCH_URL IFMATCH_FILTER IFMATCH_PROFILE \
  IFMATCH_REPORT_NAME IFMATCH_JOBS IFMATCH_TIMEOUT IFMATCH_MAX_TIME IFMATCH_MAX_MEMORY
ACTION="$SRC/action.yml"
SCRIPT="$SRC/packaging/ci/ifmatch-action.sh"
GITLAB="$SRC/packaging/ci/gitlab/ifmatch.gitlab-ci.yml"
SECRET=s3cr3t-h2-Pw
PROG=$(cd "$(dirname "$IFMATCH")" && pwd)/$(basename "$IFMATCH")   # the steps run elsewhere
plan 21

# The runner: run-action WORKDIR INPUT=VALUE... runs action.yml's steps in
# WORKDIR; prints each step's log to WORKDIR/log, the action's outputs as JSON
# to WORKDIR/outputs.json, and exits with the failing step's exit code.
cat >"$TMP/run-action.py" <<'EOF'
import json, os, re, subprocess, sys
action = sys.argv[1]; work = sys.argv[2]
spec = __import__('yaml').safe_load(open(action))
given = dict(a.split('=', 1) for a in sys.argv[3:])
unknown = set(given) - set(spec['inputs'])
if unknown: sys.exit('inputs action.yml does not declare: %s' % sorted(unknown))
inputs = {k: str(given.get(k, v.get('default', ''))) for k, v in spec['inputs'].items()}
files = {n: os.path.join(work, n) for n in ('output', 'env', 'path', 'summary')}
for f in files.values(): open(f, 'w').close()
def expand(text, steps):
    def one(m):
        parts = m.group(1).split('.')
        if parts[0] == 'inputs': return inputs[parts[1]]
        if parts[0] == 'steps': return steps.get(parts[1], {}).get(parts[3], '')
        raise SystemExit('unknown expression ' + m.group(0))
    return re.sub(r'\$\{\{\s*([\w.-]+)\s*\}\}', one, str(text))
def kv(path):
    return dict(l.split('=', 1) for l in open(path).read().splitlines() if '=' in l)
steps, rc = {}, 0
log = open(os.path.join(work, 'log'), 'w')
for st in spec['runs']['steps']:
    if rc: break
    env = dict(os.environ, GITHUB_ACTION_PATH=os.path.dirname(os.path.abspath(action)),
               GITHUB_OUTPUT=files['output'], GITHUB_ENV=files['env'], GITHUB_PATH=files['path'],
               GITHUB_STEP_SUMMARY=files['summary'], RUNNER_TEMP=work)
    env.update(kv(files['env']))
    env['PATH'] = ':'.join(open(files['path']).read().split() + [env['PATH']])
    env.update({k: expand(v, steps) for k, v in (st.get('env') or {}).items()})
    assert st.get('shell') == 'bash', 'every step must say shell: bash'
    open(files['output'], 'w').close()
    rc = subprocess.call(['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', st['run']],
                         cwd=work, env=env, stdout=log, stderr=log)
    steps[st.get('id', '')] = kv(files['output'])
outs = {k: expand(v['value'], steps) for k, v in spec.get('outputs', {}).items()}
json.dump(outs, open(os.path.join(work, 'outputs.json'), 'w'))
sys.exit(rc)
EOF
# action WORKDIR INPUT=VALUE...: the action's run; sets RC.
action() {
  local w=$1; shift
  mkdir -p "$w"
  RC=0
  "$PY" "$TMP/run-action.py" "$ACTION" "$w" "$@" || RC=$?
}
# out WORKDIR NAME: an output of that run.
out() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1/outputs.json" "$2"; }
# well_formed FILE: FILE parses as XML with a <testsuites> or <testsuite> root.
well_formed() {
  "$PY" -c 'import sys, xml.etree.ElementTree as E; sys.exit(E.parse(sys.argv[1]).getroot().tag not in ("testsuites", "testsuite"))' "$1"
}
# no_secret DIR...: no file under DIR holds $SECRET.
no_secret() { ! grep -rl -- "$SECRET" "$@"; }
# passes WORKDIR CODE VERDICT: the run exited CODE, and the outputs say CODE and VERDICT.
passes() {
  [ "$RC" = "$2" ] && [ "$(out "$1" exit-code)" = "$2" ] && [ "$(out "$1" verdict)" = "$3" ] ||
    { echo "exit $RC, outputs: $(cat "$1/outputs.json")"; tail -20 "$1/log"; false; }
}

# 1. action.yml and the script agree.
"$PY" - "$ACTION" >"$TMP/names" <<'EOF'
import re, sys, yaml
a = yaml.safe_load(open(sys.argv[1]))
text = open(sys.argv[1]).read()
print('inputs', *sorted(a['inputs']))
print('used', *sorted(set(re.findall(r'\$\{\{\s*inputs\.([\w-]+)', text))))
print('env', *sorted({k for s in a['runs']['steps'] for k in (s.get('env') or {})}))
print('outputs', *sorted(set(re.findall(r'steps\.run\.outputs\.([\w-]+)', text))))
print('using', a['runs']['using'])
print('runs', *sorted({s['run'] for s in a['runs']['steps']}))
EOF
names() { sed -n "s/^$1 //p" "$TMP/names" | tr ' ' '\n'; }
check "action.yml is a composite action whose steps run packaging/ci/ifmatch-action.sh install, then run" bash -c "
  grep -qx 'using composite' '$TMP/names' &&
  grep -qx 'runs bash \"\$GITHUB_ACTION_PATH/packaging/ci/ifmatch-action.sh\" install bash \"\$GITHUB_ACTION_PATH/packaging/ci/ifmatch-action.sh\" run' '$TMP/names'"
check "every input action.yml declares is passed to a step, and no step uses an undeclared one" \
  diff <(names inputs) <(names used)
check "the steps' INPUT_* variables are the script's, one per input (INPUT_OUT_DIR for out-dir)" \
  diff <(names env) <(grep -o 'INPUT_[A-Z][A-Z_]*' "$SCRIPT" | sort -u)
check "...and each is named after its input" \
  diff <(names env) <(names inputs | tr 'a-z-' 'A-Z_' | sed 's/^/INPUT_/' | sort)
check "every output action.yml declares is one the script sets" bash -c "
  for o in \$(sed -n 's/^outputs //p' '$TMP/names'); do grep -q \"set_output \$o \" '$SCRIPT' || { echo \"no \$o\"; exit 1; }; done"

# with_ok: the repository's workflows that use this action (uses: ./) give it
# only inputs it declares and read only outputs it declares.
with_ok() {
  "$PY" - "$ACTION" "$SRC"/.github/workflows/*.yml <<'EOF'
import re, sys, yaml
a = yaml.safe_load(open(sys.argv[1]))
bad = []
for wf in sys.argv[2:]:
    w = yaml.safe_load(open(wf))
    for job in (w.get('jobs') or {}).values():
        mine = {s.get('id') for s in job.get('steps', []) if s.get('uses') == './'}
        for s in job.get('steps', []):
            if s.get('uses') == './':
                bad += ['%s: input %s' % (wf, k) for k in (s.get('with') or {}) if k not in a['inputs']]
        for sid, out in re.findall(r'steps\.([\w-]+)\.outputs\.([\w-]+)', yaml.safe_dump(job)):
            if sid in mine and out not in a['outputs']:
                bad.append('%s: output %s' % (wf, out))
print('\n'.join(bad))
sys.exit(1 if bad else 0)
EOF
}
check "the repository's workflows give the action only inputs it declares, and read only its outputs" with_ok

# 2. Runs, as GitHub would run them.
# junit_at WORKDIR PATH [failures]: the junit output is PATH, well-formed XML (with <failure>s).
junit_at() {
  [ "$(out "$1" junit)" = "$2" ] && well_formed "$1/$2" || { echo "junit output $(out "$1" junit)"; return 1; }
  [ -z "${3:-}" ] || grep -q '<failure' "$1/$2"
}
W="$TMP/embedded"
action "$W" install=path program="$PROG" out-dir=reports
check "against the embedded reference server: exit 0, verdict CONFORMANT" passes "$W" 0 CONFORMANT
check "the junit output names the JUnit file, in out-dir, and it is well-formed XML" \
  junit_at "$W" reports/ifmatch.junit.xml
check "all four reports are there" bash -c "cd '$W/reports' && [ -s ifmatch.json ] && [ -s ifmatch.html ] && [ -s ifmatch.tap ]"
check "the step summary names the verdict" grep -q '^### ifmatch: CONFORMANT (exit 0)' "$W/summary"

start_server FLAWED --flaw weak-compare || true
SECRET_URL=${FLAWED/http:\/\//http://ci-user:$SECRET@}
W="$TMP/flawed"
action "$W" install=path program="$PROG" url="$SECRET_URL" junit=custom/j.xml out-dir=r args="--jobs 2 --filter IM-WEAK*"
check "against ifmatch serve --flaw weak-compare, the url with a password: exit 1, NOT CONFORMANT" \
  passes "$W" 1 "NOT CONFORMANT"
check "the junit input places the JUnit file, and it is well-formed XML with failures" junit_at "$W" custom/j.xml failures
check "the url's password is in no log, output, summary or report" no_secret "$W"
cp "$W/r/ifmatch.json" "$TMP/base.json"
W="$TMP/baseline"
action "$W" install=path program="$PROG" url="$SECRET_URL" baseline="$TMP/base.json" args="--filter IM-WEAK*"
check "with that run as the baseline, nothing new fails: exit 0" passes "$W" 0 "NOT CONFORMANT"
W="$TMP/usage"
action "$W" install=path program="$PROG" url="$SECRET_URL" args="--no-such-option"
check "an unknown argument: exit 2 passes through, no report (verdict NONE), no password shown" \
  eval 'passes "$W" 2 NONE && no_secret "$W"'
W="$TMP/down"
action "$W" install=path program="$PROG" url="http://ci-user:$SECRET@127.0.0.1:9/" args="--timeout 2"
check "a URL where nothing answers: exit 3, NOT TESTED, and the JUnit file is still written" \
  eval 'passes "$W" 3 "NOT TESTED" && well_formed "$W/ifmatch-reports/ifmatch.junit.xml"'
check "...and the password is in nothing it wrote" no_secret "$W"
W="$TMP/nodeb"
action "$W" install=deb
check "install deb without a deb input: exit 2 from the install step, the run step skipped" \
  eval '[ "$RC" = 2 ] && grep -q "needs the input deb" "$W/log" && [ ! -e "$W/ifmatch-reports" ]'

# 3. The GitLab template's job, its script lines run with this build's program.
"$PY" - "$GITLAB" >"$TMP/gitlab.json" <<'EOF'
import json, sys, yaml
t = yaml.safe_load(open(sys.argv[1]))
json.dump({'variables': t['variables'], 'job': t['.ifmatch'], 'deb': t['.ifmatch-deb']}, sys.stdout)
EOF
gl() { "$PY" -c "import json,sys; t=json.load(open('$TMP/gitlab.json')); r=($1); print('\n'.join(r) if isinstance(r, list) else r)"; }
check "the template's jobs keep the JUnit report as a report artifact, also when the job fails" bash -c "
  [ \"\$1\" = 'always \$IFMATCH_REPORTS/ifmatch.junit.xml' ] && [ \"\$2\" = \"\$1\" ]" _ \
  "$(gl "t['job']['artifacts']['when'] + ' ' + t['job']['artifacts']['reports']['junit']")" \
  "$(gl "t['deb']['artifacts']['when'] + ' ' + t['deb']['artifacts']['reports']['junit']")"
mkdir -p "$TMP/bin"
ln -s "$PROG" "$TMP/bin/ifmatch"
gl "t['job']['script']" >"$TMP/gitlab-script.sh"
REPORTS_DIR=$(gl "t['variables']['IFMATCH_REPORTS']")
# gitlab_job WORKDIR VAR=VALUE...: the job's script lines as GitLab's shell runs them; sets RC.
gitlab_job() {
  local w=$1; shift
  mkdir -p "$w"
  RC=0
  (cd "$w" && env PATH="$TMP/bin:$PATH" IFMATCH_REPORTS="$REPORTS_DIR" "$@" \
     bash --noprofile --norc -eo pipefail "$TMP/gitlab-script.sh") >"$w/log" 2>&1 || RC=$?
}
W="$TMP/gl-embedded"
gitlab_job "$W"
check "GitLab: the job against the embedded server exits 0, its JUnit artifact is well-formed XML" \
  eval '[ "$RC" = 0 ] && well_formed "$W/$REPORTS_DIR/ifmatch.junit.xml"'
W="$TMP/gl-flawed"
gitlab_job "$W" IFMATCH_URL="$SECRET_URL" IFMATCH_FILTER='IM-WEAK*' IFMATCH_WAIVERS= IFMATCH_ARGS="--jobs 2"
check "GitLab: against --flaw weak-compare with a masked IFMATCH_URL it exits 1 and shows no password" \
  eval '[ "$RC" = 1 ] && grep -q "<failure" "$W/$REPORTS_DIR/ifmatch.junit.xml" && no_secret "$W"'
finish
