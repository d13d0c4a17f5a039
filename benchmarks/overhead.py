"""Cost of GiniKLCallback during training: step time and peak memory, with over without.

timm resnet18, 100 classes, 32x32 RGB, batch 128, on the CPU. Step times: two learners (same initial weights, same
batches) each run a real `fit` in a thread of one process, and take turns one training batch at a time (a semaphore
hands over at every batch), so the machine's noise hits both alike; a batch is timed from its first `before_batch` to
its last `after_batch` event, so the callback's hooks and terms are inside the time; the first 3 batches of each are
warm-up. Peak memory: each setting in its own process, peak resident memory during 20 steps minus the resident memory
before them.

    python benchmarks/overhead.py [--steps 40] [--threads 2]
    python benchmarks/overhead.py --smoke     # seconds: 10 classes, batch 16, 2 measured steps, 3 for the memory

Its results: benchmarks/results/overhead/README.md.
"""
import argparse, json, math, resource, statistics, subprocess, sys, threading, time
import torch, timm
from fastai.learner import Learner
from fastai.callback.core import Callback
from fastai.data.core import DataLoaders
from fastai.data.load import DataLoader
from gini_loss.callback import GiniKLCallback

N_CLASSES, BS = 100, 128

def make_learner(with_terms:bool, n_batches:int, cbs=()):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n_batches * BS, 3, 32, 32, generator=g)
    y = torch.randint(0, N_CLASSES, (n_batches * BS,), generator=g)
    ds = torch.utils.data.TensorDataset(x, y)
    one_batch = torch.utils.data.TensorDataset(x[:BS], y[:BS])
    dls = DataLoaders(DataLoader(ds, bs=BS, shuffle=False, drop_last=True), DataLoader(one_batch, bs=BS))
    torch.manual_seed(0)
    model = timm.create_model('resnet18', num_classes=N_CLASSES)
    cbs = list(cbs) + ([GiniKLCallback(n_classes=N_CLASSES)] if with_terms else [])
    learn = Learner(dls, model, loss_func=torch.nn.CrossEntropyLoss(), cbs=cbs)
    learn.remove_cbs([cb for cb in learn.cbs if type(cb).__name__ == 'ProgressCallback'])
    return learn

class TurnStart(Callback):
    "Wait for this learner's turn, then start the clock (first of all `before_batch` events)."
    order = -100
    def __init__(self, mine, times): self.mine, self.times = mine, times
    def before_batch(self):
        if self.training: self.mine.acquire(); self.times.append(-time.perf_counter())

class TurnEnd(Callback):
    "Stop the clock and hand the turn to the other learner (last of all `after_batch` events)."
    order = 100
    def __init__(self, other, times): self.other, self.times = other, times
    def after_batch(self):
        if self.training: self.times[-1] += time.perf_counter(); self.other.release()

def _rss_mb():
    with open('/proc/self/statm') as f: return int(f.read().split()[1]) * resource.getpagesize() / 2**20

def peak_memory(with_terms:bool, steps:int)->float:
    "Run in a child process: peak resident memory of `steps` training steps above the memory before them, in MiB."
    learn = make_learner(with_terms, steps)
    before = _rss_mb()
    learn.fit(1, 1e-3)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=40, help='measured steps per learner (after 3 warm-up steps)')
    p.add_argument('--threads', type=int, default=2, help='torch threads')
    p.add_argument('--memory-child', choices=['ce', 'gini'], help=argparse.SUPPRESS)
    p.add_argument('--smoke', action='store_true', help='a check that the script runs, in seconds: 10 classes, batch 16, '
                   '2 measured steps, 3 steps for the peak memory')
    a = p.parse_args()
    global N_CLASSES, BS
    if a.smoke: N_CLASSES, BS, a.steps, a.threads = 10, 16, 2, 1
    torch.set_num_threads(a.threads)
    if a.memory_child:
        print(json.dumps(peak_memory(a.memory_child == 'gini', 3 if a.smoke else 20))); return

    warmup, n = 3, 3 + a.steps
    sems = {'ce': threading.Semaphore(1), 'ce+gini+kl': threading.Semaphore(0)}
    times = {k: [] for k in sems}
    other = {'ce': 'ce+gini+kl', 'ce+gini+kl': 'ce'}
    learners = {k: make_learner(k != 'ce', n, [TurnStart(sems[k], times[k]), TurnEnd(sems[other[k]], times[k])])
                for k in sems}
    threads = [threading.Thread(target=learn.fit, args=(1, 1e-3)) for learn in learners.values()]
    for t in threads: t.start()
    for t in threads: t.join()
    med = {k: statistics.median(t[warmup:]) for k, t in times.items()}
    mem = {k: float(subprocess.run([sys.executable, __file__, '--memory-child', c, '--threads', str(a.threads)] + ['--smoke'] * a.smoke,
                                   capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
           for k, c in (('ce', 'ce'), ('ce+gini+kl', 'gini'))}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, timm resnet18, {N_CLASSES} classes, "
          f"32x32x3, batch {BS}")
    for k in learners:
        print(f"{k:>11}: median step {1e3 * med[k]:7.1f} ms over {len(times[k]) - warmup} steps, "
              f"peak memory +{mem[k]:7.1f} MiB")
    print(f"time ratio   {med['ce+gini+kl'] / med['ce']:.3f}   (target <= 1.02)")
    print(f"memory ratio {mem['ce+gini+kl'] / mem['ce'] if mem['ce'] > 0 else math.nan:.3f}   (target <= 1.05)")

if __name__ == '__main__': main()
