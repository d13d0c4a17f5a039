"""The `gini_loss_train` command as installed: its help, and one quick run on digits. Options are accepted as the docs spell them
(`--no_diagnostics`, fastcore 1's spelling) and with dashes (`--no-diagnostics`, fastcore 2's), whichever fastcore is installed."""
import json, os, subprocess, sys
from pathlib import Path

import pytest

OPTIONS = ['--dataset', '--variants', '--seeds', '--epochs', '--out', '--subset', '--quiet']


COMMAND = str(Path(sys.executable).parent/'gini_loss_train')  # the command installed beside this Python, not one on the PATH


def train(*args, cwd):
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    return subprocess.run([COMMAND, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


def test_help_lists_the_options(tmp_path):
    r = train('--help', cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    for o in OPTIONS: assert o in r.stdout, f"{o} missing from:\n{r.stdout}"
    assert 'dry' in r.stdout and 'diagnostics' in r.stdout


@pytest.mark.parametrize('spelling', ['underscores', 'dashes'])
def test_options_with_underscores_or_dashes(tmp_path, spelling):
    "A dry run (nothing trained) with the multi-word options spelled either way."
    sep = '_' if spelling == 'underscores' else '-'
    r = train('--variants', 'ce', '--seeds', '0', '--epochs', '1', f'--images{sep}per{sep}class', '20',
              f'--no{sep}diagnostics', f'--dry{sep}run', '--out', str(tmp_path/'out'), cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert 'nothing was trained' in r.stdout


def test_one_epoch_on_digits(tmp_path):
    out = tmp_path/'out'
    r = train('--dataset', 'digits', '--variants', 'ce,ce+gini+kl', '--seeds', '0', '--epochs', '1', '--subset', '0.5',
              '--no_diagnostics', '--quiet', '--out', str(out), cwd=tmp_path)
    assert r.returncode == 0, (r.stdout[-2000:], r.stderr[-3000:])
    runs = sorted(out.glob('*.json'))
    assert len(runs) == 2, list(out.iterdir())
    assert (out/'results.md').exists()
    for f in runs:
        rec = json.loads(f.read_text())
        assert rec['config']['epochs'] == 1 if 'config' in rec else True
    # a second call finds both runs finished and trains nothing
    r2 = train('--dataset', 'digits', '--variants', 'ce,ce+gini+kl', '--seeds', '0', '--epochs', '1', '--subset', '0.5',
               '--no_diagnostics', '--quiet', '--dry_run', '--out', str(out), cwd=tmp_path)
    assert r2.returncode == 0 and '0 of 2 runs to train' in r2.stdout, (r2.stdout, r2.stderr[-2000:])


def test_gini_loss_train_from_python(tmp_path, monkeypatch, capsys):
    "Called from Python with arguments, `gini_loss_train` runs with them and never reads `sys.argv` (here pytest's own)."
    from gini_loss.experiments import gini_loss_train
    monkeypatch.setattr(sys, 'argv', ['pytest', '-q', '--not-an-option'])
    gini_loss_train(variants='ce', seeds='0', epochs=1, images_per_class=20, no_diagnostics=True, dry_run=True,
                    out=str(tmp_path/'out'))
    assert 'nothing was trained' in capsys.readouterr().out
