"""`GiniKLCallback` in a small fastai fit on scikit-learn's digits, then the trained learner exported, loaded and used to predict,
as the README tells a user to ship it."""
import math
import warnings

import torch
import fastai.callback.progress, fastai.callback.schedule  # Learner.no_bar, Learner.fit_one_cycle
from fastai.learner import Learner, load_learner
from fastai.losses import CrossEntropyLossFlat
from fastai.metrics import accuracy

from conftest import small_cnn
from gini_loss.callback import GiniKLCallback
from gini_loss.hooks import hook_count


def fitted(dls):
    torch.manual_seed(0)
    learn = Learner(dls, small_cnn(dls.c), loss_func=CrossEntropyLossFlat(), metrics=accuracy,
                    cbs=GiniKLCallback(gini_weight=0.5, kl_weight=0.2))
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(4, 3e-2)
    return learn


def test_the_callback_adds_and_records_the_terms(digits_dls):
    learn = fitted(digits_dls)
    names = learn.recorder.metric_names
    for n in ['train_ce', 'train_gini', 'train_kl', 'valid_ce', 'valid_gini', 'valid_kl']: assert n in names, names
    row = dict(zip(names[1:-1], learn.recorder.values[-1]))
    assert 0 <= row['train_gini'] <= 1 and row['train_kl'] >= 0 and all(map(math.isfinite, row.values())), row
    # the terms are added to the training loss only: validation reports the plain cross-entropy
    assert row['train_loss'] > row['train_ce'] and abs(row['valid_loss'] - row['valid_ce']) < 1e-5, row
    assert row['accuracy'] > 0.4, row                                               # learnt something in 4 epochs (chance: 0.1)
    assert hook_count(learn.model) == 0


def test_export_load_learner_predict(digits_dls, tmp_path):
    learn = fitted(digits_dls)
    learn.export(tmp_path/'model.pkl')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')                                             # fastai's warning about pickle
        loaded = load_learner(tmp_path/'model.pkl')
    x, y = digits_dls.valid_ds[0]
    with loaded.no_bar(): label, idx, probs = loaded.predict(x)
    assert label == loaded.dls.vocab[idx] and abs(probs.sum().item() - 1) < 1e-5
    # the loaded model is the trained one: the same probabilities as the learner's own prediction
    with learn.no_bar(): _, idx0, probs0 = learn.predict(x)
    assert idx == idx0 and torch.allclose(probs, probs0, atol=1e-6)
    assert hook_count(loaded.model) == 0


def test_export_of_a_folder_learner(tmp_path):
    """A plain fastai learner on `ImageDataLoaders.from_folder` ships too. The guard of the `plum-dispatch<2.10` bound: under
    plum-dispatch 2.10, fasttransform's `Pipeline` cannot be pickled ('cannot pickle _thread.RLock'), with fastai 2.8.7 and 2.8.12."""
    import numpy as np
    from PIL import Image
    from torch import nn
    from fastai.vision.data import ImageDataLoaders
    rng = np.random.default_rng(0)
    for split in ('train', 'valid'):
        for label, grey in (('dark', 40), ('light', 215)):
            (tmp_path/split/label).mkdir(parents=True)
            for i in range(4):
                Image.fromarray(rng.normal(grey, 20, (12, 12, 3)).clip(0, 255).astype(np.uint8)).save(tmp_path/split/label/f'{i}.png')
    torch.manual_seed(0)
    dls = ImageDataLoaders.from_folder(tmp_path, bs=4, num_workers=0, device='cpu')
    learn = Learner(dls, nn.Sequential(nn.Conv2d(3, 4, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2)),
                    cbs=GiniKLCallback())
    with learn.no_bar(), learn.no_logging(): learn.fit(1, 1e-2)
    learn.export(tmp_path/'folder.pkl')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        loaded = load_learner(tmp_path/'folder.pkl')
    img = tmp_path/'valid'/'light'/'0.png'
    with loaded.no_bar(), learn.no_bar(): assert loaded.predict(img)[0] == learn.predict(img)[0]


def test_fit_is_told_from_inference_at_this_fastai(digits_dls):
    """fastai 2.8 runs `before_fit`/`after_fit` for `validate`, `get_preds` and `predict` too, and says nowhere in public whether a
    fit is running: the callback reads it in one compatibility function, `_fit_events`, checked here at this end's fastai."""
    from fastai.callback.core import Callback
    from gini_loss.callback import _fit_events
    class Spy(Callback):
        def before_fit(self): self.seen = []
        def after_batch(self): self.seen.append('fit' in _fit_events(self.learn))
    torch.manual_seed(0)
    learn = Learner(digits_dls, small_cnn(digits_dls.c), loss_func=CrossEntropyLossFlat(), cbs=Spy())
    with learn.no_bar(), learn.no_logging(): learn.fit(1, 1e-3)
    assert learn.spy.seen and all(learn.spy.seen)                                  # every batch of a fit, training and validation
    for infer in (learn.validate, learn.get_preds):
        with learn.no_bar(): infer()
        assert learn.spy.seen and not any(learn.spy.seen), infer.__name__           # no batch of an inference call
