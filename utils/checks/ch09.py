"""Checkers of chapter 9's exercises (generative models)."""

from __future__ import annotations

import torch
from torch.distributions import Normal, kl_divergence

from utils.check import Mismatch, register


def _cases(seed: int = 0) -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(seed)
    shapes = [(1, 1), (4, 2), (3, 8), (2, 5, 3)]
    return [(torch.randn(s, generator=g, dtype=torch.float64), torch.randn(s, generator=g, dtype=torch.float64))
            for s in shapes]


def _as_tensor(value: object, what: str) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise Mismatch(f"{what} should return a torch.Tensor, got {type(value).__name__}")
    return value.detach().double()


@register("ex-ch09-gaussian-kl", success="This is the KL term of every Gaussian VAE's loss.")
def check_gaussian_kl(kl_fn) -> None:
    """``kl_fn(mu, logvar)``: ``KL(N(mu, diag(exp(logvar))) || N(0, I))`` summed over the last dimension."""
    if not callable(kl_fn):
        raise Mismatch(f"kl_to_standard_normal should be a function of (mu, logvar), got {type(kl_fn).__name__}")
    for mu, logvar in _cases():
        expected = kl_divergence(Normal(mu, (0.5 * logvar).exp()), Normal(0.0, 1.0)).sum(-1)
        got = _as_tensor(kl_fn(mu.clone(), logvar.clone()), "kl_to_standard_normal(mu, logvar)")
        if got.shape != expected.shape:
            hint = ""
            if got.shape == mu.shape:
                hint = " Sum the per-dimension terms over the last dimension (one KL per row)."
            elif got.ndim == 0:
                hint = " Sum over the last dimension only, not over the batch: return one KL per row."
            raise Mismatch(f"for mu of shape {tuple(mu.shape)} the result should have shape {tuple(expected.shape)}, "
                           f"got {tuple(got.shape)}.{hint}")
        if torch.allclose(got, expected, rtol=1e-6, atol=1e-9):
            continue
        per_dim = lambda var, logv: (mu**2 + var - 1 - logv).sum(-1)  # noqa: E731
        if torch.allclose(got, per_dim(logvar.exp(), logvar), rtol=1e-6):
            raise Mismatch("your values are twice the KL divergence: the closed form has a factor 1/2.")
        if torch.allclose(got, 0.5 * per_dim((0.5 * logvar).exp(), logvar), rtol=1e-6):
            raise Mismatch("the term should be the variance sigma^2 = exp(logvar), not the standard deviation.")
        if torch.allclose(got, -expected, rtol=1e-6):
            raise Mismatch("the sign is flipped: a KL divergence is never negative.")
        raise Mismatch("the values differ from KL(N(mu, sigma^2) || N(0, 1)) = (mu^2 + sigma^2 - 1 - log sigma^2) / 2 "
                       "per dimension, summed over the last dimension.")


@register("ex-ch09-reparameterize", success="The noise is an input, so gradients reach mu and logvar.")
def check_reparameterize(sample_fn) -> None:
    """``sample_fn(mu, logvar, eps)``: ``mu + exp(logvar / 2) * eps``, differentiable in mu and logvar."""
    if not callable(sample_fn):
        raise Mismatch(f"sample_z should be a function of (mu, logvar, eps), got {type(sample_fn).__name__}")
    g = torch.Generator().manual_seed(1)
    for mu, logvar in _cases(1):
        eps = torch.randn(mu.shape, generator=g, dtype=torch.float64)
        mu_, logvar_ = mu.clone().requires_grad_(True), logvar.clone().requires_grad_(True)
        z = sample_fn(mu_, logvar_, eps)
        if not isinstance(z, torch.Tensor):
            raise Mismatch(f"sample_z should return a torch.Tensor, got {type(z).__name__}")
        expected = mu + (0.5 * logvar).exp() * eps
        if z.shape != expected.shape:
            raise Mismatch(f"z should have the shape of mu {tuple(mu.shape)}, got {tuple(z.shape)}")
        if not torch.allclose(z.detach().double(), expected, rtol=1e-6, atol=1e-9):
            if torch.allclose(z.detach().double(), mu + logvar.exp() * eps, rtol=1e-6):
                raise Mismatch("you multiplied eps by the variance exp(logvar); use the standard deviation exp(logvar / 2).")
            if torch.allclose(z.detach().double(), mu + logvar * eps, rtol=1e-6):
                raise Mismatch("logvar is a log-variance: the standard deviation is exp(logvar / 2).")
            if torch.allclose(z.detach().double(), (0.5 * logvar).exp() * eps, rtol=1e-6):
                raise Mismatch("the sample should be centred on mu: z = mu + sigma * eps.")
            raise Mismatch("z should equal mu + exp(logvar / 2) * eps, using the eps you are given.")
    # Differentiability, input by input: with only mu (then only logvar) tracked, z must be tracked.
    # (Asked this way, not through z.backward(), the check also holds when a grader runs the
    # function in the student's kernel and receives z as data with its requires_grad flag.)
    mu, logvar = _cases(1)[1]
    eps = torch.randn(mu.shape, generator=g, dtype=torch.float64)
    for name, args in (("mu", (mu.clone().requires_grad_(True), logvar.clone(), eps)),
                       ("logvar", (mu.clone(), logvar.clone().requires_grad_(True), eps))):
        z = sample_fn(*args)
        if not (isinstance(z, torch.Tensor) and z.requires_grad):
            raise Mismatch(f"z does not depend on {name} in the autograd graph; compute it with tensor "
                           "operations on mu and logvar (no .detach(), no torch.no_grad(), no torch.tensor(...)).")


@register("ex-ch09-forward-noise", success="One draw of q(x_t | x_0), with no loop over the t steps.")
def check_forward_noise(noisy_fn) -> None:
    """``noisy_fn(x0, alpha_bar_t, eps)``: ``sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps``."""
    if not callable(noisy_fn):
        raise Mismatch(f"noisy should be a function of (x0, alpha_bar_t, eps), got {type(noisy_fn).__name__}")
    g = torch.Generator().manual_seed(2)
    for a in (0.999, 0.7, 0.3, 0.01):
        x0 = torch.rand(4, 64, generator=g, dtype=torch.float64) * 2 - 1
        eps = torch.randn(4, 64, generator=g, dtype=torch.float64)
        got = _as_tensor(noisy_fn(x0.clone(), a, eps.clone()), "noisy(x0, alpha_bar_t, eps)")
        expected = a**0.5 * x0 + (1 - a) ** 0.5 * eps
        if got.shape != expected.shape:
            raise Mismatch(f"x_t should have the shape of x0 {tuple(x0.shape)}, got {tuple(got.shape)}")
        if torch.allclose(got, expected, rtol=1e-6, atol=1e-9):
            continue
        if torch.allclose(got, a * x0 + (1 - a) * eps, rtol=1e-6):
            raise Mismatch(f"with alpha_bar_t = {a} your x_t mixes x0 and eps with weights alpha_bar_t and "
                           "1 - alpha_bar_t; use their square roots, so that the variance stays 1 for unit-variance data.")
        if torch.allclose(got, (1 - a) ** 0.5 * x0 + a**0.5 * eps, rtol=1e-6):
            raise Mismatch("the weights are swapped: alpha_bar_t is the share of the signal's variance that is left.")
        raise Mismatch(f"with alpha_bar_t = {a}, x_t should be sqrt(alpha_bar_t) * x0 + sqrt(1 - alpha_bar_t) * eps.")
