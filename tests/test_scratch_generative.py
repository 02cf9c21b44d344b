"""utils.scratch.generative against torch.distributions and the definitions, in float64, and its error paths."""

from __future__ import annotations

import math

import pytest
import torch
from torch.distributions import Normal, kl_divergence

from utils.scratch.generative import ddpm_sample, ddpm_schedule, ddpm_step, gaussian_kl, q_sample, reparameterize


def _mu_logvar(shape=(5, 3), seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=g, dtype=torch.float64), torch.randn(shape, generator=g, dtype=torch.float64)


@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 7), (1,)])
def test_gaussian_kl_matches_torch_distributions(shape):
    mu, logvar = _mu_logvar(shape)
    expected = kl_divergence(Normal(mu, (0.5 * logvar).exp()), Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(-1)
    torch.testing.assert_close(gaussian_kl(mu, logvar), expected, rtol=0, atol=1e-12)


def test_gaussian_kl_is_zero_for_the_standard_normal():
    assert gaussian_kl(torch.zeros(4, 6), torch.zeros(4, 6)).abs().max() == 0


def test_reparameterize_is_mu_plus_sigma_eps_and_differentiable():
    mu, logvar = _mu_logvar()
    mu.requires_grad_(True)
    logvar.requires_grad_(True)
    eps = torch.randn(5, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    z = reparameterize(mu, logvar, eps)
    torch.testing.assert_close(z, mu + logvar.mul(0.5).exp() * eps, rtol=0, atol=1e-15)
    z.sum().backward()
    torch.testing.assert_close(mu.grad, torch.ones_like(mu))
    torch.testing.assert_close(logvar.grad, 0.5 * logvar.detach().mul(0.5).exp() * eps)


def test_reparameterize_has_the_right_moments():
    torch.manual_seed(0)
    mu, logvar = torch.tensor([1.0, -2.0]).repeat(200_000, 1), torch.tensor([0.0, math.log(4.0)]).repeat(200_000, 1)
    z = reparameterize(mu, logvar)
    torch.testing.assert_close(z.mean(0), torch.tensor([1.0, -2.0]), atol=0.02, rtol=0)
    torch.testing.assert_close(z.std(0), torch.tensor([1.0, 2.0]), atol=0.02, rtol=0)


@pytest.mark.parametrize("kind", ["linear", "cosine"])
def test_schedule_products_and_ranges(kind):
    s = ddpm_schedule(1000, kind, dtype=torch.float64)
    assert all(v.shape == (1000,) for v in s.values())
    torch.testing.assert_close(s["alpha"], 1 - s["beta"])
    torch.testing.assert_close(s["alpha_bar"], torch.cumprod(s["alpha"], 0))
    assert (s["beta"] > 0).all() and (s["beta"] < 1).all()
    assert (s["alpha_bar"].diff() < 0).all() and s["alpha_bar"][-1] < 0.01


def test_linear_schedule_end_points():
    s = ddpm_schedule(1000, "linear", dtype=torch.float64)
    assert s["beta"][0].item() == pytest.approx(1e-4) and s["beta"][-1].item() == pytest.approx(0.02)


def test_cosine_schedule_alpha_bar_follows_the_formula():
    T, off = 50, 0.008
    s = ddpm_schedule(T, "cosine", s=off, dtype=torch.float64)
    t = torch.arange(1, T + 1, dtype=torch.float64)
    f = lambda u: torch.cos((u / T + off) / (1 + off) * math.pi / 2) ** 2  # noqa: E731
    expected = f(t) / f(torch.zeros((), dtype=torch.float64))
    torch.testing.assert_close(s["alpha_bar"][:-1], expected[:-1], rtol=1e-12, atol=1e-14)  # the last beta is clipped


def test_q_sample_has_the_closed_form_moments():
    torch.manual_seed(0)
    s = ddpm_schedule(100, "cosine", dtype=torch.float64)
    x0 = torch.full((100_000, 2), 0.7, dtype=torch.float64)
    t = torch.full((100_000,), 30, dtype=torch.int64)
    xt = q_sample(x0, t, s["alpha_bar"], torch.randn_like(x0))
    a = s["alpha_bar"][29]
    torch.testing.assert_close(xt.mean(0), (a.sqrt() * 0.7).expand(2), atol=0.01, rtol=0)
    torch.testing.assert_close(xt.var(0), (1 - a).expand(2), atol=0.01, rtol=0)


def test_q_sample_equals_t_steps_of_the_one_step_process():
    # Applying x_t = sqrt(alpha_t) x_{t-1} + sqrt(beta_t) eps_t step by step gives a Gaussian whose mean and
    # variance the closed form must reproduce exactly: mean prod sqrt(alpha) x0, variance 1 - prod alpha.
    s = ddpm_schedule(40, "linear", beta_min=0.01, beta_max=0.2, dtype=torch.float64)
    mean, var = torch.tensor(1.0, dtype=torch.float64), torch.tensor(0.0, dtype=torch.float64)
    for t in range(40):
        mean, var = s["alpha"][t].sqrt() * mean, s["alpha"][t] * var + s["beta"][t]
    x0 = torch.ones(1, 1, dtype=torch.float64)
    zero = q_sample(x0, torch.tensor([40]), s["alpha_bar"], torch.zeros_like(x0))
    one = q_sample(x0, torch.tensor([40]), s["alpha_bar"], torch.ones_like(x0))
    torch.testing.assert_close(zero[0, 0], mean, rtol=1e-12, atol=0)
    torch.testing.assert_close((one - zero)[0, 0] ** 2, var, rtol=1e-12, atol=0)


def test_ddpm_step_matches_ho_et_al_mean_and_posterior_variance():
    s = ddpm_schedule(20, "cosine", dtype=torch.float64)
    g = torch.Generator().manual_seed(0)
    x_t, eps_hat, z = (torch.randn(3, 4, generator=g, dtype=torch.float64) for _ in range(3))
    for t in (20, 7, 2):
        beta, alpha, a_bar = s["beta"][t - 1], s["alpha"][t - 1], s["alpha_bar"][t - 1]
        mean = (x_t - beta / (1 - a_bar).sqrt() * eps_hat) / alpha.sqrt()
        var = (1 - s["alpha_bar"][t - 2]) / (1 - a_bar) * beta
        torch.testing.assert_close(ddpm_step(x_t, t, eps_hat, s, noise=z), mean + var.sqrt() * z, rtol=1e-10, atol=1e-12)
    mean_1 = (x_t - s["beta"][0] / (1 - s["alpha_bar"][0]).sqrt() * eps_hat) / s["alpha"][0].sqrt()
    torch.testing.assert_close(ddpm_step(x_t, 1, eps_hat, s, noise=z), mean_1, rtol=1e-10, atol=1e-12)


def test_ddpm_step_recovers_x0_with_the_true_noise_at_t_1():
    s = ddpm_schedule(10, "cosine", dtype=torch.float64)
    x0, eps = torch.rand(4, 5, dtype=torch.float64), torch.randn(4, 5, dtype=torch.float64)
    x1 = q_sample(x0, torch.ones(4, dtype=torch.int64), s["alpha_bar"], eps)
    torch.testing.assert_close(ddpm_step(x1, 1, eps, s), x0, rtol=1e-10, atol=1e-10)


def test_ddpm_step_clips_the_clean_estimate():
    s = ddpm_schedule(10, "cosine", dtype=torch.float64)
    x_t = torch.full((2, 3), 50.0, dtype=torch.float64)
    out = ddpm_step(x_t, 1, torch.zeros_like(x_t), s, clip=(-1.0, 1.0))
    torch.testing.assert_close(out, torch.ones_like(out))


def test_ddpm_sample_with_a_perfect_denoiser_of_one_point_returns_that_point():
    # If all data is the single point c, the optimal noise prediction is (x_t - sqrt(a_bar) c) / sqrt(1 - a_bar).
    s = ddpm_schedule(30, "cosine", dtype=torch.float64)
    c = torch.tensor([0.3, -0.5, 0.9], dtype=torch.float64)

    def eps_model(x, t):
        a = s["alpha_bar"][t - 1][:, None]
        return (x - a.sqrt() * c) / (1 - a).sqrt()

    x0, kept = ddpm_sample(eps_model, (6, 3), {k: v for k, v in s.items()}, keep=(30, 10, 0),
                           generator=torch.Generator().manual_seed(0))
    assert set(kept) == {30, 10, 0}
    torch.testing.assert_close(x0.double(), c.expand(6, 3), rtol=0, atol=1e-6)


@pytest.mark.parametrize("call, error", [
    (lambda: gaussian_kl([0.0], torch.zeros(1)), TypeError),
    (lambda: gaussian_kl(torch.zeros(2, 3), torch.zeros(2, 4)), ValueError),
    (lambda: gaussian_kl(torch.zeros(2, dtype=torch.int64), torch.zeros(2)), TypeError),
    (lambda: reparameterize(torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros(3, 2)), ValueError),
    (lambda: reparameterize(torch.zeros(2, 3), torch.zeros(3)), ValueError),
    (lambda: ddpm_schedule(0), ValueError),
    (lambda: ddpm_schedule(10, "quadratic"), ValueError),
    (lambda: q_sample(torch.zeros(2, 3), torch.tensor([1.0, 2.0]), torch.ones(5), torch.zeros(2, 3)), TypeError),
    (lambda: q_sample(torch.zeros(2, 3), torch.tensor([0, 2]), torch.ones(5), torch.zeros(2, 3)), ValueError),
    (lambda: q_sample(torch.zeros(2, 3), torch.tensor([1, 2]), torch.ones(5), torch.zeros(2, 4)), ValueError),
    (lambda: ddpm_step(torch.zeros(2, 3), 0, torch.zeros(2, 3), ddpm_schedule(5)), ValueError),
    (lambda: ddpm_step(torch.zeros(2, 3), 2, torch.zeros(3, 3), ddpm_schedule(5)), ValueError),
])
def test_errors(call, error):
    with pytest.raises(error):
        call()
