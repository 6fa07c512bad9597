#!/bin/bash
# .clusterfuzzlite/fetch-deps.sh DIR: puts the libmicrohttpd source the
# ClusterFuzzLite build compiles into DIR/libmicrohttpd-<version>/ (the
# Dockerfile runs it with DIR=$SRC; check-build.sh runs it the same way).
#
# Why a source build: the OSS-Fuzz base-builder image is Ubuntu 20.04, whose
# libmicrohttpd-dev is 0.9.66; the reference server (server/) needs 0.9.73 or
# later (enum MHD_Result, 0.9.71; MHD_create_response_from_buffer_with_free_
# callback_cls, 0.9.73). So fuzz/build.sh compiles this pinned release itself,
# statically, with the sanitizer's flags. The tarball is Debian 12's
# (the version the rest of the project builds with), checked by its SHA-256
# from the package's .dsc.
#
# CFLITE_CACHE=DIR keeps the tarball there between runs (default: none).
set -euo pipefail

dest=${1:?usage: fetch-deps.sh DIR}
version=0.9.75
tarball=libmicrohttpd_$version.orig.tar.xz
url=http://deb.debian.org/debian/pool/main/libm/libmicrohttpd/$tarball
sha256=796e7e217a4802679fcac667a4e98501c53185dcf50ca0583870e84192620131

if [ -f "$dest/libmicrohttpd-$version/configure" ]; then
  echo "fetch-deps: $dest/libmicrohttpd-$version is already there"
  exit 0
fi
mkdir -p "$dest"
cache=${CFLITE_CACHE:-}
if [ -n "$cache" ] && [ -f "$cache/$tarball" ]; then
  file=$cache/$tarball
else
  file=$(mktemp)
  trap 'rm -f "$file"' EXIT
  echo "fetch-deps: downloading $url"
  curl -fsSL --retry 3 -o "$file" "$url" ||
    { echo "fetch-deps: could not download $url" >&2; exit 1; }
fi
if ! echo "$sha256  $file" | sha256sum -c --quiet -; then
  echo "fetch-deps: $tarball does not have the pinned SHA-256 $sha256" >&2
  exit 1
fi
if [ -n "$cache" ] && [ ! -f "$cache/$tarball" ]; then
  mkdir -p "$cache" && cp "$file" "$cache/$tarball"
fi
tar -xJf "$file" -C "$dest"
echo "fetch-deps: libmicrohttpd $version in $dest/libmicrohttpd-$version"
