#!/usr/bin/env bash
# The package as a user gets it: build the sdist and the wheel (`python -m build`, the wheel made from the sdist), check them
# (`twine check --strict`), then install the *wheel* into fresh virtual environments at both ends of what settings.ini declares
# and run `tests_wheel/` there with pytest, from a folder outside the repository (so its `gini_loss/` is never imported):
#   newest: the newest release of every requirement that installs here (pip's choice, with this machine's pip constraint)
#   oldest: every lower bound of settings.ini `requirements` and of the extras pinned exactly, on the oldest Python declared
# Both ends get the `[lightning,accelerate]` extras. Prints a summary, and exits non-zero if any step failed.
#
#   bash tools/test_wheel.sh                 # both ends
#   WHEEL_ENDS=newest bash tools/test_wheel.sh   # one end
# Environment: WHEEL_ENVS (work folder, default /tmp/wheel_envs, replaced), WHEEL_ENDS ("newest oldest"),
# OLD_PYTHON (interpreter of the oldest end; default: the min_python of settings.ini, found with pyenv), KEEP_ENVS=1 (keep the
# environments, about 11 GB, for a look after the run).
set -uo pipefail
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1
REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WHEEL_ENVS:-/tmp/wheel_envs}
ENDS=${WHEEL_ENDS:-newest oldest}
PY=${PYTHON:-python3}
EXTRAS=lightning,accelerate
start=$SECONDS
summary=()
failed=0

step() { # step NAME SECONDS STATUS: one line of the summary; a non-zero status fails the run
  local s="ok"; [ "$3" -eq 0 ] || { s="FAILED (exit status $3)"; failed=1; }
  summary+=("$(printf '%-42s %5ss  %s' "$1" "$2" "$s")")
}
log() { echo; echo "=== test_wheel: $*"; }

# settings.ini, read as setup.py reads it: the version, min_python, and `name==lower bound` for the requirements and the extras
setting() {
  (cd "$REPO" && "$PY" - "$@" <<'EOF'
import configparser, re, shlex, sys
cfg = configparser.ConfigParser(delimiters=['=']); cfg.read('settings.ini', encoding='utf-8'); cfg = cfg['DEFAULT']
what = sys.argv[1]
if what in ('version', 'min_python'): print(cfg[what])
elif what == 'lower_bounds': # one `name==version` per requirement with a `>=` bound
    for key in ['requirements'] + [f'{e}_requirements' for e in sys.argv[2].split(',')]:
        for req in shlex.split(cfg.get(key, ''), comments=True):
            m = re.match(r'^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?.*?>=\s*([^,;\s]+)', req)
            if m: print(f'{m.group(1)}=={m.group(2)}')
EOF
  )
}
VERSION=$(setting version); MIN_PY=$(setting min_python)
[ -n "$VERSION" ] || { echo "test_wheel: cannot read settings.ini"; exit 1; }

rm -rf "$WORK"; mkdir -p "$WORK"

# --- Build from a copy of the working tree (tracked and untracked-but-not-ignored files), as a fresh clone would have it
log "build gini_loss $VERSION"
t=$SECONDS
mkdir -p "$WORK/src"
(cd "$REPO" && git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
   | xargs -0 cp --parents -t "$WORK/src") \
  && "$PY" -m venv "$WORK/build" && "$WORK/build/bin/pip" install -q build twine \
  && "$WORK/build/bin/python" -m build --outdir "$WORK/dist" "$WORK/src"
rc=$?; step "build sdist and wheel" $((SECONDS - t)) $rc
WHEEL=$(ls "$WORK"/dist/*.whl 2>/dev/null | head -n 1)
if [ $rc -eq 0 ]; then
  t=$SECONDS; "$WORK/build/bin/twine" check --strict "$WORK"/dist/*; step "twine check --strict" $((SECONDS - t)) $?
fi

find_python() { # an interpreter of Python $1: OLD_PYTHON, pythonX.Y on the PATH, or pyenv's
  local c
  for c in ${OLD_PYTHON:-} "python$1" $(ls -d "$(pyenv root 2>/dev/null || echo ~/.pyenv)"/versions/"$1".*/bin/python"$1" 2>/dev/null | sort -V -r); do
    if "$c" -c "import sys, venv; assert sys.version.startswith('$1.')" >/dev/null 2>&1; then echo "$c"; return 0; fi
  done
  return 1
}

run_end() { # run_end NAME PYTHON PIP_ARGS...: a fresh venv with the wheel installed, then tests_wheel/ in it
  local name=$1 python=$2; shift 2
  local env="$WORK/$name" t=$SECONDS rc
  log "$name end: install the wheel ($("$python" -V 2>&1))"
  "$python" -m venv "$env" && "$env/bin/pip" install -q "$WHEEL[$EXTRAS]" pytest "$@" 2>&1 | grep -v "is ignored: it is neither"
  rc=${PIPESTATUS[0]}; [ $rc -eq 0 ] && { "$env/bin/pip" check; rc=$?; }
  step "$name: install wheel[$EXTRAS], pip check" $((SECONDS - t)) $rc
  [ $rc -eq 0 ] || return
  echo "Installed at the $name end:"
  "$env/bin/pip" list --format=freeze 2>/dev/null \
    | grep -iE '^(gini.loss|torch|torchvision|fastai|fastcore|fasttransform|plum-dispatch|timm|huggingface.hub|numpy|scipy|pandas|scikit-learn|matplotlib|pillow|fastprogress|cloudpickle|accelerate|pytorch-lightning)==' \
    | tee "$WORK/$name-versions.txt" | paste -sd' '
  log "$name end: pytest tests_wheel"
  t=$SECONDS
  mkdir -p "$WORK/run-$name" && cp -r "$REPO/tests_wheel" "$WORK/run-$name/"
  (cd "$WORK/run-$name" && GINI_LOSS_EXPECTED_VERSION=$VERSION OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} \
     "$env/bin/python" -m pytest -q -p no:cacheprovider -o console_output_style=classic tests_wheel 2>&1 | tee "$WORK/$name-pytest.txt")
  rc=${PIPESTATUS[0]}
  step "$name: pytest tests_wheel" $((SECONDS - t)) $rc
  summary+=("    $(grep -E '^[0-9]+ (passed|failed|errors?)' "$WORK/$name-pytest.txt" | tail -n 1 | sed 's/^/pytest: /')")
  [ "${KEEP_ENVS:-0}" = 1 ] || rm -rf "$env"
}

if [ -n "$WHEEL" ]; then
  for end in $ENDS; do
    case $end in
      newest) run_end newest "$PY" --upgrade --upgrade-strategy eager ;;
      oldest)
        if old_py=$(find_python "$MIN_PY"); then
          setting lower_bounds "$EXTRAS" > "$WORK/oldest-constraints.txt"
          echo "Oldest end: Python $MIN_PY and the lower bounds of settings.ini pinned:" $(cat "$WORK/oldest-constraints.txt")
          run_end oldest "$old_py" -c "$WORK/oldest-constraints.txt"
        else step "oldest: find Python $MIN_PY (settings.ini min_python)" 0 1; fi ;;
      *) step "unknown end '$end' (WHEEL_ENDS)" 0 1 ;;
    esac
  done
fi

echo
echo "=== test_wheel summary: gini_loss $VERSION, $(basename "${WHEEL:-no wheel}")"
printf '%s\n' "${summary[@]}"
echo "Total: $((SECONDS - start)) s; $([ $failed -eq 0 ] && echo 'every step passed' || echo 'FAILED')"
exit $failed
