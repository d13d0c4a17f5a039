"""Regime map on Fashion-MNIST: where, if anywhere, CE+Gini+KL beats CE (and how CE+label smoothing does there).

Same paired design as benchmarks/fashion_mnist.py (seed s: same training images, wrong labels, data order,
augmentation and initial weights for every variant), same model (timm's `test_resnet`, 28 px, fit_one_cycle with Adam),
the full official test set (10,000 images), evaluated once after the last epoch. Regimes, all drawn from the official
training set with the run's seed:

- few images per class: 10, 30, 100 and 300 per class;
- long-tailed: exponential profile, head class 1,000 images, imbalance ratio 10 (4,085 images) and 100 (2,480 images);
  balanced accuracy reported; CE+Gini+KL with each KL prior: 'dataset' (training label frequencies), 'uniform', 'batch';
- label noise: 300 images per class (3,000), 20% of the labels moved to another class at random (symmetric).

Variants: CE; CE+Gini+KL (gini_weight 0.5, kl_weight 0.2 by default: the package's defaults, not tuned per regime);
CE+LS (eps 0.1). Epochs and batch size per regime are in REGIMES; seeds per regime in --seeds-* (defaults sized for
90 minutes on two shared CPU cores; the plan and estimate are printed first). Every run is a JSON file in --out/<regime>/:
started again, the script trains only what is missing; runs go seed by seed across regimes, so an interrupted sweep
leaves complete pairs in every regime. Writes --out/README.md (tables, significance with Holm's adjustment over the
map's comparisons, test-feature Gini) and delta.png; --page-only rewrites them from the run files, training nothing.
--smoke checks the pipeline end to end in seconds, into a new temporary folder unless --out is given: the regimes few_10
(seeds 0-1) and lt_10 (seed 0; its head class cut to 20 images) unless --regimes names others, 1 epoch, on 2% of each
class of both sets (120 training images per class, 200 test images).

    nohup nice -n 19 python benchmarks/regimes.py > benchmarks/results/regimes/run.log 2>&1 &
    python benchmarks/regimes.py --smoke
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE') # threads that sleep, not spin, when the cores are shared
import argparse, math, shlex, sys, tempfile, time
from collections import namedtuple
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from gini_loss.regimes import regime_counts
from gini_loss.stats import holm_adjust
from paired_design import (machine, measure_step, run_calls, finished, verdict, delta_figure, now, log, train_commands,
                           time_line, interval, p_text, chance_line, run_dates, version_note)

# name: (regime options, epochs, batch size, group)
REGIMES = {
    'few_10': (dict(images_per_class=10), 60, 20, 'few'),
    'few_30': (dict(images_per_class=30), 40, 32, 'few'),
    'few_100': (dict(images_per_class=100), 30, 64, 'few'),
    'few_300': (dict(images_per_class=300), 25, 128, 'few'),
    'lt_10': (dict(images_per_class=1000, imbalance=10), 15, 64, 'lt'),
    'lt_100': (dict(images_per_class=1000, imbalance=100), 15, 64, 'lt'),
    'noise_20': (dict(images_per_class=300, label_noise=.2), 25, 128, 'noise'),
}
TITLES = {'few_10': '10 per class', 'few_30': '30 per class', 'few_100': '100 per class', 'few_300': '300 per class',
          'lt_10': 'long tail, ratio 10', 'lt_100': 'long tail, ratio 100', 'noise_20': '20% label noise, 300 per class'}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('--data', default=None, help='Folder of the Fashion-MNIST IDX files (default: the Debian package)')
    p.add_argument('--out', default=None, help='Output folder (default: benchmarks/results/regimes; smoke: a new temporary folder)')
    p.add_argument('--arch', default='test_resnet')
    p.add_argument('--lr', type=float, default=1e-2)
    p.add_argument('--gini-weight', type=float, default=.5); p.add_argument('--kl-weight', type=float, default=.2)
    p.add_argument('--ls-eps', type=float, default=.1)
    p.add_argument('--regimes', default=None, help='Comma-separated regimes among: ' + ', '.join(REGIMES) + ' (default: all; smoke: few_10,lt_10)')
    p.add_argument('--seeds-few', default='10,10,6,5', help='Seeds of few_10, few_30, few_100, few_300')
    p.add_argument('--seeds-lt', type=int, default=4, help='Seeds of each long-tailed regime')
    p.add_argument('--seeds-noise', type=int, default=5, help='Seeds of the label-noise regime')
    p.add_argument('--features', type=int, default=1, help='Record the test features\' Gini, kNN and probe accuracy (1) or not (0)')
    p.add_argument('--budget-minutes', type=float, default=90, help='Start no new run after this many minutes')
    p.add_argument('--smoke', action='store_true', help='A tiny end-to-end check, in seconds (see above)')
    p.add_argument('--page-only', action='store_true', help='Rewrite the page from the run files in --out; measure and train nothing')
    p.add_argument('--device', default='cpu')
    p.add_argument('--threads', type=int, default=1, help='torch CPU threads (1: on shared cores 2 threads measured slower)')
    p.add_argument('--machine-note', default='')
    a = p.parse_args(argv)
    a.regimes = a.regimes or ('few_10,lt_10' if a.smoke else ','.join(REGIMES))
    if a.smoke: a.seeds_few, a.seeds_lt, a.seeds_noise = '2,2,2,2', 1, 1
    a.out = Path(a.out or (tempfile.mkdtemp(prefix='regimes_smoke_') if a.smoke else 'benchmarks/results/regimes'))
    return a


def regime_plan(a)->list:
    "(regime, options, epochs, bs, group, seeds, variants) of each chosen regime."
    few = dict(zip(('few_10', 'few_30', 'few_100', 'few_300'), map(int, a.seeds_few.split(','))))
    out = []
    for name in a.regimes.split(','):
        opts, epochs, bs, group = REGIMES[name]
        seeds = few.get(name) or (a.seeds_lt if group == 'lt' else a.seeds_noise)
        variants = [('ce', {}), ('ce+gini+kl', dict(gini_weight=a.gini_weight, kl_weight=a.kl_weight)), ('ce+ls', dict(ls_eps=a.ls_eps))]
        if group == 'lt':
            variants += [(f'ce+gini+kl', dict(gini_weight=a.gini_weight, kl_weight=a.kl_weight, prior=pr)) for pr in ('uniform', 'batch')]
        if a.smoke: # 1 epoch on 2% of both sets (120 training images per class): smaller regimes
            epochs, opts = 1, dict(opts, subset=.02, images_per_class=min(opts['images_per_class'], 30 if group == 'noise' else 20))
        out.append((name, opts, epochs, bs, group, seeds, variants))
    return out


def calls_of(a, plan)->list:
    "Every run_experiment call, seed-major across regimes: (regime, seed, kwargs)."
    calls = []
    for s in range(max(r[5] for r in plan)):
        for name, opts, epochs, bs, group, seeds, variants in plan:
            if s >= seeds: continue
            for v, hp in variants:
                calls.append((name, s, dict(dataset='fashion_mnist', arch=a.arch, lr=a.lr, path=a.data, device=a.device,
                                            epochs=epochs, bs=bs, variants=(v,), seeds=(s,), out=a.out/name,
                                            eval_every_epoch=False, features=bool(a.features), **opts, **hp)))
    return calls


def label(l:str)->str:
    "Short row labels: the KL prior of ce+gini+kl, the rest by variant."
    if l.startswith('ce+gini+kl'):
        for pr in ('uniform', 'batch'):
            if f'prior={pr}' in l: return f'ce+gini+kl (prior {pr})'
        return 'ce+gini+kl' + (' (prior dataset)' if '(' in l else '')
    return l.split(' ')[0]


HARM = .005 # a harm of 0.5 pp: a setting is recommended only where its interval excludes it


def missing_runs(a, plan)->list:
    "The planned runs with no file in their regime's folder: (regime, variant, KL prior, seed)."
    out = []
    for name, opts, epochs, bs, group, seeds, variants in plan:
        have = {(r['config']['variant'], r['config'].get('prior'), r['seed']) for r in finished(a.out/name)}
        out += [(name, v, hp.get('prior'), s) for s in range(seeds) for v, hp in variants if (v, hp.get('prior'), s) not in have]
    return out


Cell = namedtuple('Cell', 'regime group variant row p adjusted') # one comparison to CE: its summary row, t-test p, Holm's p


def findings(cells:list)->list:
    "The map's verdict in sentences, from its `Cell`s."
    where = lambda c: f"{c.variant} at {TITLES[c.regime]}: {interval(c.row)} pp"
    survive = [f"{where(c)} ({'better' if c.row.delta_mean > 0 else 'worse'} than CE; adjusted {p_text(c.adjusted)})"
               for c in cells if c.adjusted < .05]
    raw_only = [f"{where(c)} ({p_text(c.p)}, adjusted {p_text(c.adjusted)})" for c in cells if c.p < .05 <= c.adjusted]
    gkl = [c for c in cells if c.variant.startswith('ce+gini+kl')]
    flat = [where(c) + (f" (pooled McNemar: {p_text(c.row.mcnemar_p)}, more images right with "
                        f"{'the variant' if c.row.only_variant > c.row.only_ce else 'CE'})" if c.row.mcnemar_p < .05 else '')
            for c in gkl if c.row.delta_lo <= 0 <= c.row.delta_hi]
    lt = [c for c in cells if c.group == 'lt']
    fits = lambda v: all(c.row.delta_hi >= 0 and c.row.delta_lo > -HARM for c in lt if c.variant == v)
    good = [v for v in dict.fromkeys(c.variant for c in lt) if fits(v)]
    lines = [chance_line(len(cells)), '',
             f"- **Significant after the adjustment** ({len(survive)} of {len(cells)}): " + ('; '.join(survive) or 'none') + '.',
             f"- **Significant before the adjustment only** ({len(raw_only)}): " + ('; '.join(raw_only) or 'none')
             + ('. Not findings: they do not survive the adjustment for the number of comparisons.' if raw_only else '.'),
             f"- **CE+Gini+KL** ({len(gkl)} cells) beat CE in {sum(c.adjusted < .05 and c.row.delta_mean > 0 for c in gkl)} cells "
             f"after the adjustment and was worse in {sum(c.adjusted < .05 and c.row.delta_mean < 0 for c in gkl)}. No detectable "
             "change (not the same as no change: the interval contains 0, and an effect as large as either end is not "
             "excluded): " + ('; '.join(flat) or 'in no cell') + '.']
    if lt:
        measured = '; '.join(f"{TITLES[c.regime]}, {c.variant}: {interval(c.row)}" for c in lt)
        lines.append(f"- **Long-tailed training sets**: a setting would be recommended only if, in every long-tailed regime, it "
                     f"was not worse than CE and its interval excluded a harm of {100*HARM:.1f} pp (lower end above "
                     f"{-100*HARM:+.2f} pp). " + (f"Settings that qualify: {', '.join(good)}." if good else
                     "None of the measured settings qualifies, so none is recommended.") + f" Measured (Δ top-1 = "
                     f"balanced accuracy, pp): {measured}.")
    return lines


def write_page(a, plan, command, times)->str:
    from gini_loss.experiments import summarize, results_markdown
    records = [r for name, *_ in plan for r in finished(a.out/name)]
    missing = missing_runs(a, plan)
    lines = ["# Regime map on Fashion-MNIST: CE vs CE+Gini+KL (and CE+label smoothing)", '',
             f"Generated {now()}. " + (f"**Incomplete: {len(missing)} planned runs are not in this folder; run the command "
                                       "again to train them.** " if missing else '') + f"Machine{'' if times['trained'] else ' of this call, which trained nothing'}: {machine(a.device)}. {a.machine_note}", '',
             f"Runs finished on {run_dates(records)}, by the `finished` time in each run file. {version_note(records)}", '',
             "Command of this call (from the repository root; without `--page-only` it resumes, training only the runs not "
             "in this folder; with it, it rewrites this page from the run files and trains nothing):", '',
             '```sh', command, '```', '',
             time_line(times['all'], times['trained'], sum(r['wall_time_s'] for r in records)), '',
             f"Model `create_model('{a.arch}', 10, in_chans=1, img_size=28)`, `fit_one_cycle` (Adam, peak lr {a.lr}), random crops "
             f"and flips; {'2% of each class of the official test set (200 images; --smoke)' if a.smoke else 'the full official test set (10,000 images)'}, evaluated after the last epoch. CE+Gini+KL: gini_weight "
             f"{a.gini_weight}, kl_weight {a.kl_weight} (not tuned per regime); CE+LS: eps {a.ls_eps}. Seed s: the same training "
             "images, wrong labels, data order, augmentation and initial weights for every variant.", '',
             '| regime | training set | epochs | batch | seeds planned | seeds done (CE) | summed training time (min) |', '|---|---|---|---|---|---|---|']
    summaries = {}
    for name, opts, epochs, bs, group, seeds, variants in plan:
        runs = finished(a.out/name)
        n_ce = sum(r['config']['variant'] == 'ce' for r in runs)
        n_train = runs[0]['n_train'] if runs else '?'
        lines.append(f"| {TITLES[name]} | {n_train} images | {epochs} | {bs} | {seeds} | {n_ce} | {sum(r['wall_time_s'] for r in runs)/60:.1f} |")
        if runs:
            tab = summarize(runs).rename(index=label)
            summaries[name] = (tab.loc[sorted(tab.index, key=lambda v: (v != 'ce', v))], group)
    rows = [(name, group, v, r) for name, (tab, group) in summaries.items() for v, r in tab.iterrows()
            if v != 'ce' and not math.isnan(r.get('delta_mean', math.nan))]
    ps = [r['delta_p'] for *_, r in rows]
    cells = [Cell(*row, pv, adj) for row, pv, adj in zip(rows, ps, holm_adjust(ps))]
    lines += ['', "## Summary: Δ to CE per regime", '',
              f"p: paired t-test over seeds (the test behind the 95% interval); adjusted: Holm's adjustment over the "
              f"{len(cells)} comparisons of this table.", '',
              '| regime | variant | seeds | Δ vs CE, pp [95% CI] | p | adjusted p | verdict | test-feature Gini (variant / CE) |',
              '|---|---|---|---|---|---|---|---|']
    for c in cells:
        lines.append(f"| {TITLES[c.regime]} | {c.variant} | {int(c.row.n_pairs)} | {interval(c.row)} | {p_text(c.p, '')} | "
                     f"{p_text(c.adjusted, '')} | {verdict(c.row, adjusted=c.adjusted)} | {c.row.gini_mean:.3f} / "
                     f"{summaries[c.regime][0].loc['ce', 'gini_mean']:.3f} |")
    lines += ['', "The verdict rests on the seed interval: it tests the training procedure. The pooled McNemar test treats "
              "every (image, seed) pair as independent and tests these particular trained networks; it is significant far "
              "more often, is not adjusted for the number of comparisons, and is no evidence that the procedure is better.", '',
              f"## What survives the {len(cells)} comparisons", '', *findings(cells), '', "## Per regime", '']
    fig = []
    for name, (tab, group) in summaries.items():
        lines += [f"### {TITLES[name]}", '', results_markdown(tab.drop(columns='mcnemar_p', errors='ignore')), '']
        cmds = train_commands([kw for n, _, kw in calls_of(a, plan) if n == name])
        lines += ["The same runs with `gini_loss_train` (same run identities: it finds the finished runs and trains "
                  "only missing ones):", '', '```sh', *cmds, '```', '']
        for c in (c for c in cells if c.regime == name):
            lines.append(f"- {c.variant}: Δ {'top-1 (= balanced) ' if group == 'lt' else ''}accuracy {interval(c.row)} pp over "
                         f"{int(c.row.n_pairs)} seeds ({p_text(c.p)}, adjusted {p_text(c.adjusted)}): {verdict(c.row, adjusted=c.adjusted)}.")
            fig.append((f"{TITLES[name]}: {c.variant}", c.row.delta_mean, c.row.delta_lo, c.row.delta_hi))
        lines.append('')
    if fig:
        delta_figure(fig, a.out/'delta.png', 'Fashion-MNIST regimes: Δ vs CE (long tail: balanced accuracy)',
                     'Δ vs CE (pp), 95% CI')
        lines += ['![Δ vs CE per regime](delta.png)', '',
                  "Bars: the 95% intervals, not adjusted for the number of comparisons (green or red: the interval "
                  "excludes 0 before the adjustment; see the adjusted p-values above).", '']
    gap = max((abs(r['final']['accuracy'] - r['final']['balanced_accuracy']) for r in records
               if r['config'].get('imbalance') and 'balanced_accuracy' in r['final']), default=math.nan)
    lines += ["Δ: per-seed paired difference to CE, mean and 95% Student-t interval over seeds. The test set is balanced "
              f"(1,000 images per class), so a run's balanced accuracy is its top-1 accuracy (largest difference in the "
              f"long-tailed runs: {100*gap:.1g} pp, float rounding): the long-tailed rows give it once, as top-1. McNemar: exact test on the test predictions pooled over images and seeds, "
              "in the verdicts (the counts: (image, seed) pairs right only with the variant / only with CE). Test-feature "
              "Gini: mean Gini impurity 1 - Σ_c p_jc² of the penultimate features' class shares on the test set (lower: more class-specific features, what the Gini term pushes for); kNN and probe: accuracy of "
              "a 5-NN (cosine) and a linear probe on the test features against the training features (with noisy labels "
              "in the label-noise regime).", '',
              "Run files: one folder per regime, one JSON per run (with the per-image test predictions) and "
              "`run_experiment`'s own `results.md`.", '']
    (a.out/'README.md').write_text('\n'.join(lines))
    return '\n'.join(lines)


def main(argv=None):
    a = parse_args(argv)
    import torch
    torch.set_num_threads(a.threads)
    command = 'python benchmarks/regimes.py ' + ' '.join(map(shlex.quote, sys.argv[1:] if argv is None else argv))
    plan = regime_plan(a)
    calls = calls_of(a, plan)
    a.out.mkdir(parents=True, exist_ok=True)
    started, trained = time.time(), []
    if not a.page_only:
        deadline = started + 60 * a.budget_minutes
        steps = {bs: measure_step(a.arch, bs, device=a.device) for bs in {r[3] for r in plan}}
        overhead = 14 if a.features else 8 # setup, one test-set evaluation, the features: assumed, see the log's per-run times
        est = 0
        print(f"{now()}: {machine(a.device)}", flush=True)
        for name, opts, epochs, bs, group, seeds, variants in plan:
            n = sum(regime_counts(torch.full((10,), 6000), opts.get('images_per_class'), opts.get('imbalance')).tolist())
            per = epochs * (n // bs) * steps[bs] * 1.25 + overhead
            est += per * seeds * len(variants)
            print(f"plan {name}: {n} training images, {epochs} epochs, batch {bs} ({steps[bs]*1000:.0f} ms/step measured), "
                  f"{seeds} seeds x {len(variants)} variants: about {per:.0f} s per run", flush=True)
        print(f"estimate: {est/60:.0f} min for {len(calls)} runs (runs already on disk cost nothing); budget {a.budget_minutes:.0f} min", flush=True)
        run_calls([kw for _, _, kw in calls], 1, a.threads, deadline, log=log, trained=trained,
                  names=[f"{name} seed {s} {kw['variants'][0]} {kw.get('prior', '')}".rstrip() for name, s, kw in calls])
    page = write_page(a, plan, command, {'all': time.time() - started, 'trained': len(trained)})
    print(page)
    print(f"\nmeasured wall time of this call: {(time.time() - started)/60:.1f} min; page and run files in {a.out}")


if __name__ == '__main__': main()
