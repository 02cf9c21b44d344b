"""Pieces of VAEs and diffusion models, from scratch. Introduced in chapter 9.

- :func:`gaussian_kl` -- the closed-form KL divergence between a diagonal Gaussian
  ``N(mu, diag(exp(logvar)))`` and the standard normal, the VAE's regulariser.
- :func:`reparameterize` -- a sample ``z = mu + sigma * eps`` that gradients flow through.
- :func:`ddpm_schedule` -- the noise schedule of a DDPM (linear or cosine), with the
  cumulative products ``alpha_bar_t`` that give the forward process in closed form.
- :func:`q_sample` -- ``x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps``, a draw
  from ``q(x_t | x_0)``.
- :func:`ddpm_step` and :func:`ddpm_sample` -- ancestral sampling: one reverse step
  ``x_t -> x_{t-1}`` given the predicted noise, and the whole chain from pure noise.

Each is tested against PyTorch (``torch.distributions``) or against the definition in
float64 in ``tests/test_scratch_generative.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

__all__ = ["gaussian_kl", "reparameterize", "ddpm_schedule", "q_sample", "ddpm_step", "ddpm_sample"]


def _tensor(x: object, name: str) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating tensor, got dtype {x.dtype}")
    return x


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """``KL(N(mu, diag(exp(logvar))) || N(0, I))``, summed over the last dimension.

    Per dimension the closed form is ``(mu^2 + sigma^2 - 1 - log sigma^2) / 2``.

    Args:
        mu: means, ``(..., D)``.
        logvar: log-variances ``log sigma^2``, the same shape.

    Returns:
        ``(...)``: one KL divergence (in nats) per row.
    """
    mu, logvar = _tensor(mu, "mu"), _tensor(logvar, "logvar")
    if mu.shape != logvar.shape:
        raise ValueError(f"mu and logvar must have the same shape, got {tuple(mu.shape)} and {tuple(logvar.shape)}")
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(-1)


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor | None = None) -> torch.Tensor:
    """A sample of ``N(mu, diag(exp(logvar)))`` written as ``mu + sigma * eps``, ``eps ~ N(0, I)``.

    The randomness sits in ``eps``, which does not depend on the parameters, so the
    sample is a differentiable function of ``mu`` and ``logvar``.

    Args:
        mu: means, ``(..., D)``.
        logvar: log-variances, the same shape.
        eps: standard normal noise of the same shape; drawn with ``torch.randn_like`` if None.

    Returns:
        ``z`` with the shape of ``mu``.
    """
    mu, logvar = _tensor(mu, "mu"), _tensor(logvar, "logvar")
    if mu.shape != logvar.shape:
        raise ValueError(f"mu and logvar must have the same shape, got {tuple(mu.shape)} and {tuple(logvar.shape)}")
    if eps is None:
        eps = torch.randn_like(mu)
    elif _tensor(eps, "eps").shape != mu.shape:
        raise ValueError(f"eps must have the shape of mu {tuple(mu.shape)}, got {tuple(eps.shape)}")
    return mu + (0.5 * logvar).exp() * eps


def ddpm_schedule(T: int, kind: str = "cosine", *, beta_min: float = 1e-4, beta_max: float = 0.02,
                  s: float = 0.008, dtype: torch.dtype = torch.float32) -> dict[str, torch.Tensor]:
    """The noise schedule of a DDPM with ``T`` steps.

    ``kind="linear"``: ``beta_t`` rises linearly from ``beta_min`` to ``beta_max`` (Ho et al.,
    2020, with T = 1000). ``kind="cosine"``: ``alpha_bar_t = f(t) / f(0)`` with
    ``f(t) = cos^2((t/T + s) / (1 + s) * pi / 2)`` and ``beta_t = 1 - alpha_bar_t / alpha_bar_{t-1}``
    clipped at 0.999 (Nichol & Dhariwal, 2021).

    Args:
        T: number of noising steps, ``>= 1``.
        kind: ``"linear"`` or ``"cosine"``.
        beta_min, beta_max: the linear schedule's end points.
        s: the cosine schedule's small offset.
        dtype: floating dtype of the returned tensors.

    Returns:
        ``{"beta", "alpha", "alpha_bar"}``, each ``(T,)``; index ``t - 1`` holds step ``t``,
        and ``alpha_bar[t - 1] = prod_{i <= t} alpha_i`` with ``alpha_i = 1 - beta_i``.
    """
    if isinstance(T, bool) or not isinstance(T, int) or T < 1:
        raise ValueError(f"T must be a positive int, got {T!r}")
    if kind == "linear":
        beta = torch.linspace(beta_min, beta_max, T, dtype=torch.float64)
    elif kind == "cosine":
        steps = torch.arange(T + 1, dtype=torch.float64) / T
        f = torch.cos((steps + s) / (1 + s) * math.pi / 2) ** 2
        alpha_bar = f / f[0]  # (T + 1,), alpha_bar at t = 0 .. T
        beta = (1 - alpha_bar[1:] / alpha_bar[:-1]).clamp(max=0.999)
    else:
        raise ValueError(f"kind must be 'linear' or 'cosine', got {kind!r}")
    alpha = 1 - beta
    return {"beta": beta.to(dtype), "alpha": alpha.to(dtype), "alpha_bar": torch.cumprod(alpha, 0).to(dtype)}


def q_sample(x0: torch.Tensor, t: torch.Tensor, alpha_bar: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
    """A draw from ``q(x_t | x_0) = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I)``.

    Args:
        x0: clean data, ``(B, ...)``.
        t: steps, int64 ``(B,)`` with values in ``1 .. T``.
        alpha_bar: ``(T,)`` from :func:`ddpm_schedule` (index ``t - 1`` for step ``t``).
        noise: standard normal noise shaped like ``x0``.

    Returns:
        ``x_t``, shaped like ``x0``.
    """
    x0, noise, alpha_bar = _tensor(x0, "x0"), _tensor(noise, "noise"), _tensor(alpha_bar, "alpha_bar")
    if not isinstance(t, torch.Tensor) or t.dtype != torch.int64 or t.shape != x0.shape[:1]:
        raise TypeError(f"t must be an int64 tensor of shape ({len(x0)},), got {t!r:.60}")
    if noise.shape != x0.shape:
        raise ValueError(f"noise must have the shape of x0 {tuple(x0.shape)}, got {tuple(noise.shape)}")
    if (t < 1).any() or (t > len(alpha_bar)).any():
        raise ValueError(f"t must lie in 1 .. {len(alpha_bar)}")
    a = alpha_bar[t - 1].reshape(-1, *[1] * (x0.ndim - 1))  # (B, 1, ...) to broadcast over the pixels
    return a.sqrt() * x0 + (1 - a).sqrt() * noise


def ddpm_step(x_t: torch.Tensor, t: int, eps_hat: torch.Tensor, schedule: dict[str, torch.Tensor],
              noise: torch.Tensor | None = None, clip: tuple[float, float] | None = None) -> torch.Tensor:
    """One ancestral step ``x_t -> x_{t-1}`` of a DDPM, from the predicted noise.

    The model's estimate of the clean data is ``x0_hat = (x_t - sqrt(1 - alpha_bar_t) eps_hat)
    / sqrt(alpha_bar_t)`` (optionally clipped to the data range); the step draws from the
    posterior ``q(x_{t-1} | x_t, x0_hat) = N(mean, beta_tilde_t I)`` with::

        mean = sqrt(alpha_bar_{t-1}) beta_t / (1 - alpha_bar_t) x0_hat
               + sqrt(alpha_t) (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) x_t,
        beta_tilde_t = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) beta_t.

    Without clipping the mean equals Ho et al.'s
    ``(x_t - beta_t / sqrt(1 - alpha_bar_t) eps_hat) / sqrt(alpha_t)``. At ``t = 1`` no noise is
    added and the step returns the mean.

    Args:
        x_t: the current samples, ``(B, ...)``.
        t: the current step, an int in ``1 .. T``.
        eps_hat: the predicted noise, shaped like ``x_t``.
        schedule: from :func:`ddpm_schedule`.
        noise: standard normal noise shaped like ``x_t`` (drawn if None).
        clip: ``(low, high)`` to clip ``x0_hat`` to, or None.

    Returns:
        ``x_{t-1}``, shaped like ``x_t``.
    """
    x_t, eps_hat = _tensor(x_t, "x_t"), _tensor(eps_hat, "eps_hat")
    T = len(schedule["beta"])
    if isinstance(t, bool) or not isinstance(t, int) or not 1 <= t <= T:
        raise ValueError(f"t must be an int in 1 .. {T}, got {t!r}")
    if eps_hat.shape != x_t.shape:
        raise ValueError(f"eps_hat must have the shape of x_t {tuple(x_t.shape)}, got {tuple(eps_hat.shape)}")
    beta, alpha, a_bar = schedule["beta"][t - 1], schedule["alpha"][t - 1], schedule["alpha_bar"][t - 1]
    a_bar_prev = schedule["alpha_bar"][t - 2] if t > 1 else torch.ones((), dtype=a_bar.dtype)
    x0_hat = (x_t - (1 - a_bar).sqrt() * eps_hat) / a_bar.sqrt()
    if clip is not None:
        x0_hat = x0_hat.clamp(*clip)
    mean = (a_bar_prev.sqrt() * beta * x0_hat + alpha.sqrt() * (1 - a_bar_prev) * x_t) / (1 - a_bar)
    if t == 1:
        return mean
    if noise is None:
        noise = torch.randn_like(x_t)
    var = (1 - a_bar_prev) / (1 - a_bar) * beta
    return mean + var.sqrt() * noise


@torch.no_grad()
def ddpm_sample(eps_model: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], shape: tuple[int, ...],
                schedule: dict[str, torch.Tensor], *, clip: tuple[float, float] | None = None,
                generator: torch.Generator | None = None, device: torch.device | str = "cpu",
                keep: tuple[int, ...] = ()) -> tuple[torch.Tensor, dict[int, torch.Tensor]]:
    """Ancestral sampling: start from ``x_T ~ N(0, I)`` and apply :func:`ddpm_step` for t = T .. 1.

    Args:
        eps_model: ``eps_model(x_t, t)`` with ``t`` an int64 ``(B,)`` tensor, returns the
            predicted noise shaped like ``x_t``.
        shape: shape of the batch of samples, e.g. ``(1000, 64)``.
        schedule: from :func:`ddpm_schedule`.
        clip: passed to :func:`ddpm_step`.
        generator: a CPU ``torch.Generator`` for the noise (reproducible samples).
        device: where the model runs.
        keep: steps t whose ``x_t`` to return as well (``T`` is the starting noise, ``0`` the result).

    Returns:
        ``(x_0, {t: x_t for t in keep})``, on the CPU.
    """
    T = len(schedule["beta"])
    schedule = {k: v.to(device) for k, v in schedule.items()}
    x = torch.randn(shape, generator=generator).to(device)
    kept = {T: x.cpu()} if T in keep else {}
    for t in range(T, 0, -1):
        eps_hat = eps_model(x, torch.full((shape[0],), t, dtype=torch.int64, device=device))
        noise = torch.randn(shape, generator=generator).to(device) if t > 1 else None
        x = ddpm_step(x, t, eps_hat, schedule, noise=noise, clip=clip)
        if t - 1 in keep:
            kept[t - 1] = x.cpu()
    return x.cpu(), kept
