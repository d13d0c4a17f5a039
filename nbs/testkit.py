"""Helpers shared by the notebooks' tests: tiny models and real-data loaders that train in a moment.

Not part of the installed package: the notebooks import it from this folder (`nbdev_test` runs them here).
"""
import pickle
from collections import Counter
from pathlib import Path
import numpy as np
import timm, torch, torchvision
from PIL import Image
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode
from sklearn.datasets import load_digits
from fastai.data.block import CategoryBlock
from fastai.data.core import Datasets
from fastai.data.transforms import Categorize, ItemGetter, RandomSplitter
from fastai.torch_core import TensorImage


def digits_dls(bs:int=64, seed:int=0, n_train:int=None, n_valid:int=None):
    "scikit-learn's 8x8 handwritten digits as fastai `DataLoaders` (1 channel, 10 classes, 80/20 split by `seed`)."
    X, y = load_digits(return_X_y=True)
    imgs = TensorImage(torch.tensor(X, dtype=torch.float32).view(-1, 1, 8, 8) / 16)
    train, valid = RandomSplitter(0.2, seed=seed)(range(len(y)))
    items = list(zip(imgs, y.tolist()))
    tfms = [[ItemGetter(0)], [ItemGetter(1), Categorize()]]
    return Datasets(items, tfms, splits=(train[:n_train], valid[:n_valid])).dataloaders(bs=bs, num_workers=0)


def tiny_resnet(in_chans:int=1, n_classes:int=10, pretrained:bool=False):
    "A small timm ResNet, one basic block per stage, 8 to 64 channels (86k parameters); never pretrained."
    if pretrained: raise ValueError("tiny_resnet has no pretrained weights")
    return timm.models.resnet.ResNet(timm.models.resnet.BasicBlock, [1, 1, 1, 1], num_classes=n_classes,
                                     in_chans=in_chans, channels=(8, 16, 32, 64), stem_width=8)


def tv_resnet(n_classes:int=10):
    "torchvision's ResNet with one basic block per stage, for one-channel images."
    m = torchvision.models.resnet.ResNet(torchvision.models.resnet.BasicBlock, [1, 1, 1, 1], num_classes=n_classes)
    m.conv1 = nn.Conv2d(1, 64, 7, stride=2, padding=3, bias=False)
    return m


def write_cifar100(root, n_train:int=3, n_test:int=1, str_keys:bool=False):
    "A small `cifar-100-python` folder under `root`, in torchvision's layout: `n_train`/`n_test` images per class."
    k = (lambda s: s) if str_keys else (lambda s: s.encode())
    folder = Path(root)/'cifar-100-python'
    folder.mkdir(parents=True)
    names = [f'class_{i:02d}' for i in range(100)]
    meta = {k('fine_label_names'): [k(n) for n in names], k('coarse_label_names'): [k(f'super_{i}') for i in range(20)]}
    with open(folder/'meta', 'wb') as f: pickle.dump(meta, f)
    for split, n in (('train', n_train), ('test', n_test)):
        labels = [c for c in range(100) for _ in range(n)]
        imgs = np.zeros((len(labels), 3, 32, 32), np.uint8)
        imgs[:, 0] = np.arange(len(labels))[:, None, None] % 256
        imgs[:, 1] = np.arange(32)[:, None] * 8
        imgs[:, 2] = np.arange(32)[None, :] * 8
        d = {k('batch_label'): k(f'{split} batch'), k('filenames'): [k(f'img_{i}.png') for i in range(len(labels))],
             k('fine_labels'): labels, k('coarse_labels'): [c // 5 for c in labels],
             k('data'): imgs.reshape(len(labels), 3072)}
        with open(folder/split, 'wb') as f: pickle.dump(d, f)
    return folder


def write_caltech(root, counts:dict=None, layout=('caltech101', '101_ObjectCategories')):
    "A small Caltech 101 tree of random JPEGs under `root` (grey and colour, varied sizes, a clutter class, a stray file)."
    counts = counts or {'accordion': 5, 'airplanes': 7, 'anchor': 4, 'BACKGROUND_Google': 3}
    tree = Path(root).joinpath(*layout)
    rng = np.random.default_rng(0)
    for c, n in counts.items():
        (tree/c).mkdir(parents=True)
        for i in range(n):
            h, w = rng.integers(12, 40, 2)
            img = Image.fromarray(rng.integers(0, 256, (3, 3, 3), dtype=np.uint8)).resize((int(w), int(h)), Image.BICUBIC)
            (img.convert('L') if i == 0 else img).save(tree/c/f'image_{i+1:04d}.jpg')
    if 'accordion' in counts: (tree/'accordion'/'notes.txt').write_text('not an image')
    return tree


def tiny_cnn(in_chans:int=1, n_classes:int=10):
    "One 3x3 convolution of 8 channels, average-pooled, and a linear classifier: a CNN for any image size, fast to fit."
    return nn.Sequential(nn.Conv2d(in_chans, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(8, n_classes))


def small_cnn(n_classes:int=10):
    "Three convolutions for 8x8 grey images (the digits), pooled to 128 penultimate features, and a linear classifier."
    return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
                         nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
                         nn.Conv2d(64, 128, 3, stride=2, padding=1), nn.BatchNorm2d(128), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, n_classes))


def one_class_features(n_per_class:int=20, n_classes:int=4, per_class:int=3, seed:int=0):
    "Random features in which feature j fires only on samples of class `j % n_classes`, and their labels."
    gen = torch.Generator().manual_seed(seed)
    labels = torch.arange(n_per_class * n_classes) % n_classes
    owner = torch.arange(per_class * n_classes) % n_classes
    feats = torch.rand(len(labels), len(owner), generator=gen) * (labels[:, None] == owner[None])
    return feats, labels


_HOST_OPS = {'_local_scalar_dense', 'item', 'is_nonzero', 'equal', 'nonzero', 'unique', '_unique', '_unique2',
             'unique_dim', 'unique_consecutive', 'masked_select', 'bincount'} # ops that read a device value on the host

class HostSyncs(TorchDispatchMode):
    "Counts, by name, the ops that need a value of a tensor on the host: on a GPU, each one waits for the device."
    def __init__(self):
        super().__init__()
        self.ops = Counter()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = func.overloadpacket.__name__
        indices = args[1] if name.startswith('index') and len(args) > 1 and isinstance(args[1], (list, tuple)) else ()
        if name in _HOST_OPS: self.ops[name] += 1
        elif any(isinstance(i, torch.Tensor) and i.dtype == torch.bool for i in indices): self.ops[f'{name} (bool mask)'] += 1
        elif name == 'repeat_interleave' and kwargs.get('output_size') is None and isinstance(args[0], torch.Tensor) \
             and (len(args) < 2 or isinstance(args[1], torch.Tensor)): self.ops[name] += 1
        elif name in ('_to_copy', 'copy_') and _to_host(func, args, kwargs): self.ops[f'{name} (to the CPU)'] += 1
        return func(*args, **kwargs)

    @property
    def total(self)->int: return sum(self.ops.values())


def _to_host(func, args, kwargs)->bool:
    "Whether a copy op moves a tensor from an accelerator to the CPU."
    src = args[1] if func.overloadpacket.__name__ == 'copy_' else args[0]
    dest = args[0].device if func.overloadpacket.__name__ == 'copy_' else kwargs.get('device')
    return isinstance(src, torch.Tensor) and src.device.type != 'cpu' and dest is not None and torch.device(dest).type == 'cpu'


def host_syncs(step)->Counter:
    "The host-synchronising ops of one call of `step()` (run it once before, to warm up)."
    with HostSyncs() as counter: step()
    return counter.ops
