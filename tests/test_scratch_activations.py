"""utils.scratch.activations against torch.nn.functional and torch.autograd (float64)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from utils.scratch import activations as A

Z = np.concatenate([np.linspace(-6, 6, 241), [-40.0, -1e-3, 1e-3, 40.0]])  # avoid exactly 0 for kinks
TORCH = {
    "identity": lambda t: t,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky_relu": F.leaky_relu,  # default negative_slope 0.01 in both
    "gelu": F.gelu,  # exact (erf) form in both
}


@pytest.mark.parametrize("name", sorted(TORCH))
def test_value_and_derivative_match_torch(name):
    f, df = A.get_activation(name)
    t = torch.tensor(Z, dtype=torch.float64, requires_grad=True)
    out = TORCH[name](t)
    (grad,) = torch.autograd.grad(out.sum(), t)
    torch.testing.assert_close(torch.from_numpy(f(Z)), out.detach(), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(torch.from_numpy(df(Z)), grad, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_kink_convention_matches_torch_at_zero(name):
    _, df = A.get_activation(name)
    t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(TORCH[name](t).sum(), t)
    assert df(np.zeros(1))[0] == grad.item()


def test_leaky_relu_custom_slope_matches_torch():
    t = torch.tensor(Z, requires_grad=True)
    out = F.leaky_relu(t, negative_slope=0.2)
    (grad,) = torch.autograd.grad(out.sum(), t)
    np.testing.assert_allclose(A.leaky_relu(Z, 0.2), out.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(A.leaky_relu_grad(Z, 0.2), grad.numpy(), rtol=1e-12)


def test_step_and_its_zero_derivative():
    np.testing.assert_array_equal(A.step(np.array([-2.0, -1e-9, 0.0, 3.0])), [0, 0, 1, 1])
    np.testing.assert_array_equal(A.step_grad(np.array([-2.0, 0.0, 3.0])), [0, 0, 0])


def test_derivatives_match_finite_differences():
    h, z = 1e-6, np.linspace(-4, 4, 81) + 0.0123  # stay off the kinks
    for name in ["sigmoid", "tanh", "relu", "leaky_relu", "gelu"]:
        f, df = A.get_activation(name)
        numeric = (f(z + h) - f(z - h)) / (2 * h)
        np.testing.assert_allclose(df(z), numeric, rtol=1e-6, atol=1e-8, err_msg=name)


def test_sigmoid_does_not_overflow():
    with np.errstate(all="raise"):
        out = A.sigmoid(np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(out, [0.0, 1.0])


def test_shapes_are_preserved_and_scalars_and_lists_accepted():
    z = np.arange(24, dtype=float).reshape(2, 3, 4) - 12
    for name, (f, df) in A.ACTIVATIONS.items():
        assert f(z).shape == z.shape and df(z).shape == z.shape, name
    assert A.relu(-3) == 0.0 and A.relu([1.0, -1.0]).tolist() == [1.0, 0.0]
    assert A.sigmoid(np.array([0], dtype=np.int64)).dtype == np.float64


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(TypeError, match="NumPy array"):
        A.relu(torch.zeros(3))
    with pytest.raises(TypeError, match="real numbers"):
        A.sigmoid(np.array(["a", "b"]))
    with pytest.raises(TypeError, match="bool"):
        A.tanh(True)
    with pytest.raises(TypeError, match="negative_slope"):
        A.leaky_relu(np.zeros(2), negative_slope="0.1")
    with pytest.raises(ValueError, match="expected one of"):
        A.get_activation("swish")
    with pytest.raises(TypeError, match="string"):
        A.get_activation(3)
