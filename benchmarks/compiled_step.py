"""Training step of a `torch.compile`d model with the Gini and KL terms, over the same compiled model without them.

A plain PyTorch loop, as `gini_loss.hooks` documents it: `capture_features` is entered before the compiled model first
runs, so the hooks are traced into the compiled graph, and `GiniKLLoss` adds the terms. Two twins (same initial
weights, same batches) take turns, one step each, in one process, so the machine's noise hits both alike; the first
steps are warm-up (compilation). Also counts the graphs torch compiled, to show that steady-state steps do not recompile.
The twins share their class's compiled code unless torch guards it on hooks, so the script sets
`torch._dynamo.config.skip_nnmodule_hook_guards = False` before compiling (see the hooks notebook).

    python benchmarks/compiled_step.py [--steps 40] [--threads 2] [--arch resnet10t]
"""
import argparse, copy, statistics, time
import torch, timm
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
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch._dynamo.config.skip_nnmodule_hook_guards = False
    torch.manual_seed(0)
    plain = timm.create_model(a.arch, num_classes=a.classes)
    hooked = copy.deepcopy(plain)
    models = {'compiled': torch.compile(plain), 'compiled + Gini + KL': torch.compile(hooked)}
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
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, timm {a.arch}, {a.classes} classes, "
          f"32x32x3, batch {a.bs}, {a.steps} measured steps each")
    for k, m in med.items(): print(f"{k:>22}: median step {1e3 * m:7.1f} ms")
    print(f"time ratio {med['compiled + Gini + KL'] / med['compiled']:.3f}")
    print(f"graphs compiled during warm-up {graphs[0]}, during the measured steps {graphs[1] - graphs[0]}")

if __name__ == '__main__': main()
