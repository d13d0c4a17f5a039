"""Tests of the installed `gini_loss` wheel, run by `tools/test_wheel.sh` in fresh virtual environments at the oldest and the
newest versions of its requirements. They import the package from site-packages, never from a repository checkout: run them
from a folder outside the repository (the script runs them from a temporary folder)."""
import os, sys
from pathlib import Path

import pytest

os.environ.setdefault('OMP_NUM_THREADS', '1')


def pytest_report_header(config):
    from importlib.metadata import version
    names = ['gini_loss', 'torch', 'torchvision', 'fastai', 'fastcore', 'fasttransform', 'plum-dispatch', 'timm', 'numpy',
             'accelerate', 'pytorch-lightning']
    def v(n):
        try: return version(n)
        except Exception: return 'not installed'
    return [f"Python {sys.version.split()[0]}; " + ', '.join(f'{n} {v(n)}' for n in names)]


@pytest.fixture(autouse=True)
def in_tmp_dir(tmp_path, monkeypatch):
    "Each test runs in its own empty folder: nothing it writes lands in the repository, and no `gini_loss/` folder shadows the wheel."
    monkeypatch.chdir(tmp_path)
    yield tmp_path


@pytest.fixture(scope='session')
def digits_dls():
    "scikit-learn's handwritten digits as the package's fastai DataLoaders (no download), batches on the CPU."
    from gini_loss.data import get_dls
    return get_dls('digits', bs=64, device='cpu')


def small_cnn(n_classes:int=10, in_chans:int=1):
    "A small CNN whose final classifier `feature_layer` finds by its structure: features are the input of `fc`."
    import torch
    from torch import nn
    torch.manual_seed(0)
    class SmallCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Conv2d(in_chans, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                                      nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
                                      nn.AdaptiveAvgPool2d(1), nn.Flatten())
            self.fc = nn.Linear(32, n_classes)
        def forward(self, x): return self.fc(self.body(x))
    return SmallCNN()
