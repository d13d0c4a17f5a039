"""What benchmarks/fashion_mnist.py and benchmarks/regimes.py share: the machine, a speed measurement, running
`run_experiment` calls (resumable: one file per run), reading the runs back, significance in words, a Δ figure.
"""
import json, os, platform, shlex, time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path


def machine(device=None)->str:
    "The machine in words: CPU model, cores, load average now."
    cpu = next((l.split(':', 1)[1].strip() for l in Path('/proc/cpuinfo').read_text().splitlines()
                if l.startswith('model name')), platform.processor() or 'unknown CPU') if Path('/proc/cpuinfo').exists() else platform.processor()
    load = ', '.join(f'{x:.1f}' for x in os.getloadavg())
    dev = f'; device {device}' if device and device != 'cpu' else ''
    return f"{os.cpu_count()} CPU cores ({cpu}), shared with other jobs; load average {load}{dev}"


def measure_step(arch:str, bs:int, side:int=28, in_chans:int=1, n_classes:int=10, device='cpu', steps:int=8)->float:
    "Seconds of one training step (forward, backward, Adam) of `arch` on random batches, measured now."
    import torch
    from gini_loss.models import create_model
    model = create_model(arch, n_classes, in_chans=in_chans, img_size=side).to(device)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x, y = torch.randn(bs, in_chans, side, side, device=device), torch.randint(0, n_classes, (bs,), device=device)
    for i in range(steps + 2):
        if i == 2: start = time.perf_counter()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad(); loss.backward(); opt.step()
    if device != 'cpu': torch.cuda.synchronize()
    return (time.perf_counter() - start) / steps


def _call(kwargs:dict, threads):
    import torch
    if threads: torch.set_num_threads(threads)
    from gini_loss.experiments import run_experiment
    return run_experiment(**kwargs)


def _wrote_run(out, since:float)->bool:
    "Whether a run file in `out` was written after `since`: a run trained, not read back."
    return any(f.stat().st_mtime >= since for f in Path(out).glob('*.json'))


def run_calls(calls:list, jobs:int=1, threads=None, deadline:float=None, log=print, names:list=None)->bool:
    "Run `run_experiment(**kw)` for each `kw` (finished runs are skipped); stop starting calls after `deadline`. All done?"
    if jobs <= 1:
        for i, kw in enumerate(calls):
            if deadline is not None and time.time() > deadline:
                log(f"{now()}: budget reached: {len(calls) - i} calls not started; run the same command again to go on")
                return False
            start = time.time()
            _call({**kw, 'progress': False}, threads)
            if names and _wrote_run(kw['out'], start): log(f"{now()}: {names[i]}: {time.time() - start:.0f} s")
        return True
    with ProcessPoolExecutor(jobs, mp_context=get_context('spawn')) as ex:
        for f in [ex.submit(_call, {**kw, 'progress': False}, threads) for kw in calls]: f.result()
    return True


_FLAGS = ('dataset', 'arch', 'epochs', 'bs', 'lr', 'wd', 'gini_weight', 'kl_weight', 'ls_eps', 'center_weight', 'prior',
          'warmup', 'images_per_class', 'imbalance', 'label_noise', 'valid_pct', 'subset', 'img_size', 'path', 'device')


def train_command(kw:dict)->str:
    "The `gini_loss_train` command of the runs of `run_experiment(**kw)`: same identity, so it finds them done."
    flags = dict(variants=','.join(kw['variants']), seeds=','.join(map(str, kw['seeds'])))
    flags.update((k, kw[k]) for k in _FLAGS if kw.get(k) is not None)
    switches = [k for k in ('bf16', 'channels_last', 'features') if kw.get(k)]
    switches += ['eval_last_only'] * (kw.get('eval_every_epoch') is False) + ['no_diagnostics']
    return ' '.join(['gini_loss_train', *(f'--{k} {shlex.quote(str(v))}' for k, v in flags.items()),
                     *(f'--{k}' for k in switches), '--out', shlex.quote(str(kw['out']))])


def train_commands(calls:list)->list:
    "`train_command` of `calls`, one per setting: calls that differ only in their seeds become one command."
    merged = {}
    for kw in calls:
        key = json.dumps({k: v for k, v in kw.items() if k != 'seeds'}, sort_keys=True, default=str)
        merged.setdefault(key, {**kw, 'seeds': ()})['seeds'] += tuple(kw['seeds'])
    return [train_command(kw) for kw in merged.values()]


def time_line(call_s:float, n_trained:int, summed_s:float)->str:
    "A page's sentence on time: this call's measured wall time, and the training time of all its runs, summed from their files."
    span = lambda s: f'{s/60:.1f} min' if s >= 60 else f'{s:.0f} s'
    this = (f"Measured wall time of this call: {span(call_s)}, in which it trained {n_trained} run{'s' * (n_trained != 1)}"
            if n_trained else "This call trained nothing: every run was already on disk")
    return (f"{this}. The runs on this page took {span(summed_s)} of training in all (the sum of their files' "
            "`wall_time_s`, each measured when the run was trained).")


def n_runs(folder:Path)->int:
    "How many run files `folder` and its subfolders hold."
    return sum(1 for f in Path(folder).rglob('*.json'))


def finished(folder:Path)->list:
    "The run records in `folder` (files that are not runs are left out, as results.md does)."
    import warnings
    from gini_loss.experiments import finished_runs
    folder = Path(folder)
    if not folder.is_dir(): return []
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return finished_runs(folder)


def verdict(row, key='delta')->str:
    "Whether a row's paired interval (and its McNemar test) excludes 'no difference', in words."
    import math
    lo, hi = row.get(f'{key}_lo', math.nan), row.get(f'{key}_hi', math.nan)
    if math.isnan(lo): return 'too few seeds'
    ci = 'better than CE' if lo > 0 else 'worse than CE' if hi < 0 else 'not significant'
    ci = 'seed interval: ' + ci
    p = row.get('mcnemar_p', math.nan)
    if not math.isnan(p):
        side = 'variant' if row.get('only_variant', 0) > row.get('only_ce', 0) else 'CE'
        ci += (f"; pooled McNemar: p = {p:.2g}, more images right with {side}" if p < .05 else
               f"; pooled McNemar: not significant (p = {p:.2g})")
    return ci


def delta_figure(rows:list, fname:Path, title:str, ylabel:str='Δ accuracy vs CE (pp), 95% CI'):
    "Points with error bars: `rows` of (label, mean, lo, hi) in fractions, shown in percentage points."
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(max(5, .55 * len(rows) + 2), 3.6))
    for i, (label, m, lo, hi) in enumerate(rows):
        ax.errorbar(i, 100 * m, yerr=[[100 * (m - lo)], [100 * (hi - m)]] if lo == lo else None, fmt='o', capsize=4,
                    color='tab:green' if lo > 0 else 'tab:red' if hi < 0 else 'tab:blue')
    ax.axhline(0, color='grey', lw=.8)
    ax.set_xticks(range(len(rows)), [r[0] for r in rows], rotation=35, ha='right', fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8); ax.set_title(title, fontsize=9)
    fig.tight_layout(); fig.savefig(fname, dpi=110); plt.close(fig)


def now()->str: return f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"


def log(*args): print(*args, flush=True) # progress lines reach a redirected log as they happen
