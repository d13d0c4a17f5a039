"The README's test command installs, then runs `tools/test.sh`, whose every step runs even when one fails; it exits non-zero if any failed."
import os, re, stat, subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ('nbdev_test', 'python', 'bash', 'pytest')


def readme_test_command()->str:
    "The command between the README's test-command markers, as `.ci/run` reads it."
    text = (ROOT/'README.md').read_text()
    block = re.search(r'<!-- test-command -->\n```sh\n(.*?)\n```\n<!-- /test-command -->', text, re.S)
    assert block, "no test command in README.md"
    return block.group(1)


def test_readme_command_installs_then_runs_the_steps():
    installs, steps = readme_test_command().rsplit(' && ', 1)
    assert steps == 'bash tools/test.sh'
    assert 'pip install -e ".[dev,cvt,lightning,accelerate]"' in installs  # every notebook's imports, incl. the integrations


def run_steps(tmp_path, failing:str)->tuple:
    "`tools/test.sh` with each step's program replaced by a stub that logs its call; `failing` exits 1."
    log = tmp_path/'log'
    for name in STEPS:
        stub = tmp_path/name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> {log}\n' + ('exit 1\n' if name == failing else 'exit 0\n'))
        stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, 'PATH': f"{tmp_path}:{os.environ['PATH']}"}
    done = subprocess.run(['/bin/bash', str(ROOT/'tools/test.sh')], env=env, capture_output=True, text=True)
    return done.returncode, log.read_text().splitlines()


ALL = ['nbdev_test --do_print', 'nbdev_test --do_print --flags slow', 'python tools/docsite.py', 'bash tools/test_wheel.sh',
       'pytest -q tests']

def test_every_step_runs_after_a_failure(tmp_path):
    for failing in STEPS:
        rc, ran = run_steps(tmp_path, failing)
        assert rc == 1 and ran == ALL, (failing, rc, ran)
        (tmp_path/'log').unlink()


def test_success_exits_zero(tmp_path):
    rc, ran = run_steps(tmp_path, failing=None)
    assert rc == 0 and ran == ALL
