#!/usr/bin/env bash
# Every test step of the project, from the repository root, after the installs of README.md's test command: each step runs
# even if an earlier one failed, and the script exits with status 1 if any failed. CI (`.ci/run`) runs the README's command,
# which ends by running this file: a change to CI's test steps is a change here.
#   1. every notebook's tests, the quick ones (`nbdev_test`), then all of them (`--flags slow` adds the cells that train longer)
#   2. the documentation site, built from the notebooks into _docs/
#   3. the package as a user gets it: sdist and wheel built and checked, the wheel tested at the newest and the oldest
#      versions settings.ini allows (tools/test_wheel.sh)
#   4. the repository's own tests: the site in headless Chromium, its links and the README's, every public name documented,
#      every benchmark's smoke run (pytest, last: CI reads its closing line)
set -u
cd "$(dirname "$0")/.."
status=0
step() { echo; echo "=== tools/test.sh: $*"; "$@" || { echo "=== tools/test.sh: FAILED: $*"; status=1; }; }
step nbdev_test --do_print
step nbdev_test --do_print --flags slow
step python tools/docsite.py
step bash tools/test_wheel.sh
step pytest -q tests
exit $status
