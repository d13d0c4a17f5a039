"""Cost of GiniKLCallback during training: step time and peak memory, with over without.

timm resnet18, 100 classes, 32x32 RGB, batch 128, on the CPU. Step times: the two learners (same initial weights, same
batches) take turns, one training step each, inside one open fit each, in one process, so that the machine's noise hits
both alike; the first 3 steps of each are warm-up (the callback's one-off shape check falls there). Peak memory:
each setting in its own process, peak resident memory during 20 steps minus the resident memory before them.

    python benchmarks/overhead.py [--steps 30] [--threads 2]
"""
import argparse, json, resource, statistics, subprocess, sys, time
import torch, timm
from fastai.learner import Learner
from fastai.callback.core import Callback
from fastai.data.core import DataLoaders
from fastai.data.load import DataLoader
from gini_loss.callback import GiniKLCallback

N_CLASSES, BS = 100, 128

def make_learner(with_terms:bool, n_batches:int):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n_batches * BS, 3, 32, 32, generator=g)
    y = torch.randint(0, N_CLASSES, (n_batches * BS,), generator=g)
    ds = torch.utils.data.TensorDataset(x, y)
    one_batch = torch.utils.data.TensorDataset(x[:BS], y[:BS])
    dls = DataLoaders(DataLoader(ds, bs=BS, shuffle=True, drop_last=True), DataLoader(one_batch, bs=BS))
    torch.manual_seed(0)
    model = timm.create_model('resnet18', num_classes=N_CLASSES)
    cbs = [GiniKLCallback(n_classes=N_CLASSES)] if with_terms else []
    learn = Learner(dls, model, loss_func=torch.nn.CrossEntropyLoss(), cbs=cbs)
    learn.remove_cbs([cb for cb in learn.cbs if type(cb).__name__ == 'ProgressCallback'])
    return learn

def _rss_mb():
    with open('/proc/self/statm') as f: return int(f.read().split()[1]) * resource.getpagesize() / 2**20

def peak_memory(with_terms:bool, steps:int)->float:
    "Run in a child process: resident-memory high-water mark of `steps` training steps above the resident memory before them, in MiB."
    learn = make_learner(with_terms, steps)
    before = _rss_mb()
    learn.fit(1, 1e-3)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=30, help='measured steps per learner (after one warm-up turn)')
    p.add_argument('--threads', type=int, default=2, help='torch threads')
    p.add_argument('--memory-child', choices=['ce', 'gini'], help=argparse.SUPPRESS)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.memory_child:
        print(json.dumps(peak_memory(a.memory_child == 'gini', 20))); return

    learners = {'ce': make_learner(False, 4), 'ce+gini+kl': make_learner(True, 4)}
    batches = list(learners['ce'].dls.train)
    for learn in learners.values():   # open a fit and its first epoch, as `Learner.fit` does, without running it
        learn.create_opt(); learn.n_epoch, learn.epoch, learn.dl = 1, 0, learn.dls.train
        learn.n_iter = len(batches)
        for event in ('before_fit', 'before_epoch', 'before_train'): learn(event)
    warmup, times = 3, {k: [] for k in learners}
    for step in range(warmup + a.steps):
        for k, learn in learners.items():
            start = time.perf_counter()
            learn.one_batch(step % len(batches), batches[step % len(batches)])
            if step >= warmup: times[k].append(time.perf_counter() - start)
    for learn in learners.values(): learn('after_fit')
    med = {k: statistics.median(t) for k, t in times.items()}
    n = {k: len(t) for k, t in times.items()}
    mem = {k: float(subprocess.run([sys.executable, __file__, '--memory-child', c, '--threads', str(a.threads)],
                                   capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
           for k, c in (('ce', 'ce'), ('ce+gini+kl', 'gini'))}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, timm resnet18, {N_CLASSES} classes, 32x32x3, batch {BS}")
    for k in learners: print(f"{k:>11}: median step {1e3 * med[k]:7.1f} ms over {n[k]} steps, peak memory +{mem[k]:7.1f} MiB")
    print(f"time ratio   {med['ce+gini+kl'] / med['ce']:.3f}   (target <= 1.02)")
    print(f"memory ratio {mem['ce+gini+kl'] / mem['ce']:.3f}   (target <= 1.05)")

if __name__ == '__main__': main()
