"""`benchmarks/paired_design.py`, the code the Fashion-MNIST benchmark pages share: p-values as the pages write them,
Holm's adjustment, the t-test p read back from an interval, and the run-until-budget loop's count of what it trained."""
import math, sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]/'benchmarks'))
from paired_design import p_text, run_calls
from gini_loss.stats import holm_adjust as holm


def test_p_text():
    "Below what a float holds (a p computed as 0, or subnormal) the pages say '< 1e-300', never 'p = 0'."
    for p in (0., 5e-324, 1e-301): assert p_text(p) == 'p < 1e-300' and p_text(p, '') == '< 1e-300'
    assert p_text(1.7e-273) == 'p = 1.7e-273' and p_text(.0123) == 'p = 0.012' and p_text(.0123, '') == '0.012'
    assert p_text(.02, 'adjusted p') == 'adjusted p = 0.02'


def test_holm():
    "Against values computed by hand: sort, multiply the k-th smallest by m - k + 1, keep the running maximum, cap at 1."
    close = lambda a, b: all(math.isclose(x, y, rel_tol=1e-12) or (math.isnan(x) and math.isnan(y)) for x, y in zip(a, b))
    # .005 x 4 = .02; .01 x 3 = .03; .03 x 2 = .06; .04 x 1 = .04 -> .06 (running maximum)
    assert close(holm([.01, .04, .03, .005]), [.03, .06, .06, .02])
    assert close(holm([math.nan, .02, .5]), [math.nan, .04, .5]) # NaN is not a test: m = 2
    assert close(holm([.6, .7]), [1., 1.]) and holm([]) == []


def fake_runs(monkeypatch, meanwhile:dict):
    """A stand-in for run_experiment: one run file per (variant, seed), trained only when missing. While a call is on for
    the run named by a key of `meanwhile`, another process writes the run files of its value."""
    import gini_loss.experiments
    def run_experiment(out, variants, seeds, dry_run=False, **kw):
        f = Path(out)/f'{variants[0]}_seed{seeds[0]}.json'
        for other in meanwhile.pop(f.name, ()): (Path(out)/other).write_text('{}')
        if dry_run: return pd.DataFrame(dict(done=[f.exists()]))
        if not f.exists(): f.write_text('{}')
        return pd.DataFrame()
    monkeypatch.setattr(gini_loss.experiments, 'run_experiment', run_experiment)


def test_run_calls_counts_only_its_own_runs(tmp_path, monkeypatch):
    "Runs another process writes during the calls (planned or not) are neither logged nor counted; a run on disk is read back."
    fake_runs(monkeypatch, {'a_seed0.json': ['c_seed0.json'], 'b_seed0.json': ['x_seed7.json']})
    (tmp_path/'b_seed0.json').write_text('{}') # on disk before the call
    calls = [dict(out=tmp_path, variants=(v,), seeds=(0,)) for v in 'abcd']
    logged, trained = [], []
    assert run_calls(calls, log=logged.append, names=list('abcd'), trained=trained)
    assert trained == ['a', 'd'] and [l.split(': ')[1] for l in logged] == ['a', 'd'], logged


def test_run_calls_budget(tmp_path, monkeypatch):
    "After the deadline nothing starts: the loop says so and reports not done."
    fake_runs(monkeypatch, {})
    logged, trained = [], []
    calls = [dict(out=tmp_path, variants=('a',), seeds=(s,)) for s in range(2)]
    assert not run_calls(calls, deadline=0., log=logged.append, trained=trained)
    assert trained == [] and not list(tmp_path.iterdir()) and 'budget reached: 2 calls not started' in logged[-1]
