"""Tanh-squashed diagonal Gaussian utilities."""
import math

import torch
import torch.nn.functional as F

__all__ = ['TANH_LOG_PROBS', 'gaussian_log_prob', 'squashed_sample', 'squashed_log_prob', 'tanh_log_abs_det']

_LOG_2 = math.log(2.)

#: The forms of the tanh correction of a squashed log-probability: ``'exact'``, the log-Jacobian
#: log(1 - tanh(u)^2) in a stable form, or ``'reference'``, log(1 - tanh(u)^2 + 1e-6) as the reference's SAC
#: policies compute it (``s2pg/policy/recurrent_policy.py``, ``SACRecurrentPolicy``: ``_eps_log_prob = 1e-6``).
TANH_LOG_PROBS = ('exact', 'reference')

#: The constant of the reference's form.
REFERENCE_TANH_EPS = 1e-6


def check_tanh_log_prob(form: str) -> str:
    """``form`` when it is one of :data:`TANH_LOG_PROBS`, else a ValueError naming the valid forms."""
    if form not in TANH_LOG_PROBS:
        raise ValueError(f"Unknown tanh_log_prob {form!r}. Valid: {', '.join(TANH_LOG_PROBS)}")
    return form


def tanh_log_abs_det(pre_tanh: torch.Tensor, form: str = 'exact') -> torch.Tensor:
    """
    log |d tanh(u) / du| = log(1 - tanh(u)^2), in a numerically stable form (``form='exact'``), or the reference's
    log(1 - tanh(u)^2 + 1e-6) (``form='reference'``), which is larger where |tanh(u)| is close to 1.

    """
    if form == 'reference':
        return torch.log(1. - torch.tanh(pre_tanh) ** 2 + REFERENCE_TANH_EPS)
    return 2. * (_LOG_2 - pre_tanh - F.softplus(-2. * pre_tanh))


def gaussian_log_prob(x: torch.Tensor, mean: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
    """Log-density of a diagonal Gaussian, summed over the last dimension."""
    return (-0.5 * ((x - mean) / log_std.exp()) ** 2 - log_std - 0.5 * math.log(2 * math.pi)).sum(-1)


def squashed_log_prob(pre_tanh: torch.Tensor, mean: torch.Tensor, log_std: torch.Tensor,
                      form: str = 'exact') -> torch.Tensor:
    """
    Log-density of y = tanh(u), u ~ N(mean, exp(log_std)^2), summed over the last dimension.

    Args:
        pre_tanh (torch.Tensor): the pre-squashing sample u;
        mean (torch.Tensor): mean of u;
        log_std (torch.Tensor): log standard deviation of u;
        form (str): the tanh correction, one of :data:`TANH_LOG_PROBS` (:func:`tanh_log_abs_det`).

    Returns:
        The log-probability of tanh(u), shape ``mean.shape[:-1]``.

    """
    return gaussian_log_prob(pre_tanh, mean, log_std) - tanh_log_abs_det(pre_tanh, form).sum(-1)


def squashed_sample(mean: torch.Tensor, log_std: torch.Tensor, deterministic: bool = False, form: str = 'exact'):
    """
    Reparameterised sample of a tanh-squashed Gaussian; ``form``: the tanh correction of its log-probability.

    Returns:
        The squashed sample and its log-probability.

    """
    if deterministic:
        u = mean
    else:
        u = mean + log_std.exp() * torch.randn_like(mean)
    return torch.tanh(u), squashed_log_prob(u, mean, log_std, form)
