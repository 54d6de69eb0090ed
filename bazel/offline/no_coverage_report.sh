#!/bin/sh
# Stand-in for Bazel's coverage report generator (see BUILD.bazel): there is none offline.
echo "no coverage report generator in this workspace (see docs/bazel.md)" >&2
exit 1
