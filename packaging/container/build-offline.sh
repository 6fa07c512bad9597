#!/usr/bin/env bash
# packaging/container/build-offline.sh: the ifmatch container image without an
# image registry. Makes what packaging/container/Dockerfile makes (Debian 12,
# the .deb and its Depends installed, user ifmatch (uid 10001), WORKDIR and
# VOLUME /reports, ENTRYPOINT ["ifmatch"], CMD ["run", "--out", "/reports"])
# from a debootstrap Debian 12 root, commits it with buildah, and runs it once:
# with podman when this machine lets podman run containers, else its root
# filesystem with chroot as the image's user (it says which).
#
#   sudo packaging/container/build-offline.sh [options]
#     --deb FILE          the package to install (default: build it now with
#                         packaging/build-deb.sh)
#     --tag NAME          the image's name (default localhost/ifmatch:<version>)
#     --oci-archive FILE  also write the image there (buildah push oci-archive:)
#     --dockerfile        build with `buildah bud` from the Dockerfile instead,
#                         on a local stand-in for debian:12-slim made from the
#                         same debootstrap root (its build stage compiles, so
#                         it takes minutes more)
#     --no-run            build only
#     --chroot            run it with chroot even where podman works
#     --reports DIR       where the run writes its reports (default: a scratch folder)
#
# Needs root, buildah, debootstrap (only when no base root is cached) and the
# Debian archive (apt-get installs the Depends). The debootstrap root is
# cached as a tar in $IFM_BASE_TAR (default /tmp/ifm-fresh-base.tar, the
# cache the workspace's fresh-debian.sh keeps too). Exit 0 when the image was
# built and its run was CONFORMANT; the run's exit code when it was not; 2
# when something needed is missing.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
say() { printf 'build-offline: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

DEB="" TAG="" OCI="" MODE=rootfs RUN=1 REPORTS="" CHROOT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --deb) DEB=${2:?--deb needs a file}; shift 2 ;;
    --tag) TAG=${2:?--tag needs a name}; shift 2 ;;
    --oci-archive) OCI=${2:?--oci-archive needs a file}; shift 2 ;;
    --dockerfile) MODE=dockerfile; shift ;;
    --no-run) RUN=0; shift ;;
    --chroot) CHROOT=1; shift ;;
    --reports) REPORTS=${2:?--reports needs a folder}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (--help lists them)" ;;
  esac
done
[ "$(id -u)" = 0 ] || die "needs root (chroot, mounts, buildah's storage)"
command -v buildah >/dev/null || die "buildah is not installed (apt-get install buildah)"

IMAGE_USER=ifmatch IMAGE_UID=10001
WORK=$(mktemp -d /tmp/ifm-image.XXXXXX)
MOUNTED=() CONTAINERS=()
cleanup() {
  local m
  for m in "${MOUNTED[@]}"; do umount -R "$m" 2>/dev/null || true; done
  for m in "${CONTAINERS[@]}"; do buildah rm "$m" >/dev/null 2>&1 || true; done
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
T0=$SECONDS
lap() { say "$1 took $((SECONDS - $2)) s"; }

# 1. The package (the Dockerfile's build stage makes its own).
if [ "$MODE" = rootfs ]; then
  if [ -z "$DEB" ]; then
    t=$SECONDS
    say "building the package (packaging/build-deb.sh)"
    DEB=$(bash "$SRC/packaging/build-deb.sh" "$WORK/deb")
    lap "the package" "$t"
  fi
  [ -f "$DEB" ] || die "no package $DEB"
  DEB=$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")
  VERSION=$(dpkg-deb -f "$DEB" Version)
  say "package $(basename "$DEB"), Depends: $(dpkg-deb -f "$DEB" Depends)"
else
  [ -z "$DEB" ] || die "--deb and --dockerfile do not go together: the Dockerfile builds its own package"
  VERSION=$(sed -n 's/^project(ifmatch VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")+dockerfile
fi
TAG=${TAG:-localhost/ifmatch:${VERSION//+/-}}

# 2. A minimal Debian 12 root (debootstrap --variant=minbase), cached as a tar.
BASE=${IFM_BASE_TAR:-/tmp/ifm-fresh-base.tar}
if [ ! -f "$BASE" ]; then
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
  mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1 || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || die "no Debian mirror in the apt sources"
  t=$SECONDS
  say "debootstrap --variant=minbase bookworm from $mirror (a few minutes; cached in $BASE)"
  debootstrap --variant=minbase bookworm "$WORK/base" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }
  tar -C "$WORK/base" -cf "$BASE.part" . && mv "$BASE.part" "$BASE" && rm -rf "$WORK/base"
  lap "debootstrap" "$t"
fi

# new_root DIR: the cached root unpacked in DIR, trimmed as Debian's slim
# images are (no manuals, documentation or translations, now or later).
new_root() {
  mkdir -p "$1"
  tar -C "$1" -xpf "$BASE"
  cat >"$1/etc/dpkg/dpkg.cfg.d/ifmatch-slim" <<'EOF'
# as in Debian's slim images: no manuals, documentation or translations
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
  find "$1/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$1"/usr/share/man/* "$1"/usr/share/info/* "$1"/usr/share/locale/* "$1"/usr/share/lintian/*
  rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/cache/apt/*.bin "$1"/var/lib/apt/lists/*
}

# commit_root DIR IMAGE [buildah config options...]: DIR's files as the
# single layer of IMAGE.
commit_root() {
  local dir=$1 image=$2 c mnt
  shift 2
  c=$(buildah from scratch)
  CONTAINERS+=("$c")
  mnt=$(buildah mount "$c")
  tar -C "$dir" --numeric-owner -cf - . | tar -C "$mnt" --numeric-owner -xpf -
  buildah umount "$c" >/dev/null
  buildah config --os linux --arch "$(dpkg --print-architecture)" \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@" "$c"
  buildah commit --quiet --rm "$c" "$image" >/dev/null
  CONTAINERS=()
}

t=$SECONDS
if [ "$MODE" = rootfs ]; then
  # 3a. The image's root: the package installed by apt-get, so Depends comes
  # from the archive, and the user the image runs as.
  ROOT="$WORK/root"
  new_root "$ROOT"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  cp "$DEB" "$ROOT/tmp/ifmatch.deb"
  mount -t proc proc "$ROOT/proc" && MOUNTED+=("$ROOT/proc")
  mount --rbind /dev "$ROOT/dev" && MOUNTED+=("$ROOT/dev")
  say "installing the package and its Depends in the root (apt-get, from the Debian archive)"
  chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive sh -ec '
    printf "#!/bin/sh\nexit 101\n" >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
    apt="apt-get -qq -o APT::Sandbox::User=root"
    $apt update
    $apt install -y --no-install-recommends /tmp/ifmatch.deb >/dev/null
    rm -f /usr/sbin/policy-rc.d /tmp/ifmatch.deb
    apt-get clean; rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
    groupadd --gid '"$IMAGE_UID"' '"$IMAGE_USER"'
    useradd --uid '"$IMAGE_UID"' --gid '"$IMAGE_UID"' --home-dir /reports --no-create-home \
      --shell /usr/sbin/nologin '"$IMAGE_USER"'
    mkdir -p /reports; chown '"$IMAGE_USER:$IMAGE_USER"' /reports
    ifmatch version | head -n 1' >&2
  for m in "${MOUNTED[@]}"; do umount -R "$m"; done
  MOUNTED=()
  : >"$ROOT/etc/resolv.conf"
  say "committing $TAG (buildah from scratch, one layer)"
  commit_root "$ROOT" "$TAG" --entrypoint '["ifmatch"]' --cmd '["run", "--out", "/reports"]' \
    --user "$IMAGE_USER" --workingdir /reports --volume /reports \
    --label org.opencontainers.image.title=ifmatch \
    --label org.opencontainers.image.version="$VERSION" \
    --label "org.opencontainers.image.description=conformance suite for HTTP If-Match (RFC 9110)"
else
  # 3b. The Dockerfile itself, on a local stand-in for debian:12-slim.
  STANDIN=localhost/ifmatch-debian:12-minbase
  new_root "$WORK/standin"
  commit_root "$WORK/standin" "$STANDIN" --cmd '["bash"]'
  rm -rf "$WORK/standin"
  say "buildah bud -f packaging/container/Dockerfile on $STANDIN (the build stage compiles: minutes)"
  buildah bud --pull=never --isolation chroot --network host --layers=false \
    --build-arg DEBIAN_IMAGE="$STANDIN" --build-arg IFM_COMMIT="$(git -C "$SRC" rev-parse HEAD 2>/dev/null || true)" \
    --ignorefile "$SRC/packaging/container/Dockerfile.dockerignore" \
    -f "$SRC/packaging/container/Dockerfile" -t "$TAG" "$SRC" >"$WORK/bud.log" 2>&1 ||
    { tail -30 "$WORK/bud.log" >&2; die "buildah bud failed"; }
fi
lap "the image" "$t"
SIZE=$(buildah images --format '{{.Size}}' "$TAG" | head -n 1)
say "image $TAG: $SIZE"
if [ -n "$OCI" ]; then
  rm -f "$OCI"
  buildah push --quiet "$TAG" "oci-archive:$OCI:$TAG" >/dev/null
  say "wrote $OCI ($(du -h "$OCI" | cut -f1))"
fi
[ "$RUN" = 1 ] || { say "built in $((SECONDS - T0)) s (--no-run: not run)"; printf '%s\n' "$TAG"; exit 0; }

# 4. Run it once with no arguments (the image's CMD: the suite against the
# embedded reference server), the reports in a mounted folder.
REPORTS=${REPORTS:-$WORK/reports}
mkdir -p "$REPORTS"
chown "$IMAGE_UID:$IMAGE_UID" "$REPORTS"
t=$SECONDS
rc=0
HOW=""
# podman as it comes; then with runc and rlimits no higher than this
# machine's (in some sandboxes crun refuses hybrid cgroups and raising rlimits).
PODMAN_WAYS=("run" "--runtime runc run --ulimit nofile=1024:1024 --ulimit nproc=1024:1024")
if [ "$CHROOT" = 0 ] && command -v podman >/dev/null; then
  for way in "${PODMAN_WAYS[@]}"; do
    read -r -a opts <<<"$way"
    if podman "${opts[@]}" --rm --pull=never --network none "$TAG" version >"$WORK/podman.out" 2>&1; then
      HOW="podman $way"
      break
    fi
  done
fi
if [ -n "$HOW" ]; then
  say "running: podman ${opts[*]} --rm -v $REPORTS:/reports $TAG   (no arguments: the image's CMD)"
  podman "${opts[@]}" --rm --pull=never --network none -v "$REPORTS:/reports" "$TAG" >"$WORK/run.out" 2>&1 || rc=$?
else
  if [ "$CHROOT" = 1 ]; then say "--chroot: not trying podman"
  else say "podman cannot run containers on this machine: $(tail -n 1 "$WORK/podman.out" 2>/dev/null || echo 'podman is not installed')"; fi
  say "NOT A CONTAINER: running the image's root filesystem with chroot --userspec as its user instead"
  HOW="chroot --userspec, not a container"
  c=$(buildah from --pull-never "$TAG")
  CONTAINERS+=("$c")
  mnt=$(buildah mount "$c")
  # The image's own User, WorkingDir, Entrypoint and Cmd, not this script's idea of them.
  buildah inspect --type image "$TAG" >"$WORK/inspect.json"
  mapfile -t cfg < <(/usr/bin/python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["OCIv1"]["config"]
print(c.get("User", "")); print(c.get("WorkingDir", "/"))
for a in (c.get("Entrypoint") or []) + (c.get("Cmd") or []): print(a)' "$WORK/inspect.json")
  user=${cfg[0]} dir=${cfg[1]} argv=("${cfg[@]:2}")
  uid=$(awk -F: -v u="$user" '$1 == u {print $3 ":" $4}' "$mnt/etc/passwd")
  [ -n "$uid" ] || die "the image's user $user is not in its /etc/passwd"
  mount -t proc proc "$mnt/proc" && MOUNTED+=("$mnt/proc")
  mount --bind "$REPORTS" "$mnt$dir" && MOUNTED+=("$mnt$dir")
  say "running: chroot --userspec=$uid (user $user) in $dir: ${argv[*]}"
  chroot --userspec="$uid" "$mnt" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME="$dir" sh -c 'cd "$1" && shift && exec "$@"' sh "$dir" "${argv[@]}" >"$WORK/run.out" 2>&1 || rc=$?
  for m in "${MOUNTED[@]}"; do umount -R "$m"; done
  MOUNTED=()
  buildah umount "$c" >/dev/null && buildah rm "$c" >/dev/null
  CONTAINERS=()
fi
sed 's/^/  | /' "$WORK/run.out" >&2
VERDICT=$(sed -n 's/.*verdict: \([A-Z ]*\).*/\1/p' "$WORK/run.out" | tail -n 1)
lap "the run ($HOW)" "$t"
say "reports in $REPORTS: $(cd "$REPORTS" && ls | tr '\n' ' ')"
say "summary: image $TAG, $SIZE; run with $HOW: exit $rc${VERDICT:+, verdict $VERDICT}; $((SECONDS - T0)) s in all"
printf '%s\n' "$TAG"
exit $rc
