"`capture_features` on a small model: the captured tensor is the classifier's input, with its graph, and no hook is left behind."
import torch
from torch import nn

from conftest import small_cnn
from gini_loss.core import GiniKLLoss
from gini_loss.hooks import capture_features, feature_layer, hook_count


def test_capture_features_gives_the_classifier_input():
    model = small_cnn(n_classes=3)
    torch.manual_seed(0)
    x, y = torch.randn(6, 1, 8, 8), torch.tensor([0, 1, 2, 0, 1, 2])
    assert feature_layer(model) is model.fc
    with capture_features(model) as feats:
        out = model(x)
        assert torch.equal(feats[0], model.body(x))
        loss = nn.functional.cross_entropy(out, y) + GiniKLLoss(n_classes=3)(feats[0], y)
    loss.backward()
    assert model.body[0].weight.grad is not None and torch.isfinite(model.body[0].weight.grad).all()
    assert hook_count(model) == 0


def test_no_hook_left_after_an_exception():
    model = small_cnn(n_classes=3)
    try:
        with capture_features(model):
            model(torch.randn(2, 1, 8, 8))
            raise RuntimeError('boom')
    except RuntimeError: pass
    assert hook_count(model) == 0
