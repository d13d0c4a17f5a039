"""Do the Gini and KL terms add anything to label smoothing? The confirmatory study of project issue 22.

Declared before any test-set run in benchmarks/results/ls_study/DECLARATION.md (hypotheses, α, adjustment, grids, seeds,
stopping rule); this script carries it out. Fashion-MNIST at 100 images per class (regime few_100 of
benchmarks/regimes.py): timm's `test_resnet` at 28 px, 30 epochs of fit_one_cycle (Adam, batch 64, peak lr 0.01),
random crops and flips.

1. Tuning, on a validation split drawn from the official training set (10% of each class, 6,000 images, seeded; the
   100 training images per class are drawn from the other 90%; the test set is never looked at), seeds 100-101:
   CE+LS over ls_eps in --ls-grid; then CE+Gini+KL and CE+LS+Gini+KL (ls_eps fixed at CE+LS's choice) over
   (gini_weight, kl_weight) in --grid. Highest mean validation accuracy over the tuning seeds wins (the first of equal ones).
2. Test: the four arms CE, CE+LS, CE+Gini+KL, CE+LS+Gini+KL with the tuned settings, seed by seed (all four arms of a
   seed before the next seed), seeds 1000.. (fresh: not the seeds of the exploratory runs), evaluated once on the full
   official test set (10,000 images), until --seeds seeds or the budget (no run is started after it).
3. Analysis on the complete seeds (all four arms done): paired differences, 95% Student-t intervals, two-sided paired
   t-tests; primary H1 CE+LS+Gini+KL vs CE+LS at α = 0.05; secondaries H2 CE+Gini+KL vs CE, H3 CE+LS vs CE,
   H4 CE+LS+Gini+KL vs CE, Holm-adjusted; McNemar on the predictions pooled over images and seeds. Written to
   --out/README.md whichever way it falls.

Every run is a JSON file in --out/tuning or --out/test: started again with the same arguments, the script trains only
what is missing. --power prints the power calculation of the declaration from the committed pilot runs
(benchmarks/results/regimes/few_100) and trains nothing. --smoke checks the pipeline end to end in a minute or two, into
a new temporary folder unless --out is given: 2% of each class of both sets (20 training images per class, 200 test
images), 1 epoch, two grid points per family, one tuning seed, three test seeds.

    mkdir -p benchmarks/results/ls_study
    nohup nice -n 19 env OMP_NUM_THREADS=1 python benchmarks/ls_study.py --budget-minutes 83 > benchmarks/results/ls_study/run.log 2>&1 &
    python benchmarks/ls_study.py --power
    python benchmarks/ls_study.py --smoke
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE') # threads that sleep, not spin, when the cores are shared
import argparse, math, shlex, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from gini_loss.stats import holm_adjust
from paired_design import (machine, measure_step, run_calls, finished, verdict, delta_figure, now, log, train_commands, time_line,
                           p_text, run_dates)

ALPHA = .05            # declared: two-sided, primary comparison; Holm over the three secondaries
SMALLEST_EFFECT = .0025 # declared: 0.25 pp, the difference the study is powered to detect (80%)
DECLARED_SD = .00535    # declared: the largest SD of paired differences in the pilot runs (--power)
DECLARED_SEEDS = 38     # from --power: 80% power at SMALLEST_EFFECT with DECLARED_SD
ARMS = {'ce': 'CE', 'ce+ls': 'CE+LS', 'ce+gini+kl': 'CE+Gini+KL', 'ce+ls+gini+kl': 'CE+LS+Gini+KL'}
COMPARISONS = (('H1', 'ce+ls+gini+kl', 'ce+ls', 'primary'), ('H2', 'ce+gini+kl', 'ce', 'secondary'),
               ('H3', 'ce+ls', 'ce', 'secondary'), ('H4', 'ce+ls+gini+kl', 'ce', 'secondary'))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('--data', default=None, help='Folder of the Fashion-MNIST IDX files (default: the Debian package)')
    p.add_argument('--out', default=None, help='Output folder (default: benchmarks/results/ls_study; smoke: a new temporary folder)')
    p.add_argument('--arch', default='test_resnet')
    p.add_argument('--lr', type=float, default=1e-2); p.add_argument('--epochs', type=int, default=30)
    p.add_argument('--bs', type=int, default=64); p.add_argument('--images-per-class', type=int, default=100)
    p.add_argument('--valid-pct', type=float, default=.1, help='Validation split of each training class, for tuning')
    p.add_argument('--ls-grid', default='0.05,0.1,0.2', help='CE+LS tuning grid of ls_eps')
    p.add_argument('--grid', default='0.1:0.1,0.1:0.5,0.5:0.1,0.5:0.5', help='gini_weight:kl_weight tuning grid of both Gini/KL arms')
    p.add_argument('--tune-seeds', type=int, default=2, help='Tuning seeds 100..100+N-1')
    p.add_argument('--seeds', type=int, default=DECLARED_SEEDS, help='Test seeds 1000..1000+N-1 (declared number)')
    p.add_argument('--features', type=int, default=0, help="Record the test features' Gini, kNN and probe accuracy (1) or not (0)")
    p.add_argument('--budget-minutes', type=float, default=83, help='Start no new run after this many minutes')
    p.add_argument('--power', action='store_true', help='Print the power calculation from the pilot runs, train nothing')
    p.add_argument('--pilot', default='benchmarks/results/regimes/few_100', help='Pilot runs of --power')
    p.add_argument('--smoke', action='store_true', help='A tiny end-to-end check (see above)')
    p.add_argument('--device', default='cpu')
    p.add_argument('--threads', type=int, default=1, help='torch CPU threads (1: on shared cores 2 threads measured slower)')
    p.add_argument('--machine-note', default='')
    p.add_argument('--deviation', default='', help='A forced deviation from the declaration and its reason, listed on the page')
    p.add_argument('--continuation', action='store_true', help='A later call that goes on after the first stop: its page says it is not the confirmatory analysis')
    a = p.parse_args(argv)
    a.subset = None
    if a.smoke:
        a.epochs, a.bs, a.images_per_class, a.subset, a.tune_seeds, a.seeds = 1, 32, 20, .02, 1, 3
        a.ls_grid, a.grid = '0.1,0.2', '0.5:0.2,0.1:0.1'
    a.out = Path(a.out or (tempfile.mkdtemp(prefix='ls_study_smoke_') if a.smoke else 'benchmarks/results/ls_study'))
    return a


# --- power ---------------------------------------------------------------------------------------------------------

def power(sd:float, n:int, delta:float=SMALLEST_EFFECT, alpha:float=ALPHA)->float:
    "Power of the two-sided paired t-test with `n` pairs to detect a mean difference `delta` when the differences' SD is `sd`."
    from scipy import stats
    df, crit = n - 1, stats.t.ppf(1 - alpha / 2, n - 1)
    nc = delta / (sd / math.sqrt(n))
    other_side = stats.nct.cdf(-crit, df, nc) # negligible, NaN in scipy when nc is large
    return float(stats.nct.sf(crit, df, nc) + (0. if math.isnan(other_side) else other_side))

def seeds_needed(sd:float, delta:float=SMALLEST_EFFECT, alpha:float=ALPHA, target:float=.8)->int:
    return next(n for n in range(2, 10_000) if power(sd, n, delta, alpha) >= target)

def detectable(sd:float, n:int, alpha:float=ALPHA, target:float=.8)->float:
    "The smallest difference detected with power `target` with `n` pairs."
    from scipy.optimize import brentq
    return brentq(lambda d: power(sd, n, d, alpha) - target, 1e-6 * sd, 4 * sd) if n >= 3 else math.nan

def accuracies(runs:list)->dict:
    "{variant: {seed: top-1 accuracy}} of run records with one setting per variant."
    acc = {}
    for r in runs: acc.setdefault(r['config']['variant'], {})[r['seed']] = r['final']['accuracy']
    return acc

def pilot_power(folder)->list:
    "Lines: the SD of each paired difference in the pilot runs, and the seeds it needs."
    import numpy as np
    acc = accuracies(finished(folder))
    lines = [f"pilot: {folder}, " + ', '.join(f'{v} {len(s)} seeds' for v, s in acc.items())]
    for a, b in (('ce+gini+kl', 'ce'), ('ce+ls', 'ce'), ('ce+gini+kl', 'ce+ls')):
        seeds = sorted(set(acc.get(a, {})) & set(acc.get(b, {})))
        if len(seeds) < 2: continue
        d = np.array([acc[a][s] - acc[b][s] for s in seeds])
        sd = d.std(ddof=1)
        lines.append(f"{a} - {b}: {len(seeds)} paired seeds, mean {100*d.mean():+.2f} pp, SD {100*sd:.3f} pp: "
                     f"{seeds_needed(sd)} seeds for 80% power at {100*SMALLEST_EFFECT:.2f} pp, α {ALPHA} two-sided")
    for n in (10, 15, 20, 25, 30, DECLARED_SEEDS):
        lines.append(f"with {n} seeds and SD {100*DECLARED_SD:.3f} pp: power {power(DECLARED_SD, n):.2f} at "
                     f"{100*SMALLEST_EFFECT:.2f} pp; 80% power at {100*detectable(DECLARED_SD, n):.2f} pp")
    return lines


# --- the plan ------------------------------------------------------------------------------------------------------

def base(a)->dict:
    return dict(dataset='fashion_mnist', arch=a.arch, lr=a.lr, epochs=a.epochs, bs=a.bs, images_per_class=a.images_per_class,
                subset=a.subset, path=a.data, device=a.device, eval_every_epoch=False)

def grid_of(a)->list: return [tuple(map(float, g.split(':'))) for g in a.grid.split(',')]

def tuning_calls(a, ls_eps=None)->list:
    "(label, kwargs) of the tuning runs: the CE+LS grid; with `ls_eps` (CE+LS's choice), the two Gini/KL grids."
    tune = dict(base(a), valid_pct=a.valid_pct, features=False, out=a.out/'tuning', seeds=tuple(range(100, 100 + a.tune_seeds)))
    if ls_eps is None: return [(f'ce+ls {e}', dict(tune, variants=('ce+ls',), ls_eps=float(e))) for e in a.ls_grid.split(',')]
    return [(f'{v} {g}/{k}', dict(tune, variants=(v,), gini_weight=g, kl_weight=k, **({'ls_eps': ls_eps} if 'ls' in v else {})))
            for g, k in grid_of(a) for v in ('ce+gini+kl', 'ce+ls+gini+kl')]

def tuned(a)->tuple:
    "The chosen setting of each arm (None where its tuning is not done) and the tuning table's rows."
    import numpy as np
    recs, n = finished(a.out/'tuning'), a.tune_seeds
    def score(variant, hp):
        accs = [r['final']['accuracy'] for r in recs if r['config']['variant'] == variant and 100 <= r['seed'] < 100 + n
                and all(math.isclose(r['config'].get(k, math.nan), v) for k, v in hp.items())]
        return (float(np.mean(accs)) if accs else math.nan), len(accs)
    rows, best = [], {'ce': {}}
    def choose(variant, settings):
        scored = [(hp, *score(variant, hp)) for hp in settings]
        rows.extend((variant, hp, s, k) for hp, s, k in scored)
        if all(k == n for _, _, k in scored): best[variant] = max(scored, key=lambda x: x[1])[0] # max keeps the first of equals
    choose('ce+ls', [dict(ls_eps=float(e)) for e in a.ls_grid.split(',')])
    choose('ce+gini+kl', [dict(gini_weight=g, kl_weight=k) for g, k in grid_of(a)])
    if 'ce+ls' in best: choose('ce+ls+gini+kl', [dict(ls_eps=best['ce+ls']['ls_eps'], gini_weight=g, kl_weight=k) for g, k in grid_of(a)])
    return best, rows

def test_calls(a, best)->list:
    "(seed, variant, kwargs) of the test runs, seed by seed, the four arms of a seed together."
    test = dict(base(a), features=bool(a.features), out=a.out/'test')
    return [(s, v, dict(test, variants=(v,), seeds=(s,), **best[v])) for s in range(1000, 1000 + a.seeds) for v in ARMS]


# --- the analysis --------------------------------------------------------------------------------------------------

def compare(runs:dict, a:str, b:str, seeds:list)->dict:
    "Paired comparison of arm `a` to arm `b` over `seeds`: mean difference, 95% t interval, t-test p, pooled McNemar."
    import numpy as np
    from scipy import stats
    from gini_loss.experiments import mcnemar_test, run_predictions
    d = np.array([runs[a][s]['final']['accuracy'] - runs[b][s]['final']['accuracy'] for s in seeds])
    row = dict(n_pairs=len(d), delta_mean=float(d.mean()) if len(d) else math.nan, delta_lo=math.nan, delta_hi=math.nan,
               p=math.nan, wins=int((d > 0).sum()), sd=float(d.std(ddof=1)) if len(d) > 1 else math.nan)
    if len(d) > 1 and d.std(ddof=1) > 0:
        half = stats.t.ppf(.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
        row.update(delta_lo=row['delta_mean'] - half, delta_hi=row['delta_mean'] + half,
                   p=float(stats.ttest_rel([runs[a][s]['final']['accuracy'] for s in seeds],
                                           [runs[b][s]['final']['accuracy'] for s in seeds]).pvalue))
    if seeds:
        right = lambda v: np.concatenate([np.equal(*run_predictions(runs[v][s])) for s in seeds])
        m = mcnemar_test(right(a), right(b))
        row.update(mcnemar_p=m['p'], only_variant=m['only_a'], only_ce=m['only_b'])
    return row

def decision(row, alpha:float=ALPHA, key='p')->str:
    p = row.get(key, math.nan)
    if math.isnan(p): return 'too few seeds'
    return (f"significant at α = {alpha}: {'better' if row['delta_mean'] > 0 else 'worse'}" if p < alpha
            else f"not significant at α = {alpha}")

def pp(x, signed=True)->str: return '—' if x is None or math.isnan(x) else (f'{100*x:+.2f}' if signed else f'{100*x:.2f}')


def write_page(a, best, rows, command, times, stopped:str)->str:
    from gini_loss.experiments import summarize, results_markdown
    recs = finished(a.out/'test')
    runs = {}
    for r in recs: runs.setdefault(r['config']['variant'], {})[r['seed']] = r
    planned = list(range(1000, 1000 + a.seeds))
    complete = [s for s in planned if all(s in runs.get(v, {}) for v in ARMS)]
    partial = [s for s in planned if s not in complete and any(s in runs.get(v, {}) for v in ARMS)]
    tune_s, test_s = (sum(r['wall_time_s'] for r in f) for f in (finished(a.out/'tuning'), recs))
    lines = ["# Do the Gini and KL terms add anything to label smoothing? (issue 22, confirmatory)", '',
             f"Declared in [DECLARATION.md](DECLARATION.md) before any test-set run. Started {times['started']}, this page "
             f"written {now()}. {stopped} Machine: {machine(a.device)}. {a.machine_note}", '',
             *([f"**Deviation from the declaration:** {a.deviation}", ''] if a.deviation else []),
             *(["**Continuation, not the confirmatory analysis:** this call went on after the study's first stop; the "
                "confirmatory analysis is the page committed at that stop (see this file's history).", ''] if a.continuation else []),
             "Command (from the repository root; it resumes, training only the runs not in this folder):", '',
             '```sh', command, '```', '',
             time_line(times['all'], times['trained'], tune_s + test_s) + f" Tuning runs: {tune_s/60:.1f} min; test runs: {test_s/60:.1f} min. "
             f"Runs finished on: tuning {run_dates(finished(a.out/'tuning'))}; test {run_dates(recs) or 'none yet'}.", '',
             f"Setup: Fashion-MNIST, {a.images_per_class} training images per class drawn with the seed, `create_model('{a.arch}', 10, "
             f"in_chans=1, img_size=28)`, {a.epochs} epoch{'s' * (a.epochs != 1)} of `fit_one_cycle` (Adam, batch {a.bs}, peak lr {a.lr}), random crops and "
             f"flips; {'the full official test set (10,000 images)' if a.subset is None else f'{a.subset:.0%} of each class of the test set (--smoke)'}, "
             "evaluated once after the last epoch. Seed s: the same training images, data order, augmentation and initial weights "
             "for every arm.", '', "## 1. Tuning on a validation split of the training set", '',
             f"{a.valid_pct:.0%} of each training class held out for validation (drawn with the seed; the training images come "
             f"from the rest); seeds 100..{99 + a.tune_seeds}; the test set is not used. Highest mean validation accuracy chosen.", '',
             '| arm | setting | validation top-1 % (mean) | runs |', '|---|---|---|---|']
    for v, hp, s, n in rows:
        mark = ' ← chosen' if best.get(v) == hp else ''
        lines.append(f"| {ARMS[v]} | {', '.join(f'{k}={x}' for k, x in hp.items())} | {pp(s, False)}{mark} | {n} |")
    lines += ['', "## 2. Test: the four arms", '',
              f"Seeds planned: {a.seeds} (1000..{999 + a.seeds}); complete (all four arms): **{len(complete)}**"
              + (f"; incomplete, left out of the analysis: {', '.join(map(str, partial))}" if partial else '') + '.', '']
    if not complete:
        (a.out/'README.md').write_text('\n'.join(lines + ['No complete seed yet.', '']))
        return '\n'.join(lines)
    kept = [runs[v][s] for s in complete for v in ARMS]
    tab = summarize(kept)
    tab = tab.loc[[v for v in ARMS if v in tab.index]]
    lines += [results_markdown(tab), '', "Δ vs CE: per-seed paired difference to CE, mean and 95% Student-t interval. McNemar: "
              "exact test on the test predictions pooled over images and complete seeds.", '',
              "## 3. The declared comparisons", '',
              '| | comparison | role | seeds | Δ top-1, pp [95% CI] | SD of Δ, pp | seeds better | paired t-test p | Holm-adjusted p | decision | McNemar p (pooled; only first / only second right) |',
              '|---|---|---|---|---|---|---|---|---|---|---|']
    res = {h: compare(runs, x, y, complete) for h, x, y, _ in COMPARISONS}
    secondary = [h for h, *_, role in COMPARISONS if role == 'secondary']
    for h, adj in zip(secondary, holm_adjust([res[h]['p'] for h in secondary])): res[h]['p_holm'] = adj
    for h, x, y, role in COMPARISONS:
        r = res[h]
        key = 'p' if role == 'primary' else 'p_holm'
        mc = '—' if math.isnan(r.get('mcnemar_p', math.nan)) else f"{p_text(r['mcnemar_p'], '')} ({r['only_variant']} / {r['only_ce']})"
        lines.append(f"| {h} | {ARMS[x]} vs {ARMS[y]} | {role} | {r['n_pairs']} | {pp(r['delta_mean'])} [{pp(r['delta_lo'])}, "
                     f"{pp(r['delta_hi'])}] | {pp(r['sd'], False)} | {r['wins']}/{r['n_pairs']} | {p_text(r['p'], '')} | "
                     f"{'—' if role == 'primary' else p_text(r['p_holm'], '')} | {decision(r, key=key)} | {mc} |")
    p1 = res['H1']
    if math.isnan(p1['p']): reading = "The primary comparison needs at least two complete seeds."
    elif p1['p'] < ALPHA:
        reading = (f"At α = {ALPHA} the primary comparison is significant: CE+LS+Gini+KL is {'better' if p1['delta_mean'] > 0 else 'worse'} "
                   f"than CE+LS by {pp(p1['delta_mean'])} pp [{pp(p1['delta_lo'])}, {pp(p1['delta_hi'])}] over {p1['n_pairs']} seeds.")
    else:
        bound = ("The interval excludes a gain of 0.25 pp or more from the terms: at this regime they add less than that to label smoothing."
                 if p1['delta_hi'] < SMALLEST_EFFECT else
                 "The interval still includes a gain of 0.25 pp: the study cannot rule out an effect of the size it was powered for.")
        reading = (f"At α = {ALPHA} the primary comparison is not significant: CE+LS+Gini+KL minus CE+LS is {pp(p1['delta_mean'])} pp "
                   f"[{pp(p1['delta_lo'])}, {pp(p1['delta_hi'])}] over {p1['n_pairs']} seeds ({p_text(p1['p'])}). {bound}")
    sens = detectable(DECLARED_SD, len(complete))
    lines += ['', f"**Primary (H1).** {reading}", '',
              f"Secondaries (H2-H4): decision on the Holm-adjusted p-value at α = {ALPHA}. Seed intervals and pooled McNemar in "
              "the words of the other benchmark pages: " + '; '.join(f"{h} {ARMS[x]} vs {ARMS[y]}: {verdict(res[h]).replace('than CE', 'than ' + ARMS[y]).replace('with CE', 'with ' + ARMS[y])}"
                                                                   for h, x, y, _ in COMPARISONS) + '.', '',
              f"Sensitivity: with {len(complete)} complete seeds and the declared SD of paired differences ({100*DECLARED_SD:.3f} pp), the paired "
              f"t-test had 80% power for a difference of {pp(sens, False)} pp (declared target: {100*SMALLEST_EFFECT:.2f} pp with {DECLARED_SEEDS} seeds). "
              "The pooled McNemar test treats every (image, seed) pair as independent and tests these particular trained "
              "networks, not the training procedure; the decisions rest on the paired t-tests over seeds.", '']
    fig = [(f"{h}: {ARMS[x]} − {ARMS[y]}", res[h]['delta_mean'], res[h]['delta_lo'], res[h]['delta_hi']) for h, x, y, _ in COMPARISONS]
    delta_figure(fig, a.out/'delta.png', f"Fashion-MNIST, {a.images_per_class} per class: paired differences ({len(complete)} seeds)",
                 'Δ test accuracy (pp), 95% CI')
    lines += ['![paired differences](delta.png)', '',
              "The same runs with `gini_loss_train` (same run identities: it finds the finished runs and trains only missing ones):", '',
              '```sh', *train_commands([kw for _, kw in tuning_calls(a)] + ([kw for _, kw in tuning_calls(a, best['ce+ls']['ls_eps'])] if 'ce+ls' in best else [])
                                       + [kw for _, _, kw in test_calls(a, best)]), '```', '',
              "Run files: `tuning/`, `test/` (one JSON per run, with the per-image predictions); their `results.md` are "
              "`run_experiment`'s own tables.", '']
    (a.out/'README.md').write_text('\n'.join(lines))
    return '\n'.join(lines)


def main(argv=None):
    a = parse_args(argv)
    if a.power: print('\n'.join(pilot_power(a.pilot))); return
    import torch
    torch.set_num_threads(a.threads)
    command = 'python benchmarks/ls_study.py ' + ' '.join(map(shlex.quote, sys.argv[1:] if argv is None else argv))
    a.out.mkdir(parents=True, exist_ok=True)
    started, stamp, trained = time.time(), now(), []
    deadline = started + 60 * a.budget_minutes
    step = measure_step(a.arch, a.bs)
    n_train = 10 * a.images_per_class
    per_run = a.epochs * (n_train // a.bs) * step * 1.25 + 8 # setup and one evaluation: assumed, see the log's times
    n_tune = (len(a.ls_grid.split(',')) + 2 * len(grid_of(a))) * a.tune_seeds
    log(f"{stamp}: {machine(a.device)}\nmeasured: {step*1000:.0f} ms per training step of {a.arch}, batch {a.bs}: about "
        f"{per_run:.0f} s per run\nplan: tuning {n_tune} runs ({a.tune_seeds} seeds), then {4 * a.seeds} test runs "
        f"({a.seeds} seeds x 4 arms); estimate {n_tune * per_run / 60:.0f} + {4 * a.seeds * per_run / 60:.0f} min (runs on disk "
        f"cost nothing); budget {a.budget_minutes:.0f} min, enough for about {max(0, int((60 * a.budget_minutes / per_run - n_tune) // 4))} seeds")
    first = tuning_calls(a)
    ok = run_calls([kw for _, kw in first], 1, a.threads, deadline, log=log, names=[l for l, _ in first], trained=trained)
    best, _ = tuned(a)
    if ok and 'ce+ls' in best:
        second = tuning_calls(a, best['ce+ls']['ls_eps'])
        ok = run_calls([kw for _, kw in second], 1, a.threads, deadline, log=log, names=[l for l, _ in second], trained=trained)
    best, rows = tuned(a)
    done_tuning = ok and all(v in best for v in ARMS)
    log(f"{now()}: tuning {'done' if done_tuning else 'stopped (budget)'}; chosen: {best}")
    done = False
    if done_tuning:
        calls = test_calls(a, best)
        done = run_calls([kw for _, _, kw in calls], 1, a.threads, deadline, log=log, names=[f'seed {s} {v}' for s, v, _ in calls],
                         trained=trained)
    stopped = (f"All {a.seeds} declared seeds done." if done else "**Stopped by the time budget** (declared stopping rule: the "
               "analysis is on the seeds complete at the stop)." if done_tuning else "**Tuning stopped by the time budget: no test run.**")
    page = write_page(a, best, rows, command, dict(started=stamp, all=time.time() - started, trained=len(trained)), stopped)
    print(page)
    log(f"\n{now()}: measured wall time of this call: {(time.time() - started)/60:.1f} min; page and run files in {a.out}")


if __name__ == '__main__': main()
