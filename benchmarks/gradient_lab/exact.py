"""Exact second moments, expected return and policy gradient of the linear-Gaussian lab (:mod:`linear_system`).

Why the true gradient is exact here. Every random quantity of the closed loop is a linear function
of Gaussian noises with zero mean, so the joint state ``x_t = (s_t, z_t)`` is a zero-mean Gaussian
whose covariance ``P_t`` follows the Lyapunov-type recursion
``P_{t+1} = M P_t M^T + N V N^T + blockdiag(sigma_a^2 B B^T + W, sigma_z^2 I)``, and the reward
vector ``y_t = (s_t, a_t)`` is Gaussian with covariance ``S_t``. For ``y ~ N(0, S)`` and ``Q >= 0``,
``E[exp(-y^T Q y / 2)] = det(I + S Q)^{-1/2}``, hence
``J(theta) = sum_t gamma^t det(I + S_t(theta) Q)^{-1/2}`` in closed form. Its gradient is obtained
by automatic differentiation of this closed form in float64, i.e. exactly up to rounding (the tests
check it against central finite differences and against the Monte-Carlo estimators).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch

from gradient_lab.linear_system import (DTYPE, Estimator, LinearGaussianPOMDP, LinearRecurrentPolicy,
                                        _check_estimator)

__all__ = [
    'StepMoments',
    'closed_loop_matrix',
    'closed_loop_spectral_radius',
    'exact_expected_return',
    'true_gradient',
    'step_moments',
]


def closed_loop_matrix(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy,
                       params: Sequence[torch.Tensor] | None = None) -> torch.Tensor:
    """Mean closed-loop matrix ``M`` of ``x_t = (s_t, z_t)``: ``E[x_{t+1} | x_t] = M x_t``.

    ``M = [[A + B L C, B K], [U C, Z]]`` (the same for both policy variants).
    """
    U, K, L = policy.params if params is None else params
    top = torch.cat([system.A + system.B @ L @ system.C, system.B @ K], dim=1)
    bottom = torch.cat([U @ system.C, policy.Z], dim=1)
    return torch.cat([top, bottom], dim=0)


def closed_loop_spectral_radius(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy) -> float:
    """Spectral radius of :func:`closed_loop_matrix` (< 1: bounded second moments for any ``T``)."""
    return float(torch.linalg.eigvals(closed_loop_matrix(system, policy)).abs().max())


def _noise_maps(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, params: Sequence[torch.Tensor],
                estimator: Estimator) -> tuple[torch.Tensor, torch.Tensor]:
    """Input map of the observation noise and covariance of the remaining transition noise."""
    U, K, L = params
    N = torch.cat([system.B @ L, U], dim=0)  # x_{t+1} gets N v_t
    sz = policy.internal_std(estimator)
    Wx = torch.block_diag(policy.sigma_a ** 2 * system.B @ system.B.T + system.W,
                          sz ** 2 * torch.eye(policy.n_z, dtype=DTYPE))
    return N, Wx


def _covariances(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int,
                 estimator: Estimator, params: Sequence[torch.Tensor] | None = None) -> list[torch.Tensor]:
    """Covariances ``P_t`` of ``x_t = (s_t, z_t)`` for ``t = 0..T-1`` (all means are zero)."""
    _check_estimator(estimator)
    policy.check_compatible(system)
    params = policy.params if params is None else params
    M = closed_loop_matrix(system, policy, params)
    N, Wx = _noise_maps(system, policy, params, estimator)
    drive = N @ system.V @ N.T + Wx
    P = torch.block_diag(system.Sigma0, torch.zeros(policy.n_z, policy.n_z, dtype=DTYPE))
    covs = []
    for _ in range(horizon):
        covs.append(P)
        P = M @ P @ M.T + drive
    return covs


def exact_expected_return(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int,
                          estimator: Estimator, params: Sequence[torch.Tensor] | None = None) -> torch.Tensor:
    """Exact ``J(theta) = E[sum_{t<T} gamma^t r_t]`` of the BPTT or S2PG policy variant.

    Uses ``E[exp(-y^T Q y / 2)] = det(I + S Q)^{-1/2}`` for the zero-mean Gaussian reward vector
    ``y_t = (s_t, a_t)`` with covariance ``S_t = G P_t G^T + Hv V Hv^T + blockdiag(0, sigma_a^2 I)``,
    ``G = [[I, 0], [L C, K]]``, ``Hv = [0; L]``. Differentiable with respect to ``params``.

    Args:
        system: The POMDP.
        policy: The policy (its ``Z``, ``sigma_a``, ``sigma_z``; ``theta`` unless ``params`` given).
        horizon: Trajectory length ``T``.
        estimator: ``'s2pg'`` (stochastic internal state) or ``'bptt'`` (deterministic one).
        params: Optional ``(U, K, L)`` overriding the policy's, e.g. tensors requiring grad.

    Returns:
        Scalar float64 tensor.
    """
    params = policy.params if params is None else params
    U, K, L = params
    n_s, n_a, n_z = system.n_s, system.n_a, policy.n_z
    G = torch.cat([torch.cat([torch.eye(n_s, dtype=DTYPE), torch.zeros(n_s, n_z, dtype=DTYPE)], dim=1),
                   torch.cat([L @ system.C, K], dim=1)], dim=0)
    Hv = torch.cat([torch.zeros(n_s, system.n_o, dtype=DTYPE), L], dim=0)
    extra = Hv @ system.V @ Hv.T + torch.block_diag(torch.zeros(n_s, n_s, dtype=DTYPE),
                                                     policy.sigma_a ** 2 * torch.eye(n_a, dtype=DTYPE))
    Q = system.reward_weight
    eye = torch.eye(n_s + n_a, dtype=DTYPE)
    J = torch.zeros((), dtype=DTYPE)
    for t, P in enumerate(_covariances(system, policy, horizon, estimator, params)):
        S = G @ P @ G.T + extra
        J = J + system.gamma ** t * torch.exp(-0.5 * torch.linalg.slogdet(eye + S @ Q)[1])
    return J


def true_gradient(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int,
                  estimator: Estimator) -> torch.Tensor:
    """Exact policy gradient ``grad_theta J`` of the chosen policy variant, flat in ``(U, K, L)`` order.

    Automatic differentiation of the closed form :func:`exact_expected_return` (float64).
    Note (REFERENCE, section 3 note (a)): ``true_gradient(..., 's2pg')`` is the target of the S2PG
    estimator (Lemma 2.1) and ``true_gradient(..., 'bptt')`` the target of the BPTT estimator; they
    differ by an amount that vanishes as ``sigma_z -> 0``.
    """
    params = tuple(p.detach().clone().requires_grad_(True) for p in policy.params)
    J = exact_expected_return(system, policy, horizon, estimator, params)
    grads = torch.autograd.grad(J, params, allow_unused=True)  # U is unused for T = 1
    return torch.cat([(torch.zeros_like(p) if g is None else g).reshape(-1) for p, g in zip(params, grads)]).detach()


@dataclass(frozen=True)
class StepMoments:
    """Exact per-step second moments, used by the variance bounds.

    Attributes:
        z_sq: ``E|z_t|^2`` for ``t = 0..T-1``.
        o_sq: ``E|o_t|^2`` for ``t = 0..T-1``.
    """

    z_sq: torch.Tensor
    o_sq: torch.Tensor


def step_moments(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int,
                 estimator: Estimator) -> StepMoments:
    """Exact ``E|z_t|^2`` and ``E|o_t|^2`` under the chosen policy variant."""
    n_s = system.n_s
    z_sq, o_sq = [], []
    for P in _covariances(system, policy, horizon, estimator):
        z_sq.append(torch.trace(P[n_s:, n_s:]))
        o_sq.append(torch.trace(system.C @ P[:n_s, :n_s] @ system.C.T + system.V))
    return StepMoments(z_sq=torch.stack(z_sq).detach(), o_sq=torch.stack(o_sq).detach())
