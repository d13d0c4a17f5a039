"""Effect of the class-statistics memory (`GiniKLCallback(memory=...)`) with a small batch on Fashion-MNIST.

Trains the same small model with cross-entropy alone, with CE + Gini + KL on the current batch only, and with
CE + Gini + KL whose class statistics include an exponentially decayed memory of the past batches, over several seeds
(each seed fixes the subset, the data order, the augmentation and the initial weights, shared by the variants).
Reports the test accuracy and the Gini impurity and KL term of the penultimate features over the whole test set,
per run and as paired differences, and writes them as markdown.

    python3 benchmarks/memory_effect.py            # the committed benchmarks/results/memory_effect/README.md
    python3 benchmarks/memory_effect.py --smoke    # seconds: 1% of the data, 1 epoch, 2 seeds, one decay, into a temporary folder
"""
import argparse, platform, shlex, sys, tempfile, time
from datetime import datetime, timezone
from pathlib import Path

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('--data', default=None, help='Folder of the four Fashion-MNIST IDX files (default: the Debian package folder, then ~/.gini_loss/data)')
    p.add_argument('--arch', default='test_resnet', help='gini_loss.models.create_model name')
    p.add_argument('--subset', type=float, default=.1, help='Fraction of each class kept in the training and the test set')
    p.add_argument('--bs', type=int, default=16, help='Batch size')
    p.add_argument('--epochs', type=int, default=2, help='Epochs of fit_one_cycle')
    p.add_argument('--lr', type=float, default=3e-3, help='Peak learning rate')
    p.add_argument('--seeds', type=int, default=5, help='Seeds 0..N-1')
    p.add_argument('--memory', default='0.5,0.9', help='Comma-separated decays of the memory variants')
    p.add_argument('--gini-weight', type=float, default=.5)
    p.add_argument('--kl-weight', type=float, default=.2)
    p.add_argument('--threads', type=int, default=1, help='torch CPU threads')
    p.add_argument('--out', default=None, help='Markdown page written (default: benchmarks/results/memory_effect/README.md; smoke: a temporary folder)')
    p.add_argument('--machine-note', default='', help='Said of the machine in the report, e.g. that it was shared')
    p.add_argument('--smoke', action='store_true', help='A check that the script runs, in seconds: 1%% of the data, 1 epoch, 2 seeds, one decay')
    a = p.parse_args(argv)
    if a.smoke: a.subset, a.epochs, a.seeds, a.memory = .01, 1, 2, '0.9'
    a.out = a.out or (Path(tempfile.mkdtemp(prefix='memory_effect_smoke_'))/'README.md' if a.smoke else 'benchmarks/results/memory_effect/README.md')
    return a

def whole_set_terms(learn):
    "Gini impurity and KL (uniform prior) of the penultimate features over the whole validation set, and its top-1 accuracy."
    import torch
    from gini_loss.core import class_sums, feature_shares, gini_term, kl_term, class_prior
    from gini_loss.hooks import feature_layer
    feats, ys, preds = [], [], []
    clf = feature_layer(learn.model, learn.dls.valid.one_batch()[0]) # the example batch finds the classifier on any model
    h = clf.register_forward_hook(lambda m, i, o: feats.append(i[0].detach().float()))
    learn.model.eval()
    try:
        with torch.no_grad():
            for xb, yb in learn.dls.valid: preds.append(learn.model(xb).argmax(1)); ys.append(yb)
    finally: h.remove()
    y = torch.cat(ys)
    sums, totals = class_sums(torch.cat(feats), y, learn.dls.c)
    shares, live = feature_shares(sums, totals)
    return dict(acc=float((torch.cat(preds) == y).float().mean()), gini=float(gini_term(shares, live)),
                kl=float(kl_term(shares, live, class_prior(None, totals))))

def run(a, seed:int, variant:str)->dict:
    from fastai.vision.all import Learner, accuracy, set_seed
    from gini_loss.data import get_dls
    from gini_loss.models import create_model
    from gini_loss.callback import GiniKLCallback
    set_seed(seed)
    dls = get_dls('fashion_mnist', path=a.data, bs=a.bs, seed=seed, subset=a.subset, download=False, device='cpu')
    model = create_model(a.arch, dls.c, in_chans=1, img_size=28)
    memory = float(variant.removeprefix('memory')) if variant.startswith('memory') else None
    cbs = [] if variant == 'ce' else [GiniKLCallback(gini_weight=a.gini_weight, kl_weight=a.kl_weight, memory=memory)]
    learn = Learner(dls, model, metrics=accuracy, cbs=cbs)
    start = time.perf_counter()
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(a.epochs, a.lr)
    seconds = time.perf_counter() - start
    rec = dict(zip(learn.recorder.metric_names[1:], learn.recorder.values[-1]))
    return dict(seed=seed, variant=variant, seconds=seconds, train_gini=rec.get('train_gini'), n_train=len(dls.train_ds), n_test=len(dls.valid_ds),
                **whole_set_terms(learn))

def mean_sd(xs):
    import statistics
    return statistics.mean(xs), (statistics.stdev(xs) if len(xs) > 1 else 0.)

def report(a, runs:list, argv:list, started:str, wall:float)->str:
    names = {'ce': 'CE', 'none': 'CE + Gini + KL', **{f'memory{d}': f'CE + Gini + KL, memory {d}' for d in a.decays}}
    by = {v: [r for r in runs if r['variant'] == v] for v in names}
    fmt = lambda x: '' if x is None else f'{x:.4f}'
    lines = [f"# Memory of class statistics: effect with batch size {a.bs} on Fashion-MNIST", '',
             f"Command: `python3 benchmarks/memory_effect.py {shlex.join(argv)}`", '',
             f"Started {started}, {wall / 60:.1f} min in all; Python {platform.python_version()}, torch threads {a.threads}, CPU only. {a.machine_note}".rstrip(), '',
             f"Setting: `{a.arch}` (timm, via `gini_loss.models.create_model`), Fashion-MNIST with {100 * a.subset:g}% of each class in the training "
             f"and the test set (`get_dls(subset={a.subset})`: {runs[0]['n_train']:,} training and {runs[0]['n_test']:,} test images), batch size {a.bs}, "
             f"{a.epochs} epochs of `fit_one_cycle` at peak lr {a.lr}, Gini weight {a.gini_weight}, KL weight {a.kl_weight} (prior: the training "
             f"label frequencies), memory decays {', '.join(f'{d} (about {a.bs / (1 - d):.0f} samples behind each statistic)' for d in a.decays)} instead of {a.bs}. "
             f"Seeds 0..{a.seeds - 1}; a seed fixes the subset, data order, augmentation and initial weights, shared by the variants.", '',
             "Columns: top-1 accuracy on the test subset; Gini impurity and KL (uniform prior) of the penultimate features over the whole "
             "test subset (`class_sums` of all its images); `train_gini`: the Gini term the callback computed in training, mean over the "
             "last epoch's batches (with the memory: from the remembered statistics).", '',
             '## Mean ± sd over seeds', '',
             '| variant | accuracy | feature Gini (test) | feature KL (test) | train_gini (last epoch) | s / run |', '|---|---|---|---|---|---|']
    for v, name in names.items():
        rs = by[v]
        cells = []
        for k in ('acc', 'gini', 'kl', 'train_gini', 'seconds'):
            xs = [r[k] for r in rs if r[k] is not None]
            cells.append(f'{mean_sd(xs)[0]:.4f} ± {mean_sd(xs)[1]:.4f}' if xs and k != 'seconds' else (f'{mean_sd(xs)[0]:.0f}' if xs else ''))
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    lines += ['', '## Paired differences, with memory minus without (same seed)', '',
              '| decay | quantity | mean diff | sd | seeds where memory is higher |', '|---|---|---|---|---|']
    for dec in a.decays:
        pairs = [(m, n) for m in by[f'memory{dec}'] for n in by['none'] if m['seed'] == n['seed']]
        for k, label in (('acc', 'accuracy'), ('gini', 'feature Gini (test)'), ('kl', 'feature KL (test)')):
            d = [m[k] - n[k] for m, n in pairs]
            lines.append(f'| {dec} | {label} | {mean_sd(d)[0]:+.4f} | {mean_sd(d)[1]:.4f} | {sum(x > 0 for x in d)} of {len(d)} |')
    lines += ['', '## Runs', '', '| seed | variant | accuracy | feature Gini | feature KL | train_gini | s |', '|---|---|---|---|---|---|---|']
    for r in sorted(runs, key=lambda r: (r['seed'], list(names).index(r['variant']))):
        lines.append(f"| {r['seed']} | {names[r['variant']]} | {r['acc']:.4f} | {r['gini']:.4f} | {r['kl']:.4f} | {fmt(r['train_gini'])} | {r['seconds']:.0f} |")
    return '\n'.join(lines) + '\n'

def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    a = parse_args(argv)
    a.decays = [float(d) for d in a.memory.split(',')]
    import torch
    torch.set_num_threads(a.threads)
    started, t0, runs = datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC'), time.perf_counter(), []
    for seed in range(a.seeds):
        for variant in ('ce', 'none', *(f'memory{d}' for d in a.decays)):
            runs.append(run(a, seed, variant))
            r = runs[-1]
            print(f"seed {seed} {variant:10s} acc {r['acc']:.4f} gini {r['gini']:.4f} kl {r['kl']:.4f} train_gini {r['train_gini']} ({r['seconds']:.0f} s)", flush=True)
    text = report(a, runs, argv, started, time.perf_counter() - t0)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(text)
    print(text)
    print(f"written to {a.out}")

if __name__ == '__main__': main()
