"The README's test command runs every test step even when one fails, and exits non-zero if any failed."
import os, re, stat, subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ('nbdev_test', 'python', 'pytest')


def readme_test_command()->str:
    "The command between the README's test-command markers, as `.ci/run` reads it."
    text = (ROOT/'README.md').read_text()
    block = re.search(r'<!-- test-command -->\n```sh\n(.*?)\n```\n<!-- /test-command -->', text, re.S)
    assert block, "no test command in README.md"
    return block.group(1)


def run_steps(tmp_path, failing:str)->tuple:
    "The command's test steps (after its installs) with each step replaced by a stub that logs it; `failing` exits 1."
    steps = readme_test_command().split('&& (', 1)
    assert len(steps) == 2, "the test steps follow the installs as one `(...)` group"
    log = tmp_path/'log'
    for name in STEPS:
        stub = tmp_path/name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> {log}\n' + ('exit 1\n' if name == failing else 'exit 0\n'))
        stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, 'PATH': f"{tmp_path}:{os.environ['PATH']}"}
    rc = subprocess.run(['bash', '-c', '(' + steps[1]], env=env, cwd=tmp_path).returncode
    return rc, log.read_text().splitlines()


def test_every_step_runs_after_a_failure(tmp_path):
    rc, ran = run_steps(tmp_path, failing='nbdev_test')
    assert rc == 1
    assert ran == ['nbdev_test --do_print', 'nbdev_test --do_print --flags slow', 'python tools/docsite.py', 'pytest -q tests']


def test_success_exits_zero(tmp_path):
    rc, ran = run_steps(tmp_path, failing=None)
    assert rc == 0 and len(ran) == 4
