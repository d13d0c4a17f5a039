"""What benchmarks/fashion_mnist.py, regimes.py and ls_study.py share: the machine, a speed measurement, the run-until-budget
loop over `run_experiment` calls (resumable: one file per run; it counts only what it trained), reading the runs back
with their dates and version, p-values and Holm's adjustment, significance in words, a Δ figure.
"""
import json, math, os, platform, shlex, time
from collections import Counter
from contextlib import nullcontext
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path

from gini_loss.stats import format_p


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


def _train(kw:dict, threads, deadline)->tuple:
    """In a worker: train the runs of `run_experiment(**kw)` missing from its folder. (runs trained, seconds), (0, 0) when
    none was missing, None when `deadline` had passed (nothing checked or started)."""
    if deadline is not None and time.time() > deadline: return None
    import torch
    if threads: torch.set_num_threads(threads)
    from gini_loss.experiments import run_experiment
    missing = int((~run_experiment(**kw, dry_run=True).done).sum()) # run identities, as the real call sees them
    if not missing: return 0, 0.
    start = time.time()
    run_experiment(**kw)
    return missing, time.time() - start


def run_calls(calls:list, jobs:int=1, threads=None, deadline:float=None, log=print, names:list=None, trained:list=None)->bool:
    """Train what `run_experiment(**kw)` misses of each `kw` of `calls` (`jobs` at once), starting nothing after `deadline`.
    Each call that trained is logged with its own time and its name appended to `trained`: runs another process writes
    meanwhile are neither. All calls done?"""
    names = names or [f'call {i + 1}' for i in range(len(calls))]
    args = ([{**kw, 'progress': False} for kw in calls], [threads] * len(calls), [deadline] * len(calls))
    late = 0
    with ProcessPoolExecutor(jobs, mp_context=get_context('spawn')) if jobs > 1 else nullcontext() as pool:
        for name, res in zip(names, (pool.map if pool else map)(_train, *args)): # in order, each as it ends
            if res is None: late += 1
            elif res[0]:
                log(f"{now()}: {name}: {res[1]:.0f} s")
                if trained is not None: trained.append(name)
    if late: log(f"{now()}: budget reached: {late} calls not started; run the same command again to go on")
    return not late


_FLAGS = ('dataset', 'arch', 'epochs', 'bs', 'lr', 'wd', 'gini_weight', 'kl_weight', 'ls_eps', 'center_weight', 'prior',
          'warmup', 'images_per_class', 'imbalance', 'label_noise', 'valid_pct', 'subset', 'img_size', 'path', 'device')


def train_command(kw:dict)->str:
    "The `gini_loss_train` command of the runs of `run_experiment(**kw)`: same identity, so it finds them done."
    flags = dict(variants=','.join(kw['variants']), seeds=','.join(map(str, kw['seeds'])))
    flags.update((k, kw[k]) for k in _FLAGS if kw.get(k) is not None)
    switches = [k for k in ('bf16', 'channels_last', 'features') if kw.get(k)]
    switches += ['no_eval_every_epoch'] * (kw.get('eval_every_epoch') is False)
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
            if n_trained else "This call trained nothing: it read every run on this page back from its file")
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


def interval(row, key='delta')->str:
    "A row's paired difference to CE in percentage points with its 95% interval: '+0.35 [+0.01, +0.69]' (one rounding per value)."
    lo, hi = row.get(f'{key}_lo', math.nan), row.get(f'{key}_hi', math.nan)
    return f"{100*row[f'{key}_mean']:+.2f}" + ('' if math.isnan(lo) else f" [{100*lo:+.2f}, {100*hi:+.2f}]")


def p_text(p:float, name:str='p')->str:
    "A p-value as the pages write it (`gini_loss.stats.format_p`), after its name: 'p = 0.012', 'p < 1e-300'; `name=''`: the value alone."
    value = format_p(p)
    return value if not name else f'{name} {value}' if value.startswith('<') else f'{name} = {value}'


def chance_line(n_tests:int, alpha:float=.05)->str:
    "What a page's number of comparisons means by chance alone, and what Holm's adjustment does about it."
    return (f"This page makes {n_tests} comparisons to CE, each a test at the {alpha:.0%} level: were every variant no different "
            f"from CE, about {n_tests} x {alpha} = {n_tests * alpha:.1f} of them would still come out 'significant' by chance. "
            f"Holm's step-down adjustment of the {n_tests} seed-test p-values keeps the chance of any false 'significant' at "
            f"{alpha:.0%}; only what stays below {alpha} after it is a finding of this page.")


def verdict(row, key='delta', adjusted:float=None)->str:
    "Whether a row's paired seed interval excludes 'no difference' (with `adjusted`: also after Holm's adjustment), and its pooled McNemar test, in words."
    lo, hi = row.get(f'{key}_lo', math.nan), row.get(f'{key}_hi', math.nan)
    if math.isnan(lo): return 'too few seeds'
    side = 'better than CE' if lo > 0 else 'worse than CE' if hi < 0 else ''
    words = 'seed interval: ' + (side or 'no detectable difference')
    if side and adjusted is not None: words += f", {'also' if adjusted < .05 else 'but not'} after Holm's adjustment"
    p = row.get('mcnemar_p', math.nan)
    if not math.isnan(p):
        counts = f"right only with the variant / only with CE: {int(row['only_variant'])} / {int(row['only_ce'])}"
        more = 'the variant' if row['only_variant'] > row['only_ce'] else 'CE'
        words += (f"; pooled McNemar: {p_text(p)}, more images right with {more} ({counts})" if p < .05 else
                  f"; pooled McNemar: not significant ({p_text(p)}; {counts})")
    return words


def run_dates(records:list)->str:
    "The days runs finished on, from their files' `finished` times: '2026-11-29 (8 runs), 2026-12-04 (4 runs)'."
    days = Counter(str(r.get('finished', 'unknown day'))[:10] for r in records)
    return ', '.join(f"{d} ({n} run{'s' * (n != 1)})" for d, n in sorted(days.items())) or 'none yet'


def version_note(records:list)->str:
    "Which gini_loss made the runs; when not the installed one, that the commands would train them anew (the version is in a run's identity)."
    from gini_loss import __version__
    made = sorted({str(r['config'].get('version')) for r in records})
    if not made: return ''
    note = f"Made with gini_loss {', '.join(made)}."
    if made != [__version__]:
        note += (f" The installed version is {__version__}; a run's identity includes the version, so with it the commands "
                 "on this page would train these runs anew instead of reading them back.")
    return note


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
