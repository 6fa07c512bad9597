#!/usr/bin/env bash
# container_test.sh: the container image (packaging/container/). Always, and
# cheaply: the Dockerfile's structure (two stages on Debian 12 slim, the build
# stage compiling with packaging/build-deb.sh from setup.sh's build packages,
# the final stage copying only the package, installing the runtime packages
# the .deb's Depends names (as this build's CPack configuration computes it),
# a non-root USER, WORKDIR and VOLUME /reports, ENTRYPOINT ["ifmatch"], a
# CMD), that build-offline.sh gives its image the same configuration, and
# that the image's CMD is a command line this build's program runs
# CONFORMANT with its reports in the mounted folder.
#
# Building the image takes minutes (debootstrap root, buildah), so that part
# runs only with IFMATCH_TEST_CONTAINER=1, as root, with buildah: it runs
# packaging/container/build-offline.sh and checks the image it commits and
# the verdict of the image's run (podman where it works, else chroot as the
# image's user). packaging/README.md records what that took here.
source "$(dirname "$0")/lib.sh"
BUILD=${IFM_BUILD_DIR:-$SRC/build}
DF="$SRC/packaging/container/Dockerfile"
OFFLINE="$SRC/packaging/container/build-offline.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "1..0 # SKIP needs /usr/bin/python3"; exit 0; }
plan 14

# The Dockerfile as JSON: a list of stages, each {from, as, ins: [[KEYWORD, ARGS]...]},
# continuation lines joined, comments dropped.
"$PY" - "$DF" >"$TMP/df.json" <<'EOF'
import json, re, sys
text = re.sub(r'\\\n', ' ', open(sys.argv[1]).read())
stages, args = [], {}
for line in text.splitlines():
    line = line.strip()
    if not line or line.startswith('#'):
        continue
    kw, _, rest = line.partition(' ')
    kw, rest = kw.upper(), ' '.join(rest.split())
    if kw == 'ARG' and not stages:
        k, _, v = rest.partition('=')
        args[k] = v
    elif kw == 'FROM':
        m = re.match(r'(\S+)(?: +AS +(\S+))?$', rest, re.I)
        image = re.sub(r'\$\{?(\w+)\}?', lambda g: args.get(g.group(1), ''), m.group(1))
        stages.append({'from': image, 'as': m.group(2), 'ins': []})
    else:
        stages[-1]['ins'].append([kw, rest])
json.dump(stages, sys.stdout)
EOF
# q EXPR: evaluates EXPR (Python) over the stages `s`, the final stage `f`; true when truthy.
q() { "$PY" -c "import json,re,sys; s=json.load(open('$TMP/df.json')); f=s[-1]; sys.exit(0 if ($1) else 1)"; }
last() { "$PY" -c "import json; f=json.load(open('$TMP/df.json'))[-1]; print([a for k,a in f['ins'] if k=='$1'][-1])"; }

check "the Dockerfile has two stages on debian:12-slim, the first named build" \
  q "len(s) == 2 and all(x['from'] == 'debian:12-slim' for x in s) and s[0]['as'] == 'build'"
check "the build stage makes the .deb with packaging/build-deb.sh" \
  q "any(k == 'RUN' and 'packaging/build-deb.sh' in a for k, a in s[0]['ins'])"
want_build=$(sed -n 's/^PKGS_BUILD="\(.*\)"/\1/p' "$SRC/setup.sh")
check "the build stage installs the build packages setup.sh names ($want_build)" \
  q "all(p in ' '.join(a for k, a in s[0]['ins'] if k == 'RUN').split() for p in '$want_build'.split())"
check "the final stage takes only the package from the build stage" \
  q "[a for k, a in f['ins'] if k == 'COPY'] == ['--from=build /out/ /tmp/ifmatch-deb/']"
# The Depends this build's package gets, by name, without libc6 (in every Debian image).
depends=$(sed -n 's/^set(CPACK_DEBIAN_PACKAGE_DEPENDS "\(.*\)")$/\1/p' "$BUILD/CPackConfig.cmake" 2>/dev/null)
dep_names=$(tr ',' '\n' <<<"$depends" | awk '$1 != "" && $1 != "libc6" {print $1}' | sort | tr '\n' ' ')
runtime=$(sed -n 's/^ARG RUNTIME_DEPS="\(.*\)"/\1/p' "$DF" | tr ' ' '\n' | sort | tr '\n' ' ')
check "its runtime packages are the .deb's Depends ($depends) but libc6" \
  bash -c "[ -n '$depends' ] && [ '$runtime' = '$dep_names' ] || { echo 'Dockerfile: $runtime; Depends: $dep_names'; false; }"
runtime_ok() {
  local p
  for p in libcurl4 libyaml-0-2 libmicrohttpd12; do grep -qw "$p" <<<"$runtime" || { echo "no $p"; return 1; }; done
  q "any(k == 'RUN' and re.search(r'apt-get install .*[$][{]RUNTIME_DEPS[}] /tmp/ifmatch-deb/ifmatch_[*][.]deb', a) for k, a in f['ins'])"
}
check "...which include libcurl4, libyaml-0-2 and libmicrohttpd12, installed with the package" runtime_ok
check "the final stage runs as a non-root user it creates" q "(lambda u: u not in ('', 'root') and not u.startswith('0') and
  any(k == 'RUN' and re.search(r'useradd .* ' + u + r'( |$)', a) for k, a in f['ins']))([a for k, a in f['ins'] if k == 'USER'][-1])"
check "WORKDIR and VOLUME are /reports" \
  q "('WORKDIR', '/reports') in [tuple(i) for i in f['ins']] and ('VOLUME', '[\"/reports\"]') in [tuple(i) for i in f['ins']]"
check "ENTRYPOINT is [\"ifmatch\"] and CMD runs the suite into /reports" \
  q "('ENTRYPOINT', '[\"ifmatch\"]') in [tuple(i) for i in f['ins']] and any(k == 'CMD' and '/reports' in a for k, a in f['ins'])"
check "Dockerfile.dockerignore keeps .git and the build folders out of the context" \
  bash -c "grep -qx '.git' '$SRC/packaging/container/Dockerfile.dockerignore' && grep -qx 'build\*' '$SRC/packaging/container/Dockerfile.dockerignore'"
cmd=$(last CMD)
check "build-offline.sh configures the same ENTRYPOINT, CMD, USER, WORKDIR and VOLUME" bash -c "
  bash -n '$OFFLINE' && grep -qF -- \"--entrypoint '\$(sed -n 's/^ENTRYPOINT //p' '$DF')'\" '$OFFLINE' &&
  grep -qF -- \"--cmd '\$1'\" '$OFFLINE' && grep -qF 'IMAGE_USER=$(last USER) ' '$OFFLINE' &&
  grep -qF -- '--workingdir /reports --volume /reports' '$OFFLINE'" _ "$cmd"
# The image's CMD, run by this build's program with /reports a scratch folder.
mapfile -t cmd_argv < <("$PY" -c 'import json,sys; print("\n".join(json.loads(sys.argv[1])))' "$cmd")
mkdir -p "$TMP/reports"
check "the image's CMD ($cmd) runs CONFORMANT here, its reports in the mounted folder" bash -c "
  cd '$TMP/reports' && \"\$@\" >'$TMP/cmd.out' 2>&1 || { cat '$TMP/cmd.out'; false; }
  ls '$TMP/reports' | sort | tr '\n' ' ' | grep -qx 'ifmatch.html ifmatch.json ifmatch.junit.xml ifmatch.tap '" \
  _ "$IFMATCH" "${cmd_argv[@]//\/reports/$TMP/reports}"

# The image itself: minutes, so only on request.
# skip_image REASON: the two image points SKIP, and the test ends.
skip_image() {
  local d
  for d in "build-offline.sh builds the image and its run is CONFORMANT" "the image's configuration"; do
    _n=$((_n + 1)); echo "ok $_n - $d # SKIP $1"
  done
  finish
}
[ "${IFMATCH_TEST_CONTAINER:-}" = 1 ] || skip_image "set IFMATCH_TEST_CONTAINER=1 (minutes: debootstrap root, buildah)"
[ "$(id -u)" = 0 ] && command -v buildah >/dev/null || skip_image "needs root and buildah"
DEB=$(IFM_DEB_BUILD_DIR="$BUILD/deb-pkg" bash "$SRC/packaging/build-deb.sh" "$TMP/deb" 2>"$TMP/deb.log") || cat "$TMP/deb.log"
TAG=localhost/ifmatch-test:$$
mkdir -p "$TMP/image-reports"
check "build-offline.sh builds the image and its run is CONFORMANT" bash -c "
  bash '$OFFLINE' --deb '$DEB' --tag '$TAG' --reports '$TMP/image-reports' >'$TMP/offline.out' 2>&1 ||
    { tail -30 '$TMP/offline.out'; false; }
  grep 'summary:' '$TMP/offline.out' && grep -q 'verdict CONFORMANT' '$TMP/offline.out' &&
  [ \"\$(stat -c %u '$TMP/image-reports/ifmatch.junit.xml')\" = 10001 ]"
sed -n 's/^build-offline: /# /p' "$TMP/offline.out" | grep -E 'took|summary|podman|chroot'
# image_config_ok: the committed image's User, WorkingDir, Entrypoint and Cmd are the Dockerfile's.
image_config_ok() {
  buildah inspect --type image "$TAG" | "$PY" -c '
import json, sys
c = json.load(sys.stdin)["OCIv1"]["config"]
got = [c.get("User"), c.get("WorkingDir"), c.get("Entrypoint"), c.get("Cmd")]
print(got)
sys.exit(got != ["ifmatch", "/reports", ["ifmatch"], json.loads(sys.argv[1])])' "$cmd"
}
check "the image's configuration: user ifmatch, WORKDIR /reports, ENTRYPOINT [\"ifmatch\"], CMD $cmd" image_config_ok
buildah rmi "$TAG" >/dev/null 2>&1 || true
finish
