#!/usr/bin/env python3
"""layout_check.py: the house rules of DESIGN.md, checked from the code.

  layout_check.py SOURCE_DIR BUILD_DIR

Prints TAP. What it checks:
  1. No source or header file is over 800 lines.
  2. No file includes a header of a stage it may not use. The stages and
     what each may use mirror the CMake libraries (runner/*/CMakeLists.txt):
     data flows model -> load/plan/exec/lin -> judge -> run -> probe -> cli.
  3. No loop of files that include or call each other. File A points at
     file B when A includes B, or when A is a .c file that calls a function
     defined in the .c file B (read with nm from the object files of the
     build). Every strongly connected group of more than one file is a loop
     and is named.
"""
import os
import re
import subprocess
import sys

SRC, BUILD = sys.argv[1], sys.argv[2]
MAX_LINES = 800

# folder -> stage name; stage -> the stages its files may include
FOLDERS = {
    'core': 'core', 'server': 'server', 'reports': 'reports', 'fuzz/prog': 'fuzzprog',
    'runner/model': 'model', 'runner/load': 'load', 'runner/plan': 'plan',
    'runner/exec': 'exec', 'runner/lin': 'lin', 'runner/judge': 'judge',
    'runner/run': 'run', 'runner/probe': 'probe', 'runner/cli': 'cli',
}
MAY_USE = {
    'core': {'core'},
    'model': {'model'},
    'load': {'load', 'model'},
    'plan': {'plan', 'model'},
    'exec': {'exec', 'model'},
    'lin': {'lin', 'model', 'core'},
    'judge': {'judge', 'plan', 'lin', 'model', 'core'},
    'run': {'run', 'judge', 'exec', 'plan', 'lin', 'model', 'core'},
    'probe': {'probe', 'judge', 'exec', 'plan', 'lin', 'load', 'model', 'core'},
    'reports': {'reports', 'model'},
    'server': {'server', 'core'},
    'fuzzprog': {'fuzzprog', 'judge', 'exec', 'plan', 'lin', 'load', 'model', 'core', 'server'},
    'cli': set(FOLDERS.values()),
}

n = 0
failed = 0


def ok(cond, what, detail=''):
    global n, failed
    n += 1
    print(('ok %d - %s' if cond else 'not ok %d - %s') % (n, what))
    if not cond:
        failed += 1
        for line in detail.splitlines():
            print('#   ' + line)


files = {}      # path relative to SRC -> stage
for folder, stage in FOLDERS.items():
    d = os.path.join(SRC, folder)
    for f in sorted(os.listdir(d)):
        if f.endswith(('.c', '.h')):
            files[os.path.join(folder, f)] = stage

# 1. sizes, over every C file of the project (tests and fuzz harnesses too)
big = []
for root in ('core', 'server', 'reports', 'runner', 'fuzz', 'tests', 'bench'):
    for dp, dn, fn in os.walk(os.path.join(SRC, root)):
        dn[:] = [x for x in dn if x not in ('corpus', 'out')]
        for f in fn:
            if f.endswith(('.c', '.h')):
                p = os.path.join(dp, f)
                with open(p, errors='replace') as fh:
                    lines = sum(1 for _ in fh)
                if lines > MAX_LINES:
                    big.append('%s: %d lines' % (os.path.relpath(p, SRC), lines))
ok(not big, 'no C file is over %d lines' % MAX_LINES, '\n'.join(big))

# 2. includes by stage
by_name = {}
for p, stage in files.items():
    by_name.setdefault(os.path.basename(p), []).append(p)
dup = [k for k, v in by_name.items() if len(v) > 1]
ok(not dup, 'every file name is unique across the stages', '\n'.join(dup))

include_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
bad = []
edges = {}      # module -> set of modules


def module(p):
    return p


for p, stage in files.items():
    with open(os.path.join(SRC, p), errors='replace') as fh:
        for lineno, line in enumerate(fh, 1):
            m = include_re.match(line)
            if not m or m.group(1) not in by_name:
                continue
            target = by_name[m.group(1)][0]
            tstage = files[target]
            if tstage not in MAY_USE[stage]:
                bad.append('%s:%d: includes %s (stage %s may not use %s)' % (p, lineno, target, stage, tstage))
            if module(target) != module(p):
                edges.setdefault(module(p), set()).add(module(target))
ok(not bad, 'no file includes a header of a later stage', '\n'.join(bad))

# 3. calls, from the objects of the build
defined, uses = {}, {}
objs = []
for dp, dn, fn in os.walk(BUILD):
    for f in fn:
        if f.endswith('.c.o') and f.startswith('ifm_'):
            objs.append(os.path.join(dp, f))
src_by_obj = {}
for o in objs:
    name = os.path.basename(o)[:-2]          # ifm_x.c
    if name in by_name and '_fuzz.dir' not in o:
        src_by_obj[o] = by_name[name][0]
ok(len(src_by_obj) >= len([p for p in files if p.endswith('.c')]) - 1,
   'the build has an object file for every module (%d found)' % len(src_by_obj),
   'build the project first: cmake --build %s' % BUILD)
for o, p in src_by_obj.items():
    out = subprocess.run(['nm', o], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'TDRB':
            defined[parts[2]] = module(p)
        elif len(parts) == 2 and parts[0] == 'U':
            uses.setdefault(module(p), set()).add(parts[1])
for mod, syms in uses.items():
    for s in syms:
        if s in defined and defined[s] != mod:
            edges.setdefault(mod, set()).add(defined[s])

# Tarjan's strongly connected components
index, low, on, stack, sccs = {}, {}, set(), [], []
counter = [0]


def strong(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in sorted(edges.get(v, ())):
        if w not in index:
            strong(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))


sys.setrecursionlimit(10000)
for v in sorted(set(edges) | {w for s in edges.values() for w in s}):
    if v not in index:
        strong(v)
ok(not sccs, 'no files include or call each other in a loop',
   '\n'.join('loop: ' + ' <-> '.join(c) for c in sccs))

print('1..%d' % n)
sys.exit(1 if failed else 0)
