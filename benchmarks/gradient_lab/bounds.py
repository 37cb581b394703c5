"""Variance upper bounds of Theorems 3.4 (BPTT) and 3.5 (S2PG) and the constants of Lemma A.2.

The paper bounds the variance (trace of the covariance, equation 17) of the REINFORCE-style
estimators with uniform constants ``F, H, K, Z`` (Assumptions 3.2, 3.3). In the linear lab the
internal states and observations are Gaussian, hence unbounded, but their second moments are known
exactly (:func:`~gradient_lab.exact.step_moments`). Following the proofs in
Appendix A.6 step by step and replacing each uniform constant by the root mean square of the
corresponding gradient at step ``t`` gives rigorous, *data-dependent* versions of both bounds:

* Theorem 3.5 (S2PG). The per-step scores are martingale differences, so
  ``Var <= E[G^2 |sum_t score_t|^2] <= G_max^2 sum_t E|score_t|^2`` with
  ``E|score_t|^2 = F_t^2 / sigma_a^2 + H_t^2 / sigma_z^2``, where
  ``F_t^2 = E||d f / d theta||_F^2 = n_a (E|z_t|^2 + E|o_t|^2)`` (``f = K z + L o``) and
  ``H_t^2 = E||d mu_z / d theta||_F^2 = n_z E|o_t|^2``. No dependence on ``Z`` except through the
  (bounded) moments, and at most linear growth in ``T``.
* Theorem 3.4 (BPTT). By equation 22 and Minkowski's inequality,
  ``sqrt(E|grad mu_t|^2) <= F_t + kappa sum_{i<t} zeta^(t-1-i) H_i`` with ``kappa = ||K||_2`` and
  ``zeta = ||Z||_2`` (the paper uses Frobenius norms, which are larger), so
  ``Var <= G_max^2 / sigma_a^2 sum_t (F_t + kappa sum_{i<t} zeta^(t-1-i) H_i)^2``: the structure
  ``T F^2 + 2 F H K Z_1 + H^2 K^2 Z_2`` of equation 7 with the sums of Lemma A.2.

``G_max = R (1 - gamma^T) / (1 - gamma)`` with ``R = 1`` is the bound on the return.
"""
from __future__ import annotations

import math

import torch

from gradient_lab.exact import step_moments
from gradient_lab.linear_system import ESTIMATORS, Estimator, LinearGaussianPOMDP, LinearRecurrentPolicy

__all__ = ['lemma_a2_constants', 'variance_bound', 'per_step_score_bound', 'linear_variance_constant']


def lemma_a2_constants(Z: float, horizon: int) -> tuple[float, float]:
    """The two sums of Theorem 3.4 analysed in Lemma A.2.

    ``Z_1(T) = sum_{t<T} sum_{i<t} Z^(t-1-i)`` and ``Z_2(T) = sum_{t<T} (sum_{i<t} Z^(t-1-i))^2``.
    Both grow linearly in ``T`` for ``Z < 1`` and exponentially for ``Z > 1`` (Lemma A.2).

    Args:
        Z: Bound on the norm of the recurrent Jacobian (Assumption 3.3), non-negative.
        horizon: Trajectory length ``T``.

    Returns:
        ``(Z_1, Z_2)`` as floats (``inf`` on overflow).
    """
    if Z < 0:
        raise ValueError('Z is a norm bound and must be non-negative')
    z1 = z2 = 0.0
    inner = 0.0  # sum_{k<t} Z^k
    for _ in range(horizon):
        z1 += inner
        z2 += inner * inner
        inner = inner * Z + 1.0
    return z1, z2


def per_step_score_bound(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int,
                         estimator: Estimator) -> torch.Tensor:
    """Upper bound on ``E|score_t|^2`` for ``t < T`` (exact for S2PG, Minkowski bound for BPTT).

    See the module docstring: S2PG ``F_t^2 / sigma_a^2 + H_t^2 / sigma_z^2`` (Theorem 3.5);
    BPTT ``(F_t + kappa sum_{i<t} zeta^(t-1-i) H_i)^2 / sigma_a^2`` (Theorem 3.4, equation 22).
    """
    if estimator not in ESTIMATORS:
        raise ValueError(f'estimator must be one of {ESTIMATORS}, got {estimator!r}')
    mom = step_moments(system, policy, horizon, estimator)
    F = torch.sqrt(system.n_a * (mom.z_sq + mom.o_sq))
    H = torch.sqrt(policy.n_z * mom.o_sq)
    if estimator == 's2pg':
        return F ** 2 / policy.sigma_a ** 2 + H ** 2 / policy.sigma_z ** 2
    kappa = float(torch.linalg.matrix_norm(policy.K, ord=2))
    zeta = float(torch.linalg.matrix_norm(policy.Z, ord=2))
    out = torch.empty_like(F)
    acc = torch.zeros((), dtype=F.dtype)  # sum_{i<t} zeta^(t-1-i) H_i
    for t in range(horizon):
        out[t] = (F[t] + kappa * acc) ** 2 / policy.sigma_a ** 2
        acc = zeta * acc + H[t]
    return out


def variance_bound(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int,
                   estimator: Estimator) -> float:
    """Data-dependent Theorem 3.4 / 3.5 bound on the single-trajectory variance ``tr Cov[g]``.

    ``G_max(T)^2 sum_{t<T} per_step_score_bound_t`` (divide by ``N`` for an ``N``-sample mean).
    """
    return system.max_return(horizon) ** 2 * float(per_step_score_bound(system, policy, horizon, estimator).sum())


def linear_variance_constant(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, estimator: Estimator,
                             horizon: int) -> float:
    """Explicit ``c`` with ``variance_bound(T') <= c T'`` for all ``T' <= horizon``.

    S2PG (Theorem 3.5): ``c = G_inf^2 max_{t<T} E|score_t|^2`` for any ``Z``, where
    ``G_inf = R / (1 - gamma)`` (``R T`` if ``gamma = 1``). BPTT (Theorem 3.4 with Lemma A.2):
    ``c = G_inf^2 (F_max + kappa H_max / (1 - zeta))^2 / sigma_a^2``, finite only for
    ``zeta = ||Z||_2 < 1``; ``inf`` otherwise, which is the point of Lemma A.2.
    """
    g_inf = system.max_return(horizon) if system.gamma == 1.0 else system.reward_bound / (1.0 - system.gamma)
    if estimator == 's2pg':
        return g_inf ** 2 * float(per_step_score_bound(system, policy, horizon, 's2pg').max())
    if estimator != 'bptt':
        raise ValueError(f'estimator must be one of {ESTIMATORS}, got {estimator!r}')
    zeta = float(torch.linalg.matrix_norm(policy.Z, ord=2))
    if zeta >= 1.0:
        return math.inf
    mom = step_moments(system, policy, horizon, 'bptt')
    f_max = float(torch.sqrt(system.n_a * (mom.z_sq + mom.o_sq)).max())
    h_max = float(torch.sqrt(policy.n_z * mom.o_sq).max())
    kappa = float(torch.linalg.matrix_norm(policy.K, ord=2))
    return g_inf ** 2 * (f_max + kappa * h_max / (1.0 - zeta)) ** 2 / policy.sigma_a ** 2
