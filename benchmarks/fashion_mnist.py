"""Fashion-MNIST benchmark: CE, CE+Gini, CE+Gini+KL, CE+LS and CE+center, one model, several seeds.

1. Tuning. `ce+gini+kl` with each (gini_weight, kl_weight) of `--grid`, and `ce` for reference, `--tune-seeds` seeds,
   trained on the training subset minus a validation split carved from it (`--valid-pct` of each class) and evaluated
   on that validation split: the test set is never looked at. The setting with the best mean validation top-1 wins
   (ties: the first in the grid). 'ce+gini' then uses the chosen gini_weight.
2. Test. Every variant of `--variants` over `--seeds` seeds, trained on the training subset, evaluated on the official
   test set (the same `--subset` fraction of each class), with the chosen weights.

Every run is one JSON file (written atomically): the script can be stopped and started again with the same arguments
and loses nothing. `--jobs N` trains N runs at once in separate processes (for a GPU).
Writes into --out: tuning/ and test/ (run files, results.md, runs.csv), test/diagnostics.{md,png} (seed 0 runs),
and fashion_mnist.md: the command, date, machine, tuning table, chosen weights and test table.

    python3 benchmarks/fashion_mnist.py                                   # CPU: the committed benchmarks/results/fashion_mnist
    bash benchmarks/fashion_mnist_gpu.sh data/fashion-mnist              # one GPU, full scale: ResNet-18, all images, 30 epochs
"""
import argparse, json, os, platform, shlex, subprocess, sys, time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path

VARIANTS = 'ce,ce+gini,ce+gini+kl,ce+ls,ce+center'

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('--data', default=None, help='Folder holding the four Fashion-MNIST IDX files (default: the Debian package folder, then ~/.gini_loss/data)')
    p.add_argument('--out', default='benchmarks/results/fashion_mnist', help='Output folder')
    p.add_argument('--arch', default='test_efficientnet', help='gini_loss.models.create_model name')
    p.add_argument('--subset', type=float, default=.1, help='Fraction of each class kept, in the training and in the test set (1: all)')
    p.add_argument('--epochs', type=int, default=4, help='Epochs of fit_one_cycle, test runs')
    p.add_argument('--bs', type=int, default=128, help='Batch size')
    p.add_argument('--lr', type=float, default=1e-2, help='Peak learning rate')
    p.add_argument('--seeds', type=int, default=5, help='Test runs: seeds 0..N-1')
    p.add_argument('--variants', default=VARIANTS, help='Comma-separated variants of the test comparison')
    p.add_argument('--grid', default='0.1:0.04,0.5:0.2,1.0:0.4', help='Tuning grid: comma-separated gini_weight:kl_weight')
    p.add_argument('--tune-seeds', type=int, default=1, help='Tuning runs: seeds 100..100+N-1 (not the test seeds)')
    p.add_argument('--tune-epochs', type=int, default=None, help='Epochs of the tuning runs (default: --epochs)')
    p.add_argument('--valid-pct', type=float, default=.2, help='Validation split carved from each training class for tuning')
    p.add_argument('--center-weight', type=float, default=.003, help="Center loss weight (Wen et al.'s default, not tuned)")
    p.add_argument('--device', default=None, help='cpu or cuda (default: the GPU if there is one)')
    p.add_argument('--bf16', action='store_true', help='bfloat16 mixed precision')
    p.add_argument('--channels-last', action='store_true', help='Channels-last memory format')
    p.add_argument('--jobs', type=int, default=1, help='Runs trained at once, in separate processes')
    p.add_argument('--threads', type=int, default=None, help='torch CPU threads per process')
    p.add_argument('--machine-note', default='', help='Said of the machine in the report, e.g. that it was shared')
    return p.parse_args(argv)

def common(a)->dict:
    "Arguments of run_experiment shared by tuning and test."
    return dict(dataset='fashion_mnist', arch=a.arch, bs=a.bs, lr=a.lr, path=a.data, subset=None if a.subset >= 1 else a.subset,
                device=a.device, bf16=a.bf16, channels_last=a.channels_last, center_weight=a.center_weight)

def _worker(kwargs:dict, threads):
    import torch
    if threads: torch.set_num_threads(threads)
    from gini_loss.experiments import run_experiment
    run_experiment(**kwargs)

def run_all(calls:list, jobs:int, threads):
    "Run `run_experiment(**kw)` for each kw of `calls`, `jobs` at a time in separate processes (in this one if jobs == 1)."
    if jobs <= 1:
        for kw in calls: _worker(kw, threads)
        return
    with ProcessPoolExecutor(jobs, mp_context=get_context('spawn')) as ex:
        for f in [ex.submit(_worker, {**kw, 'progress': False}, threads) for kw in calls]: f.result()

def runs_csv(folder:Path, tab_records:list):
    lines = ['variant,seed,gini_weight,kl_weight,top1,valid_loss,wall_time_s,file']
    for f, r in tab_records:
        c = r['config']
        lines.append(f"{c['variant']},{r['seed']},{c.get('gini_weight', '')},{c.get('kl_weight', '')},{r['final']['accuracy']:.4f},{r['final']['valid_loss']:.4f},{r['wall_time_s']:.1f},{f.name}")
    (folder/'runs.csv').write_text('\n'.join(lines) + '\n')

def load_records(folder:Path)->list: return sorted(((f, json.loads(f.read_text())) for f in folder.glob('*.json')), key=lambda t: (t[1]['config']['variant'], t[1]['seed']))

def main(argv=None):
    a = parse_args(argv)
    if a.threads:
        import torch; torch.set_num_threads(a.threads)
    from gini_loss.experiments import run_experiment, results_markdown
    out, started = Path(a.out), datetime.now(timezone.utc)
    command = 'python3 benchmarks/fashion_mnist.py ' + ' '.join(map(shlex.quote, sys.argv[1:] if argv is None else argv))
    grid = [tuple(float(x) for x in g.split(':')) for g in a.grid.split(',')]
    tune_seeds = tuple(range(100, 100 + a.tune_seeds))
    base = common(a)
    tune = dict(base, epochs=a.tune_epochs or a.epochs, valid_pct=a.valid_pct, out=out/'tuning', diagnostics=False)

    # 1. Tuning on a validation split of the training set
    t0 = time.time()
    calls = [dict(tune, variants=('ce',), seeds=(s,)) for s in tune_seeds]
    calls += [dict(tune, variants=('ce+gini+kl',), seeds=(s,), gini_weight=g, kl_weight=k) for g, k in grid for s in tune_seeds]
    run_all(calls, a.jobs, a.threads)
    scores = []
    for g, k in grid:
        tab = run_experiment(**dict(tune, variants=('ce', 'ce+gini+kl'), seeds=tune_seeds, gini_weight=g, kl_weight=k, progress=False,
                                    note=f'Tuning point gini_weight={g}, kl_weight={k}. Command: `{command}`'))
        scores.append((g, k, tab.loc['ce+gini+kl', 'top1_mean'], tab.loc['ce', 'top1_mean']))
    best = max(scores, key=lambda s: s[2])  # max keeps the first of equal scores
    tuning_time = time.time() - t0
    tuning_md = ['| gini_weight | kl_weight | validation top-1 % of ce+gini+kl (mean) | same seeds, ce |', '|---|---|---|---|']
    tuning_md += [f"| {g} | {k} | {100*s:.2f}{' ← chosen' if (g, k) == best[:2] else ''} | {100*c:.2f} |" for g, k, s, c in scores]
    runs_csv(out/'tuning', load_records(out/'tuning'))

    # 2. Test comparison with the chosen weights
    t1 = time.time()
    variants, seeds = tuple(a.variants.split(',')), tuple(range(a.seeds))
    test = dict(base, epochs=a.epochs, out=out/'test', gini_weight=best[0], kl_weight=best[1], variants=variants)
    run_all([dict(test, variants=(v,), seeds=(s,), save_weights=s == seeds[0]) for s in seeds for v in variants], a.jobs, a.threads)
    tab = run_experiment(**dict(test, seeds=seeds, diagnostics=True, progress=a.jobs <= 1, note=f'Command: `{command}`'))
    test_time = time.time() - t1
    runs_csv(out/'test', load_records(out/'test'))

    first = load_records(out/'test')[0][1]
    load = os.getloadavg()
    cpu = f"{os.cpu_count()} CPU cores" + (f", {subprocess.run(['nvidia-smi', '--query-gpu=name', '--format=csv,noheader'], capture_output=True, text=True).stdout.strip()}" if (a.device or '').startswith('cuda') else '')
    diag = (out/'test'/'diagnostics.md').read_text().split('\n', 2)[2] if (out/'test'/'diagnostics.md').is_file() else ''
    page = f"""# Fashion-MNIST: {', '.join(variants)}

Date: {started:%Y-%m-%d %H:%M} UTC (finished {datetime.now(timezone.utc):%H:%M} UTC). Machine: {platform.node()}, {cpu}; load average at the end {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}. {a.machine_note}

Command (from the repository root):

```sh
{command}
```

Model `create_model('{a.arch}', 10, in_chans=1, img_size=28)`; {'all' if a.subset >= 1 else f'{a.subset:.0%} of each class'} of the Fashion-MNIST training set and of its test set ({{n_train}} training and {{n_test}} test images), `fit_one_cycle` with batch size {a.bs}, peak lr {a.lr}, fastai's default weight decay; random crops (pad 4) and flips.
Label smoothing ε = 0.1; center loss λ = {a.center_weight}, α = 0.5 (Wen et al.'s defaults, not tuned).

## 1. Tuning (validation split carved from the training set; the test set is not used)

{a.valid_pct:.0%} of each training class held out; {tune['epochs']} epochs; seeds {', '.join(map(str, tune_seeds))}. Took {tuning_time/60:.1f} min. Runs in `tuning/`.

{chr(10).join(tuning_md)}

Chosen: gini_weight = {best[0]}, kl_weight = {best[1]}.

## 2. Test comparison (the official test set{'' if a.subset >= 1 else f', {a.subset:.0%} of each class'})

{a.epochs} epochs; seeds {', '.join(map(str, seeds))}; gini_weight = {best[0]}, kl_weight = {best[1]}. Took {test_time/60:.1f} min. Runs in `test/` (`runs.csv` lists them).

{results_markdown(tab)}

Δ: paired per-seed difference to CE (same split, initial weights and data order), mean and 95% Student-t interval over the seeds.
Wall time: training time of one run{' (runs trained ' + str(a.jobs) + ' at a time)' if a.jobs > 1 else ''}.

## Diagnostics of the seed-0 runs (test set)

{diag}
![diagnostics](test/diagnostics.png)
"""
    page = page.replace('{n_train}', str(first['n_train'])).replace('{n_test}', str(first['n_eval']))
    (out/'fashion_mnist.md').write_text(page)
    print(page)

if __name__ == '__main__': main()
