"""Every benchmark script still runs: each one's `--smoke` mode (tiny data, a few steps, seconds) on the CPU.

A smoke run goes through the same code as a real run, only smaller, and writes into a temporary folder (`--out` under
pytest's `tmp_path`), never into `benchmarks/results/`. Each subprocess runs in `tmp_path` with one torch thread, so a
stray relative path would land there, not in the repository. `benchmarks/paired_design.py` is a module, not a script:
`fashion_mnist.py`, `regimes.py` and `fashion_mnist_gpu.sh` run its code. The Fashion-MNIST scripts read the Debian
package `dataset-fashion-mnist`, which the test command installs."""
import json, math, os, re, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT/'benchmarks'
SCRIPTS = sorted(p.name for p in BENCH.iterdir() if p.suffix in ('.py', '.sh') and p.name != 'paired_design.py')


def smoke(tmp_path, script:str, *args, timeout:int=300)->str:
    "Run `benchmarks/<script> --smoke *args` in `tmp_path`; its standard output, after checking that it succeeded."
    cmd = ['bash'] if script.endswith('.sh') else [sys.executable]
    env = dict(os.environ, OMP_NUM_THREADS='1', MPLBACKEND='Agg', PYTHONWARNINGS='ignore')
    res = subprocess.run([*cmd, str(BENCH/script), '--smoke', *map(str, args)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=timeout)
    assert res.returncode == 0, f"{script} --smoke exited with {res.returncode}:\n{res.stdout[-3000:]}\n{res.stderr[-5000:]}"
    return res.stdout


def numbers(pattern:str, text:str)->list:
    "The floats captured by the groups of `pattern` in `text`, in order (at least one)."
    found = [float(x) for m in re.finditer(pattern, text) for x in m.groups()]
    assert found, f"no match for {pattern!r} in:\n{text[-2000:]}"
    return found


def test_every_script_has_a_test():
    "A new script under benchmarks/ needs its own smoke test here: `test_<its name, dots as underscores>`."
    missing = [s for s in SCRIPTS if 'test_' + s.removesuffix('.py').replace('.', '_') not in globals()]
    assert not missing, f"benchmark scripts without a smoke test in tests/test_benchmarks.py: {missing}"


def test_compiled_step(tmp_path):
    out = smoke(tmp_path, 'compiled_step.py')
    ratio, = numbers(r'time ratio ([\d.]+)', out)
    assert 0 < ratio < math.inf
    warm, measured = numbers(r'graphs compiled during warm-up (\d+), during the measured steps (\d+)', out)
    assert warm >= 2 and measured == 0, out # each twin compiled once, and steady-state steps do not recompile


def test_data_wait(tmp_path):
    out = smoke(tmp_path, 'data_wait.py')
    fraction, = numbers(r'data wait fraction ([\d.]+)%', out)
    assert 0 <= fraction <= 100


def test_overhead(tmp_path):
    out = smoke(tmp_path, 'overhead.py')
    assert 0 < numbers(r'time ratio\s+([\d.]+)', out)[0] < math.inf
    assert len(numbers(r'peak memory \+\s*(-?[\d.]+) MiB', out)) == 2


def test_many_classes(tmp_path):
    page = tmp_path/'many_classes'/'README.md'
    smoke(tmp_path, 'many_classes.py', '--out', page)
    text = page.read_text()
    assert '### The terms alone' in text and '### A training step' in text and '### With a memory' in text
    assert 'nan' not in text.lower()


def test_memory_effect(tmp_path):
    page = tmp_path/'memory_effect'/'README.md'
    smoke(tmp_path, 'memory_effect.py', '--out', page)
    text = page.read_text()
    runs = [l for l in text.split('## Runs')[1].splitlines() if l.startswith('| ') and l[2].isdigit()]
    assert len(runs) == 2 * 3, text # 2 seeds x (CE, CE+Gini+KL, one memory)
    for row in runs: # accuracy, feature Gini, feature KL: numbers, accuracy a fraction
        acc, gini, kl = map(float, row.split('|')[3:6])
        assert 0 <= acc <= 1 and 0 <= gini <= 1 and kl >= 0


def check_run_files(folder:Path, n:int):
    "`folder` holds `n` run files, each a finished run with a test accuracy."
    runs = [json.loads(f.read_text()) for f in folder.glob('*.json')]
    assert len(runs) == n, sorted(f.name for f in folder.glob('*.json'))
    assert all(0 <= r['final']['accuracy'] <= 1 for r in runs)


def check_page_only(tmp_path, script:str, out:Path):
    "`--page-only` rewrites the page of the runs in `out` and trains nothing."
    files = sorted(out.rglob('*.json'))
    (out/'README.md').unlink()
    smoke(tmp_path, script, '--out', out, '--page-only')
    page = (out/'README.md').read_text()
    assert sorted(out.rglob('*.json')) == files and 'This call trained nothing' in page and 'Incomplete' not in page


def test_fashion_mnist(tmp_path):
    out = tmp_path/'fashion_mnist'
    smoke(tmp_path, 'fashion_mnist.py', '--out', out)
    check_run_files(out/'tuning', 4) # CE and one setting of each tuned family
    check_run_files(out/'test', 2 + 2 + 3) # CE and tuned CE+Gini+KL: 2 seeds; the others: 1
    page = (out/'README.md').read_text()
    assert 'Incomplete' not in page and '## 2. Test: paired comparison to CE' in page and (out/'delta.png').exists()
    assert f'--out {out}/test' in page # the page's gini_loss_train commands name the folder of its runs
    assert 'adjusted p' in page and 'Tuning runs finished on' in page
    check_page_only(tmp_path, 'fashion_mnist.py', out)


def test_regimes(tmp_path):
    out = tmp_path/'regimes'
    smoke(tmp_path, 'regimes.py', '--out', out)
    check_run_files(out/'few_10', 2 * 3) # 2 seeds x 3 variants
    check_run_files(out/'lt_10', 5) # 1 seed x (3 variants + 2 more KL priors)
    page = (out/'README.md').read_text()
    assert 'Incomplete' not in page and '### 10 per class' in page and '### long tail, ratio 10' in page
    assert (out/'delta.png').exists() and '## What survives the' in page and 'Runs finished on' in page
    log = smoke(tmp_path, 'regimes.py', '--out', out) # resumed: every run is on disk, none is trained or logged
    assert 'This call trained nothing' in (out/'README.md').read_text() and not re.search(r'seed \d.*: \d+ s$', log, re.M)
    check_page_only(tmp_path, 'regimes.py', out)


def test_fashion_mnist_gpu_sh(tmp_path):
    out = tmp_path/'fashion_mnist_gpu'
    text = smoke(tmp_path, 'fashion_mnist_gpu.sh', '/usr/share/datasets/fashion-mnist', out)
    assert 'Estimate:' in text
    check_run_files(out/'test', 2 + 2 + 3)
    assert 'Incomplete' not in (out/'README.md').read_text()


def test_fashion_mnist_gpu_sh_paper_on_cifar100(tmp_path):
    "The paper recipe's GPU path (its own process per run, bf16 autocast, channels-last, the held-out best epoch, the final page) on a CIFAR-100 folder in the data set's own format."
    sys.path.insert(0, str(ROOT/'nbs'))
    from testkit import write_cifar100
    data = write_cifar100(tmp_path/'data', n_train=200, n_test=50) # --smoke keeps 2%: 4 training and 1 test image per class
    out = tmp_path/'gpu_paper'
    text = smoke(tmp_path, 'fashion_mnist_gpu.sh', data, out, timeout=900) # three processes, each loading torch and fastai
    assert 'Estimate:' in text and 'diagnostics:' in text
    check_run_files(out, 2)
    runs = [json.loads(f.read_text()) for f in out.glob('*.json')]
    assert sorted(r['config']['variant'] for r in runs) == ['ce', 'ce+gini+kl']
    assert all(r['config']['recipe'] == 'paper' and r['config']['dataset'] == 'cifar100' and r['config']['bf16'] and
               r['config']['channels_last'] for r in runs)
    assert (out/'results.md').exists() and (out/'diagnostics.md').exists()


def test_ls_study(tmp_path):
    out = tmp_path/'ls_study'
    smoke(tmp_path, 'ls_study.py', '--out', out)
    assert len(list((out/'tuning').glob('*.json'))) and len(list((out/'test').glob('*.json')))
    assert (out/'README.md').exists()
