"""The Gini and KL terms of the installed package against the paper's definition, computed here independently in float64 NumPy.

Definition (Croitoru et al. 2022), on the classes present in the batch: each feature's activation mass `m_ij` (the mean of |x| over
spatial positions or tokens), its class means `s_jc`, its class shares `p_jc = s_jc / sum_c s_jc`; the Gini term is the mean over
live features (those with some mass) of `1 - sum_c p_jc^2`, and the KL term is `KL(pi || q)` with `q_c` the mean share of class c
over the live features and `pi` the prior over the present classes. The package returns float32 values: they are compared with a
relative tolerance of 1e-5, well above float32 rounding of the result and well below any difference in the definition."""
import numpy as np, pytest, torch

from gini_loss.core import GiniKLLoss, gini_kl_terms, gini_loss, kl_loss


def reference_terms(mass:np.ndarray, labels:np.ndarray, prior=None):
    "Gini and KL terms of activation masses `(B,F)` with integer labels, from the definition; `prior`: None (uniform) or 'batch'."
    classes = np.unique(labels)
    means = np.stack([mass[labels == c].mean(0) for c in classes], axis=1)          # (F,k)
    totals = means.sum(1)
    live = totals > 0
    shares = means[live] / totals[live, None]
    gini = (1 - (shares ** 2).sum(1)).mean()
    q = shares.mean(0)
    pi = np.full(len(classes), 1 / len(classes)) if prior is None else np.array([(labels == c).mean() for c in classes])
    kl = (pi * np.log(pi / q)).sum()
    return gini, kl


def close(a, b, rel=1e-5): return a == pytest.approx(b, rel=rel, abs=1e-7)


def test_flat_features_match_the_definition():
    torch.manual_seed(0)
    feats = torch.randn(40, 12).relu()
    feats[:, 3] = 0                                                                 # a dead feature is left out
    y = torch.randint(0, 7, (40,))
    y[y == 5] = 6                                                                   # class 5 absent from the batch
    g, k = reference_terms(feats.double().numpy(), y.numpy())
    G, K = gini_kl_terms(feats, y, 7)
    assert G.dtype == torch.float32 and close(G.item(), g) and close(K.item(), k)
    assert close(gini_loss(feats, y, 7).item(), g) and close(kl_loss(feats, y, 7).item(), k)
    _, k_batch = reference_terms(feats.double().numpy(), y.numpy(), prior='batch')
    assert close(kl_loss(feats, y, 7, prior='batch').item(), k_batch)


def test_conv_maps_and_tokens_are_pooled_by_mean_absolute_value():
    torch.manual_seed(1)
    maps, tokens = torch.randn(24, 8, 5, 5), torch.randn(24, 6, 8)
    y = torch.randint(0, 4, (24,))
    g, k = reference_terms(maps.double().abs().mean((2, 3)).numpy(), y.numpy())
    G, K = gini_kl_terms(maps, y, 4)
    assert close(G.item(), g) and close(K.item(), k)
    g, k = reference_terms(tokens.double().abs().mean(1).numpy(), y.numpy())
    G, K = gini_kl_terms(tokens, y, 4)
    assert close(G.item(), g) and close(K.item(), k)


def test_gini_kl_loss_weights_the_terms_and_has_finite_gradients():
    torch.manual_seed(2)
    feats = torch.randn(32, 10).relu().requires_grad_()
    y = torch.randint(0, 5, (32,))
    g, k = reference_terms(feats.detach().double().numpy(), y.numpy())
    loss = GiniKLLoss(n_classes=5, gini_weight=0.5, kl_weight=0.2)(feats, y)
    assert close(loss.item(), 0.5 * g + 0.2 * k)
    loss.backward()
    assert torch.isfinite(feats.grad).all() and feats.grad.abs().sum() > 0


def test_one_class_per_feature_has_no_impurity():
    "Each feature active on one class only: Gini impurity 0; with equal shares over the classes, KL 0."
    feats = torch.eye(4).repeat(3, 1)                                               # sample i is class i % 4, feature i % 4
    y = torch.arange(4).repeat(3)
    G, K = gini_kl_terms(feats, y, 4)
    assert abs(G.item()) < 1e-7 and abs(K.item()) < 1e-6
