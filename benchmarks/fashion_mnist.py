"""Fashion-MNIST, powered: CE against CE+Gini+KL (paper's weights; tuned weights), CE+label smoothing, CE+center loss.

Design (project issue 13). One model and budget that reach at least 91% test accuracy with cross-entropy alone on this
CPU machine: timm's `test_resnet` (0.37M parameters) at 28 px, all 60,000 training images, 10 epochs of fit_one_cycle
(Adam, batch 128, peak lr 0.01), evaluated on the full official test set (10,000 images). timm's resnet18 at 28 px was
measured first: about 940 s per epoch over 20,000 images on the two shared cores, 2.6 h per run: it does not fit.

1. Tuning on a validation split carved from the training set (10% of each class, 6,000 images; seed 100 only; the test
   set is never looked at): CE+Gini+KL over gini_weight in {0.1, 0.5, 1} x kl_weight in {0.1, 0.5}; label smoothing
   eps in {0.05, 0.1, 0.2}; center loss weight in {1e-3, 1e-2}. The best mean validation accuracy of each family wins
   (the first of equal ones).
2. Final paired runs on the test set: seed s fixes the data order, augmentation and initial weights of every variant.
   CE and tuned CE+Gini+KL: seeds 0-7; CE+Gini+KL with the paper's weights (0.5, 0.5), KL prior 'batch' and warm-up
   (9 of 250 epochs, i.e. the first 3.6% of training), CE+LS and CE+center (tuned): seeds 0-4. Runs are ordered seed
   by seed, so that an interrupted sweep leaves complete pairs.
3. Statistics: per variant mean ± sd over seeds; the paired difference to CE, its mean and 95% Student-t interval over
   seeds, its paired t-test and that test's p-value adjusted by Holm's method over the page's comparisons; McNemar's exact
   test on the predictions pooled over images and seeds; the test features' Gini impurity, kNN and linear-probe accuracy
   (gini_loss.diagnostics).

Every run is a JSON file written atomically into --out (tuning/ and test/): started again with the same arguments, the
script trains only what is missing. --budget-minutes stops starting new runs when the budget is spent (the page then says
which runs are missing); --page-only rewrites the page from the run files, training nothing. --smoke checks the pipeline
end to end in seconds, into a new temporary folder unless --out is given: 2% of each class of both sets (30 training
images per class, 200 test images), 1 epoch, batch 32, one grid point per family, seeds 0-1 of CE and tuned CE+Gini+KL,
seed 0 of the others.

    nohup nice -n 19 python benchmarks/fashion_mnist.py > benchmarks/results/fashion_mnist/run.log 2>&1 &
    python benchmarks/fashion_mnist.py --smoke
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE') # threads that sleep, not spin, when the cores are shared
import argparse, json, math, shlex, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from gini_loss.stats import holm_adjust
from paired_design import (machine, measure_step, run_calls, finished, verdict, delta_figure, now, log, train_commands,
                           time_line, interval, p_text, chance_line, run_dates, version_note)

PAPER = dict(gini_weight=.5, kl_weight=.5, prior='batch', warmup=9 / 250)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('--data', default=None, help='Folder of the four Fashion-MNIST IDX files (default: the Debian package)')
    p.add_argument('--out', default=None, help='Output folder (default: benchmarks/results/fashion_mnist; smoke: a new temporary folder)')
    p.add_argument('--arch', default='test_resnet', help='gini_loss.models.create_model name')
    p.add_argument('--subset', type=float, default=1., help='Fraction of each training class used (1: all 60,000); the test set is always whole')
    p.add_argument('--epochs', type=int, default=10, help='Epochs of fit_one_cycle')
    p.add_argument('--bs', type=int, default=128)
    p.add_argument('--lr', type=float, default=1e-2, help='Peak learning rate')
    p.add_argument('--seeds', type=int, default=8, help='Seeds 0..N-1 of CE and tuned CE+Gini+KL')
    p.add_argument('--other-seeds', type=int, default=5, help='Seeds 0..N-1 of the other variants')
    p.add_argument('--grid', default='0.1:0.1,0.1:0.5,0.5:0.1,0.5:0.5,1.0:0.1,1.0:0.5', help='CE+Gini+KL tuning grid, gini_weight:kl_weight')
    p.add_argument('--ls-grid', default='0.05,0.1,0.2', help='Label smoothing tuning grid')
    p.add_argument('--center-grid', default='0.001,0.01', help='Center loss weight tuning grid')
    p.add_argument('--tune-seeds', type=int, default=1, help='Tuning seeds 100..100+N-1')
    p.add_argument('--tune-epochs', type=int, default=None, help='Epochs of the tuning runs (default: --epochs)')
    p.add_argument('--valid-pct', type=float, default=.1, help='Validation split carved from each training class for tuning')
    p.add_argument('--budget-minutes', type=float, default=150, help='Start no new run after this many minutes')
    p.add_argument('--smoke', action='store_true', help='A tiny end-to-end check, in seconds (see above)')
    p.add_argument('--page-only', action='store_true', help='Rewrite the page from the run files in --out; measure and train nothing')
    p.add_argument('--device', default='cpu')
    p.add_argument('--bf16', action='store_true'); p.add_argument('--channels-last', action='store_true')
    p.add_argument('--jobs', type=int, default=1, help='Runs trained at once, in separate processes (GPU)')
    p.add_argument('--threads', type=int, default=1, help='torch CPU threads per process (1: on shared cores 2 threads measured slower, up to 30x when the other core is busy)')
    p.add_argument('--machine-note', default='', help='Said of the machine on the page')
    a = p.parse_args(argv)
    if a.smoke:
        a.epochs, a.tune_epochs, a.seeds, a.other_seeds, a.grid, a.ls_grid, a.center_grid = 1, 1, 2, 1, '0.5:0.1', '0.1', '0.01'
        a.out = a.out or tempfile.mkdtemp(prefix='fashion_mnist_smoke_')
    a.out = Path(a.out or 'benchmarks/results/fashion_mnist')
    return a


def plan(a)->dict:
    "The calls of each stage: (label, run_experiment kwargs)."
    train_n = round(6000 * a.subset) if not a.smoke else 30
    base = dict(dataset='fashion_mnist', arch=a.arch, bs=a.bs if not a.smoke else 32, lr=a.lr, path=a.data,
                device=a.device, bf16=a.bf16, channels_last=a.channels_last, eval_every_epoch=False,
                images_per_class=None if train_n >= 6000 else train_n, subset=.02 if a.smoke else None)
    tune = dict(base, epochs=a.tune_epochs or a.epochs, valid_pct=a.valid_pct, out=a.out/'tuning')
    if base['images_per_class'] is not None: tune['images_per_class'] = min(train_n, round(6000 * (1 - a.valid_pct)))
    grid = [tuple(map(float, g.split(':'))) for g in a.grid.split(',')]
    tseeds = tuple(range(100, 100 + a.tune_seeds))
    tuning = [('ce', dict(tune, variants=('ce',), seeds=tseeds))]
    tuning += [(f'ce+gini+kl {g}/{k}', dict(tune, variants=('ce+gini+kl',), seeds=tseeds, gini_weight=g, kl_weight=k)) for g, k in grid]
    tuning += [(f'ce+ls {e}', dict(tune, variants=('ce+ls',), seeds=tseeds, ls_eps=float(e))) for e in a.ls_grid.split(',')]
    tuning += [(f'ce+center {w}', dict(tune, variants=('ce+center',), seeds=tseeds, center_weight=float(w))) for w in a.center_grid.split(',')]
    return dict(base=base, tuning=tuning, grid=grid, train_n=train_n)


def tuned(a, p)->dict:
    "The best tuning setting of each family (mean validation accuracy over the tuning seeds), and the tuning table."
    recs = finished(a.out/'tuning')
    def score(variant, **hp):
        accs = [r['final']['accuracy'] for r in recs if r['config']['variant'] == variant
                and all(math.isclose(r['config'].get(k, math.nan), v) for k, v in hp.items())]
        return (sum(accs) / len(accs), len(accs)) if accs else (math.nan, 0)
    rows, best = [], {}
    for fam, settings in (('ce', [{}]), ('ce+gini+kl', [dict(gini_weight=g, kl_weight=k) for g, k in p['grid']]),
                          ('ce+ls', [dict(ls_eps=float(e)) for e in a.ls_grid.split(',')]),
                          ('ce+center', [dict(center_weight=float(w)) for w in a.center_grid.split(',')])):
        for hp in settings:
            s, n = score(fam, **hp)
            rows.append((fam, hp, s, n))
            if n and (fam not in best or s > best[fam][1]): best[fam] = (hp, s)
    return dict(best={f: hp for f, (hp, s) in best.items()}, rows=rows)


def final_calls(a, p, best)->list:
    "The paired test runs, seed by seed: (seed, label, kwargs)."
    test = dict(p['base'], epochs=a.epochs, out=a.out/'test', features=True)
    settings = [('ce', dict(variants=('ce',)), a.seeds),
                ('ce+gini+kl (tuned)', dict(variants=('ce+gini+kl',), **best.get('ce+gini+kl', {})), a.seeds),
                ('ce+gini+kl (paper)', dict(variants=('ce+gini+kl',), **PAPER), a.other_seeds),
                ('ce+ls (tuned)', dict(variants=('ce+ls',), **best.get('ce+ls', {})), a.other_seeds),
                ('ce+center (tuned)', dict(variants=('ce+center',), **best.get('ce+center', {})), a.other_seeds)]
    return [(s, label, dict(test, seeds=(s,), **kw)) for s in range(max(a.seeds, a.other_seeds))
            for label, kw, n in settings if s < n]


def label_of(r, best)->str:
    c = r['config']
    if c['variant'] == 'ce+gini+kl': return 'ce+gini+kl (paper)' if c.get('prior') == 'batch' else 'ce+gini+kl (tuned)'
    return c['variant'] + (' (tuned)' if c['variant'] != 'ce' else '')


def write_page(a, p, tun, runs, times, command):
    "README.md of --out: the plan, tuning, test table with significance, features, figure."
    from gini_loss.experiments import summarize, results_markdown
    best = tun['best']
    tab = summarize(runs) # one row per setting; the two ce+gini+kl settings are renamed 'tuned' and 'paper'
    paper_only = all(r['config'].get('prior') == 'batch' for r in runs if r['config']['variant'] == 'ce+gini+kl')
    def rename(l):
        if l == 'ce': return l
        if l.startswith('ce+gini+kl'): return 'ce+gini+kl (paper)' if 'prior=batch' in l or (l == 'ce+gini+kl' and paper_only) else 'ce+gini+kl (tuned)'
        return l.split(' ')[0] + ' (tuned)'
    tab = tab.rename(index=rename)
    order = [l for l in ('ce', 'ce+gini+kl (tuned)', 'ce+gini+kl (paper)', 'ce+ls (tuned)', 'ce+center (tuned)') if l in tab.index]
    tab = tab.loc[order]
    first = runs[0] if runs else None
    tune_runs = finished(a.out/'tuning')
    tune_s, test_s = (sum(r['wall_time_s'] for r in rs) for rs in (tune_runs, runs))
    done = {(label_of(r, best), r['seed']) for r in runs}
    missing = [f'{l} seed {s}' for s, l, kw in final_calls(a, p, best) if (l, s) not in done]
    missing += [f'tuning {fam} {hp or ""}'.rstrip() for fam, hp, _, n in tun['rows'] if n < a.tune_seeds]
    lines = [f"# Fashion-MNIST, powered: CE vs CE+Gini+KL, CE+label smoothing, CE+center loss", '',
             f"Generated {now()}. " + (f"**Incomplete: {len(missing)} planned runs are not in this folder (listed at the end); "
                                       "run the command again to train them.** " if missing else '')
             + f"Machine{'' if times['trained'] else ' of this call, which trained nothing'}: {machine(a.device)}. {a.machine_note}", '',
             f"Tuning runs finished on {run_dates(tune_runs)}; test runs on {run_dates(runs)}, by the `finished` time in "
             f"each run file. {version_note(tune_runs + runs)}", '',
             "Command of this call (from the repository root; without `--page-only` it resumes, training only the runs not "
             "in this folder; with it, it rewrites this page from the run files and trains nothing):", '',
             '```sh', command, '```', '',
             time_line(times['all'], times['trained'], tune_s + test_s)
             + f" Tuning runs: {tune_s/60:.1f} min; test runs: {test_s/60:.1f} min.", '',
             f"Setup: `create_model('{a.arch}', 10, in_chans=1, img_size=28)`; "
             f"{'all 60,000' if p['base']['images_per_class'] is None else str(p['train_n'] * 10)} training images, "
             f"{a.epochs} epoch{'s' if a.epochs > 1 else ''} of `fit_one_cycle` (Adam, batch {p['base']['bs']}, peak lr {a.lr}, fastai's weight decay), random crops (pad 4) and flips; "
             f"evaluated once, after the last epoch, on {'the full official test set' if p['base']['subset'] is None else 'part of the official test set'} ({first['n_eval'] if first else '?'} images). "
             "Seed s fixes the data order, augmentation and initial weights of every variant (paired design).", '',
             "## 1. Tuning on a validation split of the training set", '',
             f"{a.valid_pct:.0%} of each training class held out and used for validation; seeds {100}..{99 + a.tune_seeds}; the test set is not used. "
             "Best mean validation accuracy of each family chosen.", '',
             '| family | setting | validation top-1 % | runs |', '|---|---|---|---|']
    for fam, hp, s, n in tun['rows']:
        chosen = hp == best.get(fam) and fam != 'ce'
        lines.append(f"| {fam} | {', '.join(f'{k}={v}' for k, v in hp.items()) or '—'} | "
                     f"{'' if math.isnan(s) else f'{100*s:.2f}'}{' ← chosen' if chosen else ''} | {n} |")
    lines += ['', f"Paper's setting (not tuned): gini_weight 0.5, kl_weight 0.5, KL prior 'batch', terms off for the first 9/250 of training.", '',
              "## 2. Test: paired comparison to CE", '']
    rows = [(v, r, r['delta_p']) for v, r in tab.iterrows() if v != 'ce' and not math.isnan(r.get('delta_mean', math.nan))]
    rows = [row + (adj,) for row, adj in zip(rows, holm_adjust([pv for _, _, pv in rows]))]
    if len(tab):
        lines += [results_markdown(tab.drop(columns='mcnemar_p', errors='ignore')), '',
                  "Δ: per-seed paired difference to CE, mean and 95% Student-t interval over the seeds. McNemar (in the "
                  "verdicts below): exact test on the test predictions pooled over images and paired seeds (counts: test images × seeds right only with the variant / only with CE). "
                  "Test-feature Gini: mean Gini impurity 1 - Σ_c p_jc² of the penultimate features' class shares on the test set (`gini_loss.diagnostics.feature_gini`; lower: more class-specific features, what the Gini term pushes for); "
                  "kNN: 5-nearest-neighbour (cosine) accuracy of the test features against 5,000 training features; probe: linear probe on the same.", '',
                  "### What is significant", '',
                  "The verdict rests on the seed interval, which tests the training procedure; p: its paired t-test over "
                  f"seeds; adjusted: Holm's adjustment over the {len(rows)} comparisons below. The pooled McNemar test treats every "
                  "(image, seed) pair as independent and tests these particular trained networks; it is significant far more "
                  "often, is not adjusted, and alone is no evidence that the procedure is better.", '']
        for v, r, pv, adj in rows:
            lines.append(f"- **{v}**: Δ {interval(r)} pp over {int(r.n_pairs)} paired seeds ({p_text(pv)}, adjusted "
                         f"{p_text(adj)}): {verdict(r, adjusted=adj)}.")
        survive = [f"{v} ({'better' if r.delta_mean > 0 else 'worse'} than CE, {interval(r)} pp)" for v, r, pv, adj in rows if adj < .05]
        flat = [f"{v} {interval(r)}" for v, r, pv, adj in rows if r.delta_lo <= 0 <= r.delta_hi]
        lines += ['', chance_line(len(rows)) + ' Significant after the adjustment: ' + (', '.join(survive) or 'none') + '. '
                  + (f"No detectable change (not the same as no change: an effect as large as either end of the interval "
                     f"is not excluded), Δ in pp: {'; '.join(flat)}." if flat else '')]
        if rows:
            delta_figure([(v, r.delta_mean, r.delta_lo, r.delta_hi) for v, r, _, _ in rows], a.out/'delta.png',
                         f"Fashion-MNIST, {a.arch}, {a.epochs} epoch{'s' if a.epochs > 1 else ''}: Δ test accuracy vs CE")
            lines += ['', '![Δ accuracy vs CE](delta.png)', '', "Bars: the 95% intervals, not adjusted for the number of comparisons."]
    lines += ['', "The same runs with `gini_loss_train` (same run identities: it finds the finished runs and trains only "
              "missing ones; tuning runs likewise with their own settings and `--valid_pct`):", '', '```sh',
              *train_commands([kw for _, _, kw in final_calls(a, p, best)]), '```']
    if missing: lines += ['', f"Missing runs ({len(missing)}): " + ', '.join(missing)]
    lines += ['', "Run files: `tuning/`, `test/` (one JSON per run, with the per-image test predictions); `test/results.md` "
              "is `run_experiment`'s own table of the same runs.", '']
    (a.out/'README.md').write_text('\n'.join(lines))
    return '\n'.join(lines)


def main(argv=None):
    a = parse_args(argv)
    import torch
    torch.set_num_threads(a.threads)
    command = 'python benchmarks/fashion_mnist.py ' + ' '.join(map(shlex.quote, sys.argv[1:] if argv is None else argv))
    p = plan(a)
    a.out.mkdir(parents=True, exist_ok=True)
    started, trained = time.time(), []
    deadline = started + 60 * a.budget_minutes
    if not a.page_only:
        step = measure_step(a.arch, p['base']['bs'], device=a.device)
        n_train = p['train_n'] * 10
        n_tune_train = round(n_train * (1 - a.valid_pct))
        per_run = lambda n, epochs: epochs * (n // p['base']['bs']) * step * 1.25 + 15  # loop overhead; eval, features, setup
        n_final = 2 * a.seeds + 3 * a.other_seeds
        est = len(p['tuning']) * a.tune_seeds * per_run(n_tune_train, a.tune_epochs or a.epochs) + n_final * per_run(n_train, a.epochs)
        print(f"{now()}: {machine(a.device)}\nmeasured: {step*1000:.0f} ms per training step of {a.arch}, batch {p['base']['bs']}\n"
              f"plan: tuning {len(p['tuning'])} settings x {a.tune_seeds} seed(s) on {n_tune_train} images; "
              f"test: {n_final} runs ({a.seeds} seeds of ce and tuned ce+gini+kl, {a.other_seeds} of the paper's ce+gini+kl, ce+ls, ce+center) "
              f"on {n_train} images, {a.epochs} epochs, {'full test set' if p['base']['subset'] is None else 'part of the test set'}\n"
              f"estimate (runs already on disk cost nothing): {est/60:.0f} min for everything; budget {a.budget_minutes:.0f} min", flush=True)
        # 1. tuning; 2. the final paired runs, only with a complete tuning
        ok = run_calls([kw for _, kw in p['tuning']], a.jobs, a.threads, deadline, log=log, names=[l for l, _ in p['tuning']], trained=trained)
        tun = tuned(a, p)
        print(f"{now()}: tuning {'done' if ok else 'stopped (budget)'} after {(time.time() - started)/60:.1f} min; chosen: {tun['best']}", flush=True)
        calls = final_calls(a, p, tun['best']) if ok else []
        run_calls([kw for _, _, kw in calls], 1, a.threads, deadline, log=log, names=[f'{label} seed {s}' for s, label, _ in calls], trained=trained)
    runs = sorted(finished(a.out/'test'), key=lambda r: (r['seed'], r['config']['variant']))
    page = write_page(a, p, tuned(a, p), runs, {'all': time.time() - started, 'trained': len(trained)}, command)
    print(page)
    print(f"\nmeasured wall time of this call: {(time.time() - started)/60:.1f} min; page and run files in {a.out}")


if __name__ == '__main__': main()
