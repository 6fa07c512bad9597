#!/bin/bash -eu
# ClusterFuzzLite entry point: the harnesses are built by fuzz/build.sh, with
# libyaml and libxml2 linked statically (the runner image has neither).
FUZZ_STATIC=1 bash "$SRC/ifmatch/fuzz/build.sh"
