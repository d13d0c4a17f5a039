"""Cost of the Gini and KL terms as the number of classes grows: the terms alone and a whole training step, before and after.

"Before" is the dense computation this package used until the terms were computed on the present classes only: a one-hot
matrix over all C classes, the product `m.T @ w` of shape (F, C) and every later step on all C columns, once for
`gini_loss` and once for `kl_loss` (transcribed below, independent of the package). "After" is `gini_kl_terms`, which
works on the k <= B classes present in the batch and computes both terms from one set of statistics.

1. The terms alone: features (B=256, F=2048), forward and backward of 0.5 G + 0.2 K, for C = 100 ... 100,000.
2. A whole training step of timm's resnet18 (32x32 inputs, batch 256, SGD): forward, cross-entropy, backward, update,
   without the terms, with the dense ones and with the new ones, on the final feature map (256, 512, 1, 1).
3. With a `ClassStatsMemory` (decay 0.9) once every class is remembered: the terms then cover all C classes.

Every setting is repeated `--reps` times, the settings of one repetition run back to back in turn (so that the noise of
a shared machine hits them alike), and the medians are reported (the new terms alone, which take milliseconds, ten times
as often); the training-step ratios are medians of the ratios within each repetition. The dense terms alone at
C=100,000 would hold several GB (see `--before-max`).

    python benchmarks/many_classes.py [--reps 7] [--threads 2] [--out benchmarks/results/many_classes/README.md [--append]]
    python benchmarks/many_classes.py --smoke     # seconds: B=32, F=64, C = 10 and 100, one repetition, into a temporary folder
"""
import argparse, datetime, os, platform, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import torch, timm
import torch.nn.functional as F
from gini_loss.core import gini_kl_terms, ClassStatsMemory

B, N_FEATURES = 256, 2048
CLASSES = (100, 1_000, 10_000, 100_000)

# --- the dense computation, as the package computed it before (transcribed) ---------------------------------------
def _dense_class_sums(feats, targ, n_classes):
    m = feats.abs() if feats.ndim == 2 else feats.abs().mean((2, 3))
    if targ.min() < 0 or targ.max() >= n_classes: raise ValueError("labels out of range")
    w = F.one_hot(targ.long(), n_classes).float()
    sums = m.T @ w
    if not torch.isfinite(sums).all(): raise ValueError("features contain NaN or Inf")
    return sums, w.sum(0)

def _dense_shares(sums, totals):
    present = totals > 0
    s = sums / torch.where(present, totals, torch.ones_like(totals))
    total = s.sum(1, keepdim=True)
    live = total[:, 0] > 0
    return s / torch.where(live[:, None], total, torch.ones_like(total)), live

def dense_gini_loss(feats, targ, n_classes):
    shares, live = _dense_shares(*_dense_class_sums(feats, targ, n_classes))
    return (((1 - (shares ** 2).sum(1)) * live).sum() / live.sum().clamp_min(1))

def dense_kl_loss(feats, targ, n_classes):
    sums, totals = _dense_class_sums(feats, targ, n_classes)
    shares, live = _dense_shares(sums, totals)
    pi = (totals > 0).to(totals.dtype); pi = pi / pi.sum()
    q = (shares * live[:, None]).sum(0) / live.sum().clamp_min(1)
    return (torch.xlogy(pi, pi) - pi * q.clamp_min(1e-8).log()).sum() * live.any()

def before(feats, targ, n_classes): return dense_gini_loss(feats, targ, n_classes), dense_kl_loss(feats, targ, n_classes)
def after(feats, targ, n_classes): return gini_kl_terms(feats, targ, n_classes)
VARIANTS = {'before': before, 'after': after}

# --- measurements ----------------------------------------------------------------------------------------------------
def terms_time(fn, feats, targ, n_classes, memory=None)->float:
    "Seconds for one forward and backward of 0.5 G + 0.2 K."
    feats.grad = None
    start = time.perf_counter()
    G, K = fn(feats, targ, n_classes) if memory is None else gini_kl_terms(feats, targ, n_classes, memory=memory)
    (.5 * G + .2 * K).backward()
    return time.perf_counter() - start

def terms_alone(reps:int, before_max:int)->dict:
    "Median ms of the terms alone per (C, variant), and the mean number of present classes."
    gen = torch.Generator().manual_seed(0)
    feats = torch.rand(B, N_FEATURES, generator=gen).requires_grad_()
    n = 10 * reps                                    # the new terms take milliseconds: ten times the repetitions
    labels = {C: [torch.randint(0, C, (B,), generator=gen) for _ in range(n + 1)] for C in CLASSES}
    times = {(C, v): [] for C in CLASSES for v in VARIANTS}
    for rep in range(n + 1):                         # repetition 0 is warm-up
        for C in CLASSES:
            for v, fn in VARIANTS.items():
                if v == 'before' and (C > before_max or rep % 10): continue
                t = terms_time(fn, feats, labels[C][rep], C)
                if rep: times[C, v].append(t)
    present = {C: statistics.mean(len(y.unique()) for y in labels[C]) for C in CLASSES}
    return {k: 1e3 * statistics.median(t) for k, t in times.items() if t}, present

def train_steps(reps:int)->dict:
    "Median ms of a resnet18 training step per (C, variant) and the median within-repetition ratio to the plain step."
    out = {}
    for C in CLASSES:
        torch.manual_seed(0)
        model = timm.create_model('resnet18', num_classes=C)
        opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=.9)
        gen = torch.Generator().manual_seed(C)
        x, y = torch.randn(B, 3, 32, 32, generator=gen), torch.randint(0, C, (B,), generator=gen)
        def step(fn):
            opt.zero_grad(set_to_none=True)
            start = time.perf_counter()
            feats = model.forward_features(x)
            loss = F.cross_entropy(model.forward_head(feats), y)
            if fn is not None:
                G, K = fn(feats, y, C)
                loss = loss + .5 * G + .2 * K
            loss.backward()
            opt.step()
            return time.perf_counter() - start
        settings = {'model': None, **VARIANTS}
        times = {s: [] for s in settings}
        with torch.no_grad(): fmap = model.forward_features(x)
        alone = {v: [] for v in VARIANTS}
        for rep in range(reps + 1):
            for s, fn in settings.items():
                t = step(fn)
                if rep: times[s].append(t)
            for v, fn in VARIANTS.items():                   # the terms alone on this step's feature map, 3 times
                ts = [terms_time(fn, fmap.clone().requires_grad_(), y, C) for _ in range(3)]
                if rep: alone[v] += ts
        out[C] = {s: 1e3 * statistics.median(t) for s, t in times.items()}
        for v in VARIANTS: out[C][v + '_alone'] = 1e3 * statistics.median(alone[v])
        for v in VARIANTS:
            ratios = [t / m for t, m in zip(times[v], times['model'])]
            out[C][v + '_ratio'] = statistics.median(ratios)
            out[C][v + '_ratio_range'] = (min(ratios), max(ratios))
        print(f"train step C={C:,}: " + ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v[0]:.3f}-{v[1]:.3f}"
                                               for k, v in out[C].items()), flush=True)
        del model, opt
    return out

def with_memory(reps:int, memory_max:int)->dict:
    "Median ms of the terms with a memory in which every class is remembered, and of the memory's own update."
    out = {}
    gen = torch.Generator().manual_seed(1)
    feats = torch.rand(B, N_FEATURES, generator=gen).requires_grad_()
    for C in CLASSES:
        if C > memory_max: continue
        mem = ClassStatsMemory(.9)
        mem.load_state_dict({'sums': torch.rand(N_FEATURES, C, generator=gen), 'totals': torch.rand(C, generator=gen) + .1})
        terms, update = [], []
        for rep in range(reps + 1):
            y = torch.randint(0, C, (B,), generator=gen)
            t = terms_time(None, feats, y, C, memory=mem)
            classes, index = y.unique(return_inverse=True)
            sums = torch.rand(N_FEATURES, len(classes), generator=gen)
            totals = torch.bincount(index).float()
            start = time.perf_counter()
            with torch.no_grad(): mem(sums, totals, classes=classes, n_classes=C)
            u = time.perf_counter() - start
            if rep: terms.append(t); update.append(u)
        out[C] = 1e3 * statistics.median(terms), 1e3 * statistics.median(update)
        print(f"memory C={C:,}: terms {out[C][0]:.1f} ms, update {out[C][1]:.1f} ms", flush=True)
    return out

_PEAK = """
import resource, sys, torch
sys.path.insert(0, sys.argv[3])
from many_classes import before
torch.set_num_threads(int(sys.argv[2]))
C, B, N_FEATURES = int(sys.argv[1]), int(sys.argv[4]), int(sys.argv[5])
feats, y = torch.rand(B, N_FEATURES).requires_grad_(), torch.randint(0, C, (B,))
with open('/proc/self/statm') as f: start = int(f.read().split()[1]) * resource.getpagesize() / 2**30
G, K = before(feats, y, C); (.5 * G + .2 * K).backward()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20 - start)
"""

def dense_peak_gb(n_classes:int, threads:int)->float:
    "Peak resident memory (GB) above the memory before one forward and backward of the dense terms, in a fresh process."
    here = os.path.dirname(os.path.abspath(__file__))
    res = subprocess.run([sys.executable, '-c', _PEAK, str(n_classes), str(threads), here, str(B), str(N_FEATURES)],
                         capture_output=True, text=True, check=True)
    return float(res.stdout.strip().splitlines()[-1])

def loadavg()->str:
    with open('/proc/loadavg') as f: return ' '.join(f.read().split()[:3])

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--reps', type=int, default=7)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--before-max', type=int, default=10_000, help='largest C for the dense terms alone')
    parser.add_argument('--memory-max', type=int, default=10_000, help='largest C for the terms with a memory')
    parser.add_argument('--skip-train', action='store_true')
    parser.add_argument('--out', default=None, help='write the results as markdown to this file')
    parser.add_argument('--append', action='store_true', help='append this run to `--out` instead of replacing it')
    parser.add_argument('--smoke', action='store_true', help='a check that the script runs, in seconds: B=32, F=64, '
                        'C = 10 and 100, one repetition; the page goes to a temporary folder unless `--out` is given')
    args = parser.parse_args()
    if args.smoke:
        global B, N_FEATURES, CLASSES
        B, N_FEATURES, CLASSES = 32, 64, (10, 100)
        args.reps, args.threads, args.before_max, args.memory_max = 1, 1, 100, 100
        args.out = args.out or str(Path(tempfile.mkdtemp(prefix='many_classes_smoke_'))/'README.md')
    torch.set_num_threads(args.threads)
    started, load_start = datetime.datetime.now(datetime.timezone.utc), loadavg()
    alone, present = terms_alone(args.reps, args.before_max)
    print('terms alone (ms):', {k: round(v, 2) for k, v in alone.items()}, flush=True)
    peak = dense_peak_gb(args.before_max, args.threads)
    mem = with_memory(args.reps, args.memory_max)
    train = {} if args.skip_train else train_steps(args.reps)
    minutes, load_end = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds() / 60, loadavg()

    title = [] if args.append else ["# Many classes: cost of the terms and of a training step, before and after", "",
             "Made by `benchmarks/many_classes.py` (its docstring says what is measured and how).", ""]
    lines = title + [f"## Run of {started:%Y-%m-%d %H:%M} UTC, {args.threads} torch thread{'s' * (args.threads > 1)}", "",
             f"Command: `python {' '.join(sys.argv)}`", "",
             f"Started {started:%Y-%m-%d %H:%M} UTC, {minutes:.1f} min in all; Python {platform.python_version()}, torch "
             f"{torch.__version__}, {args.threads} torch thread{'s' * (args.threads > 1)}, CPU only. The machine has 2 CPU cores, shared with other "
             f"jobs during the run (load average {load_start} at the start, {load_end} at the end): times are noisy.", "",
             "Each setting was repeated " f"{args.reps} times (the new terms alone {10 * args.reps} times) after one "
             "warm-up, the settings of a repetition in turn; "
             "medians below. *Before*: the dense computation over all C classes (`gini_loss` and `kl_loss` each computing "
             "their own (F, C) statistics), transcribed in the script. *After*: `gini_kl_terms`, on the present classes.", "",
             f"### The terms alone: B = {B}, F = {N_FEATURES}, forward + backward", "",
             "| classes C | present classes (mean) | before (ms) | after (ms) | before / after |", "|---|---|---|---|---|"]
    for C in CLASSES:
        b, a = alone.get((C, 'before')), alone[C, 'after']
        lines.append(f"| {C:,} | {present[C]:.0f} | {'not run' if b is None else f'{b:.1f}'} | {a:.1f} | "
                     f"{'' if b is None else f'{b / a:.1f}'} |")
    growth = alone[CLASSES[-1], 'after'] / alone[CLASSES[0], 'after']
    lines += ["", f"Target: the terms' cost at C = {CLASSES[-1]:,} within 2x of their cost at C = {CLASSES[0]}: "
              f"measured {growth:.2f}x, **{'met' if growth <= 2 else 'missed'}**. "
              f"(Between C = {CLASSES[0]:,} and C = {CLASSES[-1]:,} the number of present classes grows from {present[CLASSES[0]]:.0f} to "
              f"{present[CLASSES[-1]]:.0f}, and the work on them with it.)", "",
              f"The dense terms at C = {args.before_max:,} added {peak:.1f} GB to the resident memory of a fresh process; they "
              f"grow linearly with C, so C = 100,000 would need about {peak * 100_000 / args.before_max:.0f} GB, and was not run "
              f"on this shared 23 GB machine." if args.before_max < CLASSES[-1] else
              f"The dense terms at C = {args.before_max:,} added {peak:.1f} GB to the resident memory of a fresh process."]
    if train:
        lines += ["", f"### A training step: timm resnet18, 32x32 inputs, B = {B}, SGD", "",
                  f"Terms on the final feature map ({B}, 512, 1, 1). *Measured ratio*: step with the terms over the step without, "
                  "within each repetition (median, and the range over repetitions). *Terms in the step*: forward and backward "
                  "of the terms alone on that step's feature map, 3 times per repetition (median); the step with the terms "
                  "does exactly that on top of the step without (the model's backward runs once either way, with the two "
                  "gradients added at the feature map), so *estimated ratio* = 1 + terms / step without: the same quantity, "
                  "far less sensitive to the machine's noise than a difference of two whole steps.", "",
                  "| classes C | step without terms (ms) | dense terms: step (ms) | measured ratio | terms in the step (ms) "
                  "| estimated ratio | new terms: step (ms) | measured ratio | terms in the step (ms) | estimated ratio |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for C, r in train.items():
            cells = [f"{C:,}", f"{r['model']:.0f}"]
            for v in VARIANTS:
                lo, hi = r[v + '_ratio_range']
                cells += [f"{r[v]:.0f}", f"{r[v + '_ratio']:.3f} ({lo:.2f}-{hi:.2f})", f"{r[v + '_alone']:.1f}",
                          f"{1 + r[v + '_alone'] / r['model']:.3f}"]
            lines.append('| ' + ' | '.join(cells) + ' |')
        worst = max(r['after_ratio'] for r in train.values())
        worst_est = max(1 + r['after_alone'] / r['model'] for r in train.values())
        lines += ["", f"Target: a training-step ratio of at most 1.02 at every C. Estimated: at most {worst_est:.3f}, "
                  f"**{'met' if worst_est <= 1.02 else 'missed'}**; measured: the largest median ratio is {worst:.3f}, "
                  f"**{'met' if worst <= 1.02 else 'missed'}** (the repetitions' ratios spread over the ranges shown: on this "
                  f"shared machine a difference of 2% between two whole steps is below the noise)."]
    if mem:
        lines += ["", f"### With a memory (decay 0.9), every class remembered: B = {B}, F = {N_FEATURES}", "",
                  "Once every class is remembered, every class is present in the terms, so their cost grows with C whatever "
                  "the memory's storage; the memory's own update (decay and add, `(F, C)` dense) is the part a sparse "
                  "storage could save.", "",
                  "| classes C | terms with memory, forward + backward (ms) | memory update alone (ms) |", "|---|---|---|"]
        for C, (t, u) in mem.items(): lines.append(f"| {C:,} | {t:.1f} | {u:.1f} |")
    text = '\n'.join(lines) + '\n'
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, 'a' if args.append else 'w') as f: f.write(('\n' if args.append else '') + text)
        print(f"written to {args.out}")

if __name__ == '__main__': main()
