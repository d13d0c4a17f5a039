"""How long does training wait for data? Times `next(iterator)` against the whole training step
of timm's ResNet-18 (1 input channel, 10 classes) on Fashion-MNIST through `gini_loss.data.get_dls`, on the CPU.

Usage: python benchmarks/data_wait.py [--steps 40] [--warmup 5] [--bs 128]
       python benchmarks/data_wait.py --smoke     # seconds: 3 steps after 1, batch 16
Prints the fraction of step time spent waiting for the next batch (target: at most 10%); it keeps no results page, and the
data notebook, nbs/03_data.ipynb (section "Speed"), names this command rather than quoting a number."""
import argparse, os, time
import torch, timm
from gini_loss.data import get_dls

def data_wait(steps:int=40, warmup:int=5, bs:int=128):
    "Seconds spent in `next(iterator)` and in whole steps, summed over `steps` steps after `warmup` steps."
    start = time.perf_counter()
    dls = get_dls('fashion_mnist', bs=bs, device='cpu')
    print(f"get_dls('fashion_mnist'): {time.perf_counter() - start:.2f} s")
    model = timm.create_model('resnet18', in_chans=1, num_classes=dls.c)
    opt = torch.optim.SGD(model.parameters(), lr=.05, momentum=.9)
    loss_func = torch.nn.CrossEntropyLoss()
    batches = iter(dls.train)
    wait = total = 0.
    for step in range(warmup + steps):
        t0 = time.perf_counter()
        xb, yb = next(batches)
        t1 = time.perf_counter()
        loss = loss_func(model(xb.as_subclass(torch.Tensor)), yb.as_subclass(torch.Tensor))
        opt.zero_grad(); loss.backward(); opt.step()
        t2 = time.perf_counter()
        if step >= warmup: wait, total = wait + t1 - t0, total + t2 - t0
    return wait, total

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=40)
    p.add_argument('--warmup', type=int, default=5)
    p.add_argument('--bs', type=int, default=128)
    p.add_argument('--smoke', action='store_true', help='a check that the script runs, in seconds: 3 steps after 1, batch 16')
    a = p.parse_args()
    if a.smoke: a.steps, a.warmup, a.bs = 3, 1, 16
    wait, total = data_wait(a.steps, a.warmup, a.bs)
    print(f"{os.cpu_count()} CPUs, {torch.get_num_threads()} torch threads, batch {a.bs}, {a.steps} steps after {a.warmup} warm-up steps")
    print(f"step {1e3 * total / a.steps:.1f} ms, waiting for data {1e3 * wait / a.steps:.2f} ms: data wait fraction {wait / total:.2%}")
