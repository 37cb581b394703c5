"""Tanh-squashed diagonal Gaussian utilities."""
import math

import torch
import torch.nn.functional as F

__all__ = ['gaussian_log_prob', 'squashed_sample', 'squashed_log_prob', 'tanh_log_abs_det']

_LOG_2 = math.log(2.)


def tanh_log_abs_det(pre_tanh: torch.Tensor) -> torch.Tensor:
    """log |d tanh(u) / du| = log(1 - tanh(u)^2), in a numerically stable form."""
    return 2. * (_LOG_2 - pre_tanh - F.softplus(-2. * pre_tanh))


def gaussian_log_prob(x: torch.Tensor, mean: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
    """Log-density of a diagonal Gaussian, summed over the last dimension."""
    return (-0.5 * ((x - mean) / log_std.exp()) ** 2 - log_std - 0.5 * math.log(2 * math.pi)).sum(-1)


def squashed_log_prob(pre_tanh: torch.Tensor, mean: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
    """
    Log-density of y = tanh(u), u ~ N(mean, exp(log_std)^2), summed over the last dimension.

    Args:
        pre_tanh (torch.Tensor): the pre-squashing sample u;
        mean (torch.Tensor): mean of u;
        log_std (torch.Tensor): log standard deviation of u.

    Returns:
        The log-probability of tanh(u), shape ``mean.shape[:-1]``.

    """
    return gaussian_log_prob(pre_tanh, mean, log_std) - tanh_log_abs_det(pre_tanh).sum(-1)


def squashed_sample(mean: torch.Tensor, log_std: torch.Tensor, deterministic: bool = False):
    """
    Reparameterised sample of a tanh-squashed Gaussian.

    Returns:
        The squashed sample and its log-probability.

    """
    if deterministic:
        u = mean
    else:
        u = mean + log_std.exp() * torch.randn_like(mean)
    return torch.tanh(u), squashed_log_prob(u, mean, log_std)
