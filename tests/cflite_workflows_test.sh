#!/usr/bin/env bash
# cflite_workflows_test.sh: the ClusterFuzzLite configuration cannot rot
# unseen. Parses .github/workflows/cflite_*.yml and .clusterfuzzlite/
# project.yaml with python3-yaml and checks what ClusterFuzzLite's documented
# layout needs (fuzz/README.md, "ClusterFuzzLite"):
#
#   - project.yaml says language: c, and every build_fuzzers step says the same;
#   - every job that runs fuzzers builds them first (build_fuzzers@v1, then
#     run_fuzzers@v1), with the same sanitizer in both steps, and the run step
#     has a github-token, a positive fuzz-seconds and a known mode;
#   - cflite_pr.yml: on pull_request, mode code-change, sanitizers address and
#     undefined (a matrix), fuzz-seconds at most 600, output-sarif true and its
#     SARIF uploaded from cifuzz-sarif/ with security-events: write;
#   - cflite_batch.yml: on a schedule, mode batch, address and undefined;
#   - cflite_cron.yml: on a schedule, a prune job and a coverage job (built
#     and run with sanitizer coverage);
#   - cflite_build.yml: on push to main, upload-build true;
#   - .clusterfuzzlite/build.sh builds with FUZZ_STATIC=1 and the Dockerfile
#     starts from base-builder and runs fetch-deps.sh (what check-build.sh
#     checks by building).
#
# The full build is checked by .clusterfuzzlite/check-build.sh (minutes; not
# run here). TAP; SKIP when python3-yaml is missing.
set -u
SRC=${IFM_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}

command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null ||
  { echo "1..0 # SKIP python3 with yaml (python3-yaml) is not installed"; exit 0; }

exec python3 - "$SRC" <<'EOF'
import os
import re
import sys

import yaml

src = sys.argv[1]
wf_dir = os.path.join(src, '.github', 'workflows')
n = 0
failed = 0
BUILD = 'google/clusterfuzzlite/actions/build_fuzzers@v1'
RUN = 'google/clusterfuzzlite/actions/run_fuzzers@v1'
MODES = {'code-change', 'batch', 'prune', 'coverage'}
SANITIZERS = {'address', 'undefined', 'memory', 'coverage'}


def ok(cond, what, detail=''):
    global n, failed
    n += 1
    print(('ok %d - %s' if cond else 'not ok %d - %s') % (n, what))
    if not cond:
        failed = 1
        for line in str(detail).splitlines():
            print('#   ' + line)


def load(path):
    with open(path, encoding='utf-8') as f:
        return yaml.safe_load(f)


def triggers(wf):
    # YAML 1.1 reads the key `on` as the boolean true
    on = wf.get('on', wf.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {k: None for k in on}
    return on or {}


def sanitizers(job, value):
    """The sanitizers a step's `sanitizer:` stands for in this job."""
    m = re.fullmatch(r'\$\{\{\s*matrix\.sanitizer\s*\}\}', str(value))
    if m:
        return list(job.get('strategy', {}).get('matrix', {}).get('sanitizer', []))
    return [value]


def steps_using(job, action):
    return [s for s in job.get('steps', []) if s.get('uses') == action]


project = load(os.path.join(src, '.clusterfuzzlite', 'project.yaml'))
ok(project == {'language': 'c'}, '.clusterfuzzlite/project.yaml is language: c', project)
lang = project.get('language')

names = ['cflite_pr.yml', 'cflite_batch.yml', 'cflite_cron.yml', 'cflite_build.yml']
wfs = {}
for name in names:
    path = os.path.join(wf_dir, name)
    try:
        wfs[name] = load(path)
        ok(isinstance(wfs[name], dict) and wfs[name].get('jobs'), f'{name} parses and has jobs')
    except (OSError, yaml.YAMLError) as e:
        wfs[name] = {}
        ok(False, f'{name} parses and has jobs', e)

# Every job: built before run, the same sanitizer, the language, known keys.
runs = {}   # workflow -> [(job name, run step's with, sanitizers)]
for name, wf in wfs.items():
    problems = []
    for jname, job in (wf.get('jobs') or {}).items():
        builds, fuzz = steps_using(job, BUILD), steps_using(job, RUN)
        if len(builds) != 1:
            problems.append(f'{jname}: {len(builds)} build_fuzzers steps, not 1')
            continue
        bw = builds[0].get('with') or {}
        if bw.get('language') != lang:
            problems.append(f'{jname}: build language {bw.get("language")!r}, project.yaml says {lang!r}')
        bsan = sanitizers(job, bw.get('sanitizer', 'address'))
        if not bsan or not set(bsan) <= SANITIZERS:
            problems.append(f'{jname}: build sanitizers {bsan}')
        for step in fuzz:
            w = step.get('with') or {}
            steps = job['steps']
            if steps.index(step) < steps.index(builds[0]):
                problems.append(f'{jname}: run_fuzzers before build_fuzzers')
            rsan = sanitizers(job, w.get('sanitizer', 'address'))
            if rsan != bsan:
                problems.append(f'{jname}: run sanitizers {rsan}, built with {bsan}')
            if w.get('mode') not in MODES:
                problems.append(f'{jname}: mode {w.get("mode")!r}')
            if not isinstance(w.get('fuzz-seconds'), int) or w['fuzz-seconds'] <= 0:
                problems.append(f'{jname}: fuzz-seconds {w.get("fuzz-seconds")!r}')
            if 'secrets.GITHUB_TOKEN' not in str(w.get('github-token', '')):
                problems.append(f'{jname}: no github-token')
            runs.setdefault(name, []).append((jname, w, rsan, bw))
    ok(not problems, f'{name}: each job builds (language {lang}) before it runs, with the same sanitizer',
       '\n'.join(problems))


def modes(name):
    return {w.get('mode') for _, w, _, _ in runs.get(name, [])}


# PR fuzzing
pr = wfs['cflite_pr.yml']
pr_runs = runs.get('cflite_pr.yml', [])
ok('pull_request' in triggers(pr), 'cflite_pr.yml runs on pull_request', triggers(pr))
ok(pr_runs and modes('cflite_pr.yml') == {'code-change'}, 'cflite_pr.yml: mode code-change', modes('cflite_pr.yml'))
ok(pr_runs and all({'address', 'undefined'} <= set(s) for _, _, s, _ in pr_runs),
   'cflite_pr.yml: sanitizers address and undefined', [s for _, _, s, _ in pr_runs])
ok(pr_runs and all(0 < w.get('fuzz-seconds', 0) <= 600 for _, w, _, _ in pr_runs),
   'cflite_pr.yml: fuzz-seconds at most 600 (a PR check, not batch fuzzing)',
   [w.get('fuzz-seconds') for _, w, _, _ in pr_runs])
sarif_ok = bool(pr_runs)
for jname, w, _, _ in pr_runs:
    job = pr['jobs'][jname]
    uploads = [s for s in job['steps'] if str(s.get('uses', '')).startswith('github/codeql-action/upload-sarif@')]
    perms = job.get('permissions', pr.get('permissions'))
    sarif_ok = sarif_ok and w.get('output-sarif') is True and len(uploads) == 1 and \
        (uploads[0].get('with') or {}).get('sarif_file') == 'cifuzz-sarif/results.sarif' and \
        isinstance(perms, dict) and perms.get('security-events') == 'write'
ok(sarif_ok, 'cflite_pr.yml: output-sarif true, SARIF uploaded from cifuzz-sarif/, security-events: write')

# Batch fuzzing
batch = wfs['cflite_batch.yml']
b_runs = runs.get('cflite_batch.yml', [])
ok('schedule' in triggers(batch) and all('cron' in c for c in triggers(batch)['schedule'] or []),
   'cflite_batch.yml runs on a schedule (cron)', triggers(batch))
ok(b_runs and modes('cflite_batch.yml') == {'batch'} and
   all({'address', 'undefined'} <= set(s) for _, _, s, _ in b_runs),
   'cflite_batch.yml: mode batch, sanitizers address and undefined', modes('cflite_batch.yml'))

# Cron: prune and coverage
cron = wfs['cflite_cron.yml']
c_runs = runs.get('cflite_cron.yml', [])
ok('schedule' in triggers(cron), 'cflite_cron.yml runs on a schedule', triggers(cron))
ok(any(w.get('mode') == 'prune' for _, w, _, _ in c_runs), 'cflite_cron.yml: a prune job', modes('cflite_cron.yml'))
ok(any(w.get('mode') == 'coverage' and s == ['coverage'] and bw.get('sanitizer') == 'coverage'
       for _, w, s, bw in c_runs),
   'cflite_cron.yml: a coverage job, built and run with sanitizer coverage', modes('cflite_cron.yml'))
storages = {str(w.get('storage-repo', '')) for r in runs.values() for _, w, _, _ in r}
ok(len(storages) == 1, 'every run step uses the same corpus storage (a storage-repo, or all the default)', storages)

# Continuous builds
cb = wfs['cflite_build.yml']
pushes = (triggers(cb).get('push') or {}).get('branches', [])
ok('main' in pushes and all((steps_using(j, BUILD)[0].get('with') or {}).get('upload-build') is True
                            for j in (cb.get('jobs') or {}).values() if steps_using(j, BUILD)),
   'cflite_build.yml: on push to main, upload-build true', pushes)

# The build integration the workflows use
with open(os.path.join(src, '.clusterfuzzlite', 'build.sh'), encoding='utf-8') as f:
    build_sh = f.read()
with open(os.path.join(src, '.clusterfuzzlite', 'Dockerfile'), encoding='utf-8') as f:
    dockerfile = f.read()
ok('FUZZ_STATIC=1' in build_sh and 'fuzz/build.sh' in build_sh,
   '.clusterfuzzlite/build.sh: fuzz/build.sh with FUZZ_STATIC=1')
ok(re.search(r'^FROM gcr\.io/oss-fuzz-base/base-builder\s*$', dockerfile, re.M) is not None and
   'fetch-deps.sh $SRC' in dockerfile and 'COPY . $SRC/ifmatch' in dockerfile,
   '.clusterfuzzlite/Dockerfile: base-builder, fetch-deps.sh $SRC, the checkout in $SRC/ifmatch')

print(f'1..{n}')
sys.exit(failed)
EOF
