"""Training step of a `torch.compile`d model with the Gini and KL terms, over the same compiled model without them.

A plain PyTorch loop, as `gini_loss.hooks` documents it: `capture_features` is entered before the compiled model first
runs, so the hooks are traced into the compiled graph, and `GiniKLLoss` adds the terms. Two twins (same initial
weights, same batches) take turns, one step each, in one process, so the machine's noise hits both alike; the first
steps are warm-up (compilation). Also counts the graphs torch compiled, to show that steady-state steps do not recompile.
The twins share their class's compiled code unless torch guards it on hooks, so the script sets
`torch._dynamo.config.skip_nnmodule_hook_guards = False` before compiling (see the hooks notebook).

With `--learner`, the same comparison in fastai: two learners whose models are `torch.compile` twins, one with
`GiniKLCallback`, each fitting one epoch of 4 batches in turn (the first epoch of each is warm-up), a batch timed from
its first `before_batch` to its last `after_batch` event. torch's settings are left as they are (the callback needs no
change to them); the plain twin is made an instance of a subclass so that torch compiles it separately.

    python benchmarks/compiled_step.py [--steps 40] [--threads 2] [--arch resnet10t] [--learner]
    python benchmarks/compiled_step.py --smoke    # seconds: timm's test_resnet, batch 8, 10 classes, 2 + 2 steps, aot_eager

Its results: benchmarks/results/overhead/README.md (sections "A compiled model in a plain loop" and, for
`--learner`, "A compiled model in a fastai fit").
"""
import argparse, copy, math, statistics, time
import torch, timm
from fastai.callback.core import Callback
from fastai.data.core import DataLoaders
from fastai.data.load import DataLoader
from fastai.learner import Learner
from gini_loss.callback import GiniKLCallback
import torch.nn.functional as F
from torch._dynamo.utils import counters
from gini_loss.core import GiniKLLoss
from gini_loss.hooks import capture_features

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=40, help='measured steps per model')
    p.add_argument('--warmup', type=int, default=5, help='steps of each model before measuring')
    p.add_argument('--threads', type=int, default=2, help='torch threads')
    p.add_argument('--arch', default='resnet10t', help='timm architecture')
    p.add_argument('--bs', type=int, default=64, help='batch size')
    p.add_argument('--classes', type=int, default=100, help='number of classes')
    p.add_argument('--backend', default='inductor', help="torch.compile backend ('aot_eager': traced, no code generated)")
    p.add_argument('--learner', action='store_true', help='fastai learners, one with GiniKLCallback, instead of a plain loop')
    p.add_argument('--smoke', action='store_true', help="a check that the script runs, in seconds: test_resnet, 2 + 2 steps, "
                   "batch 8, 10 classes, backend aot_eager (inductor's code generation alone takes minutes on a loaded CPU)")
    a = p.parse_args()
    if a.smoke: a.steps, a.warmup, a.threads, a.arch, a.bs, a.classes, a.backend = 2, 2, 1, 'test_resnet', 8, 10, 'aot_eager'
    torch.set_num_threads(a.threads)
    if a.learner: return learner_steps(a)
    torch._dynamo.config.skip_nnmodule_hook_guards = False
    torch.manual_seed(0)
    plain = timm.create_model(a.arch, num_classes=a.classes)
    hooked = copy.deepcopy(plain)
    models = {'compiled': torch.compile(plain, backend=a.backend), 'compiled + Gini + KL': torch.compile(hooked, backend=a.backend)}
    opts = {k: torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9) for k, m in models.items()}
    terms = GiniKLLoss(a.classes, gini_weight=0.5, kl_weight=0.2)
    g = torch.Generator().manual_seed(0)
    batches = [(torch.randn(a.bs, 3, 32, 32, generator=g), torch.randint(0, a.classes, (a.bs,), generator=g))
               for _ in range(4)]
    times = {k: [] for k in models}
    graphs = []
    with capture_features(models['compiled + Gini + KL']) as feats:
        for step in range(a.warmup + a.steps):
            if step == a.warmup: graphs.append(counters['stats']['unique_graphs'])
            xb, yb = batches[step % len(batches)]
            for k, model in models.items():
                start = time.perf_counter()
                loss = F.cross_entropy(model(xb), yb)
                if k != 'compiled': loss = loss + terms(feats[0], yb)
                opts[k].zero_grad(); loss.backward(); opts[k].step()
                if step >= a.warmup: times[k].append(time.perf_counter() - start)
    graphs.append(counters['stats']['unique_graphs'])
    med = {k: statistics.median(t) for k, t in times.items()}
    print(f"torch {torch.__version__}, backend {a.backend}, {torch.get_num_threads()} threads, timm {a.arch}, {a.classes} classes, "
          f"32x32x3, batch {a.bs}, {a.steps} measured steps each")
    for k, m in med.items(): print(f"{k:>22}: median step {1e3 * m:7.1f} ms")
    print(f"time ratio {med['compiled + Gini + KL'] / med['compiled']:.3f}")
    print(f"graphs compiled during warm-up {graphs[0]}, during the measured steps {graphs[1] - graphs[0]}")

class _Clock(Callback):
    "Times each training batch, from the first `before_batch` event to the last `after_batch` event."
    order = -100
    def __init__(self, times): self.times = times
    def before_batch(self):
        if self.training: self.start = time.perf_counter()
    def after_batch(self):
        if self.training: self.times.append(time.perf_counter() - self.start)
_Clock.after_batch.order = 100

def learner_steps(a, per_epoch:int=4):
    "The median training step of a compiled model in a fastai `Learner`, with `GiniKLCallback` over without."
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(per_epoch * a.bs, 3, 32, 32, generator=g), torch.randint(0, a.classes, (per_epoch * a.bs,), generator=g)
    ds = torch.utils.data.TensorDataset(x, y)
    torch.manual_seed(0)
    hooked = timm.create_model(a.arch, num_classes=a.classes)
    plain = copy.deepcopy(hooked)
    plain.__class__ = type(f'Plain{type(hooked).__name__}', (type(hooked),), {})  # its own compiled code
    times, learners = {}, {}
    for k, model, cbs in (('compiled', plain, []), ('compiled + Gini + KL', hooked, [GiniKLCallback(n_classes=a.classes)])):
        dls = DataLoaders(DataLoader(ds, bs=a.bs, drop_last=True), DataLoader(torch.utils.data.TensorDataset(x[:a.bs], y[:a.bs]), bs=a.bs))
        times[k] = []
        learners[k] = Learner(dls, torch.compile(model, backend=a.backend), loss_func=torch.nn.CrossEntropyLoss(),
                              cbs=cbs + [_Clock(times[k])])
    graphs, rounds = [], 1 + math.ceil(a.steps / per_epoch)
    for r in range(rounds):
        if r == 1: graphs.append(counters['stats']['unique_graphs'])
        for learn in learners.values():
            with learn.no_logging(): learn.fit(1, 1e-3)
    graphs.append(counters['stats']['unique_graphs'])
    med = {k: statistics.median(t[per_epoch:]) for k, t in times.items()}
    print(f"torch {torch.__version__}, backend {a.backend}, {torch.get_num_threads()} threads, timm {a.arch}, {a.classes} classes, "
          f"32x32x3, batch {a.bs}, fastai learners, {len(times['compiled']) - per_epoch} measured steps each")
    for k, m in med.items(): print(f"{k:>22}: median step {1e3 * m:7.1f} ms")
    print(f"time ratio {med['compiled + Gini + KL'] / med['compiled']:.3f}   (target <= 1.05)")
    print(f"graphs compiled during warm-up {graphs[0]}, during the measured steps {graphs[1] - graphs[0]}")

if __name__ == '__main__': main()
