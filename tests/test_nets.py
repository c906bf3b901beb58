"""Reverse mode on neural networks: the lecture's Quiz #2 and an MNIST-sized MLP.

Backpropagation is reverse mode; these tests check the gradients ``grad``
returns for whole networks against hand-written backpropagation in plain numpy
(the closed form the lecture derives), against forward mode, and against
central finite differences from :mod:`dualdiff.finite_diff`.
"""

from __future__ import annotations

import numpy as np
import pytest

import dualdiff as dd
from dualdiff import finite_diff

AD_RTOL = 1e-12   # AD modes and the closed form against each other
FD_RTOL = 1e-6    # AD against central differences
JVP_RTOL = 1e-10  # <grad, v> against jvp: sums of ~10^5 products of either sign


def assert_close(actual, expected, rtol, atol=0.0):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                               rtol=rtol, atol=atol)


def np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# ---------------------------------------------------------------------------
# Quiz #2: y = σ(βᵀ σ(α⁽²⁾ᵀ σ(α⁽¹⁾ᵀ x)))
# ---------------------------------------------------------------------------

def quiz2(beta, alpha2, alpha1, x):
    z1 = dd.sigmoid(alpha1.T @ x)
    z2 = dd.sigmoid(alpha2.T @ z1)
    return dd.sigmoid(beta @ z2)


@pytest.fixture
def quiz2_point():
    rng = np.random.default_rng(2)
    return (rng.normal(size=2), rng.normal(size=(3, 2)), rng.normal(size=(4, 3)),
            rng.normal(size=4))


def quiz2_closed_form(beta, alpha2, alpha1, x):
    """Backpropagation by hand, as the lecture derives it.

    ∂y/∂β = y(1−y) z2;  δ2 = y(1−y) β ⊙ z2(1−z2),  ∂y/∂α⁽²⁾ = z1 δ2ᵀ;
    δ1 = (α⁽²⁾ δ2) ⊙ z1(1−z1),  ∂y/∂α⁽¹⁾ = x δ1ᵀ.
    """
    z1 = np_sigmoid(alpha1.T @ x)
    z2 = np_sigmoid(alpha2.T @ z1)
    y = np_sigmoid(beta @ z2)
    d_beta = y * (1 - y) * z2
    delta2 = y * (1 - y) * beta * z2 * (1 - z2)
    delta1 = (alpha2 @ delta2) * z1 * (1 - z1)
    return y, d_beta, np.outer(z1, delta2), np.outer(x, delta1)


def test_quiz2_gradient_matches_the_closed_form(quiz2_point):
    y, *expected = quiz2_closed_form(*quiz2_point)
    value, grads = dd.value_and_grad(quiz2, argnums=(0, 1, 2))(*quiz2_point)
    assert_close(value, y, rtol=AD_RTOL)
    for g, e in zip(grads, expected):
        assert g.shape == e.shape
        assert_close(g, e, rtol=AD_RTOL)


def test_quiz2_gradient_matches_forward_mode(quiz2_point):
    rev = dd.grad(quiz2, argnums=(0, 1, 2))(*quiz2_point)
    fwd = dd.jacfwd(quiz2, argnums=(0, 1, 2))(*quiz2_point)
    for r, f in zip(rev, fwd):
        assert_close(r, f, rtol=AD_RTOL)


def test_quiz2_gradient_matches_finite_differences(quiz2_point):
    beta, alpha2, alpha1, x = quiz2_point
    rev = dd.grad(quiz2, argnums=(0, 1, 2))(*quiz2_point)
    fd = [
        finite_diff.gradient(lambda b: quiz2(b, alpha2, alpha1, x), beta).value,
        finite_diff.gradient(lambda a: quiz2(beta, a, alpha1, x), alpha2).value,
        finite_diff.gradient(lambda a: quiz2(beta, alpha2, a, x), alpha1).value,
    ]
    for r, f in zip(rev, fd):
        assert_close(r, f, rtol=FD_RTOL)


def test_quiz2_gradient_with_respect_to_the_input(quiz2_point):
    """The δ-chain continues one layer further: ∂y/∂x = α⁽¹⁾ δ1."""
    beta, alpha2, alpha1, x = quiz2_point
    z1 = np_sigmoid(alpha1.T @ x)
    z2 = np_sigmoid(alpha2.T @ z1)
    y = np_sigmoid(beta @ z2)
    delta1 = (alpha2 @ (y * (1 - y) * beta * z2 * (1 - z2))) * z1 * (1 - z1)
    assert_close(dd.grad(quiz2, argnums=-1)(*quiz2_point), alpha1 @ delta1, rtol=AD_RTOL)


# ---------------------------------------------------------------------------
# A 784-256-10 MLP: tanh hidden layer, softmax cross-entropy, L2 on the weights
# ---------------------------------------------------------------------------

BATCH, N_IN, N_HIDDEN, N_OUT = 64, 784, 256, 10
L2 = 1e-3


def mlp_loss(params, images, onehot):
    w1, b1, w2, b2 = params
    hidden = dd.tanh(images @ w1 + b1)
    logits = hidden @ w2 + b2
    cross_entropy = -dd.sum(onehot * dd.log_softmax(logits, axis=1)) / images.shape[0]
    return cross_entropy + 0.5 * L2 * (dd.sum(w1 * w1) + dd.sum(w2 * w2))


def mlp_backprop(params, images, onehot):
    """The gradient written out by hand in numpy (the closed form of backpropagation)."""
    w1, b1, w2, b2 = params
    hidden = np.tanh(images @ w1 + b1)
    logits = hidden @ w2 + b2
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    d_logits = (shifted / shifted.sum(axis=1, keepdims=True) - onehot) / images.shape[0]
    d_hidden = (d_logits @ w2.T) * (1 - hidden**2)
    return [images.T @ d_hidden + L2 * w1, d_hidden.sum(axis=0),
            hidden.T @ d_logits + L2 * w2, d_logits.sum(axis=0)]


@pytest.fixture(scope="module")
def mlp_problem():
    rng = np.random.default_rng(784)
    params = [rng.normal(scale=1 / np.sqrt(N_IN), size=(N_IN, N_HIDDEN)),
              rng.normal(scale=0.1, size=N_HIDDEN),
              rng.normal(scale=1 / np.sqrt(N_HIDDEN), size=(N_HIDDEN, N_OUT)),
              rng.normal(scale=0.1, size=N_OUT)]
    images = rng.uniform(0.0, 1.0, size=(BATCH, N_IN))
    onehot = np.eye(N_OUT)[rng.integers(0, N_OUT, size=BATCH)]
    grads = dd.grad(mlp_loss)(params, images, onehot)
    return params, images, onehot, grads


def test_mlp_gradient_is_a_list_shaped_like_the_parameters(mlp_problem):
    params, _, _, grads = mlp_problem
    assert isinstance(grads, list) and len(grads) == 4
    assert [g.shape for g in grads] == [p.shape for p in params]


def test_mlp_gradient_matches_hand_written_backprop(mlp_problem):
    params, images, onehot, grads = mlp_problem
    for g, e in zip(grads, mlp_backprop(params, images, onehot)):
        # normwise: entries that are sums of 64 terms of either sign lose relative digits
        assert np.max(np.abs(g - e)) <= AD_RTOL * np.max(np.abs(e))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mlp_gradient_dotted_with_v_equals_jvp(mlp_problem, seed):
    params, images, onehot, grads = mlp_problem
    rng = np.random.default_rng(seed)
    v = [rng.normal(size=p.shape) for p in params]
    value, directional = dd.jvp(lambda p: mlp_loss(p, images, onehot), (params,), (v,))
    assert_close(value, mlp_loss(params, images, onehot), rtol=1e-15)
    assert_close(sum(np.sum(g * d) for g, d in zip(grads, v)), directional, rtol=JVP_RTOL)


def test_mlp_sampled_entries_match_central_differences(mlp_problem):
    params, images, onehot, grads = mlp_problem
    rng = np.random.default_rng(10)
    which = [0, 0, 0, 1, 1, 2, 2, 2, 3, 3]  # 10 entries across W1, b1, W2, b2

    for k in which:
        index = tuple(int(rng.integers(n)) for n in params[k].shape)

        def loss_at(t, k=k, index=index):
            moved = [p.copy() for p in params]
            moved[k][index] = t
            return mlp_loss(moved, images, onehot)

        fd = finite_diff.derivative(loss_at, float(params[k][index]))
        ad = grads[k][index]
        # the round-off floor of a central difference is ~eps·|loss|/h ≈ 1e-10 absolute
        assert abs(ad - fd.value) <= FD_RTOL * abs(ad) + 1e-9, (k, index, ad, fd.value)
