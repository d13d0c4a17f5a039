"""The optional extras, `[lightning]` and `[accelerate]`: the terms in a PyTorch Lightning training step and in an Accelerate loop,
on scikit-learn's digits, with the features captured by `capture_features` (no fastai)."""
import math

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

from conftest import small_cnn
from gini_loss.core import GiniKLLoss
from gini_loss.hooks import capture_features, hook_count


def digits_loader(bs=64):
    x, y = load_digits(return_X_y=True)
    x = torch.tensor(x, dtype=torch.float32).view(-1, 1, 8, 8) / 16
    return DataLoader(TensorDataset(x[:512], torch.tensor(y[:512])), batch_size=bs, shuffle=True,
                      generator=torch.Generator().manual_seed(0))


def step_loss(model, terms, x, y):
    "Cross-entropy plus the terms of the features the classifier received in this forward pass."
    with capture_features(model) as feats:
        out = model(x)
        G, K = terms.terms(feats[0], y)
    return F.cross_entropy(out, y) + terms.gini_weight * G + terms.kl_weight * K, G


def test_lightning_training_step():
    import pytorch_lightning as pl
    torch.manual_seed(0)
    class Lit(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.model, self.terms, self.ginis = small_cnn(10), GiniKLLoss(n_classes=10), []
        def training_step(self, batch, batch_idx):
            loss, G = step_loss(self.model, self.terms, *batch)
            self.ginis.append(G.item())
            return loss
        def configure_optimizers(self): return torch.optim.Adam(self.parameters(), lr=1e-2)
    lit = Lit()
    trainer = pl.Trainer(max_epochs=2, accelerator='cpu', devices=1, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(lit, digits_loader())
    assert len(lit.ginis) == 16 and all(0 <= g <= 1 for g in lit.ginis)
    assert sum(lit.ginis[-4:]) < sum(lit.ginis[:4]), lit.ginis                    # the term is being minimised
    assert hook_count(lit.model) == 0


def test_accelerate_loop():
    from accelerate import Accelerator
    torch.manual_seed(0)
    acc = Accelerator(cpu=True)
    model, terms = small_cnn(10), GiniKLLoss(n_classes=10)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    model, opt, dl = acc.prepare(model, opt, digits_loader())
    ginis = []
    for _ in range(2):
        for x, y in dl:
            loss, G = step_loss(model, terms, x, y)
            acc.backward(loss)
            opt.step(); opt.zero_grad()
            ginis.append(G.item())
    assert len(ginis) == 16 and all(math.isfinite(g) for g in ginis)
    assert sum(ginis[-4:]) < sum(ginis[:4]), ginis
    assert hook_count(acc.unwrap_model(model)) == 0
