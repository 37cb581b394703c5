"""REINFORCE-style BPTT and S2PG gradient estimators of section 3, batched over trajectories.

Both estimators have the REINFORCE form analysed in Theorems 3.4 and 3.5 (no baseline, full
discounted return times the summed score):

* BPTT (Theorem 3.4, equation 22): ``g = G(tau) sum_t grad_theta log pi(a_t | h_t)`` where the
  internal state ``z_t = Z z_{t-1} + U o_{t-1}`` is a deterministic function of the history and of
  ``theta``; the score is back-propagated through the whole internal-state recursion.
* S2PG (Lemma 2.1 / Corollary 2.4, Theorem 3.5): ``g = G(tau) sum_t grad_theta
  [log pi_a(a_t | o_t, z_t) + log pi_z(z_{t+1} | o_t, z_t)]`` with the sampled internal states
  treated as data: no gradient flows through time. As in Lemma 2.1 the sum runs over
  ``t = 0..T-1`` and therefore includes the score of the last sampled state ``z_T``, which does not
  influence the return (it adds zero-mean noise, no bias).

Every function returns one gradient sample per trajectory (``(N, p)``, ``p = |theta|``, order
``U, K, L`` row-major), so that mean, bias and trace of the covariance (the paper's notion of
variance, equation 17) can be computed by :func:`summarize`. Computation is vectorised over
trajectories; the only Python loop is over time. Two interchangeable implementations:

* ``method='autograd'``: per-trajectory copies of ``theta`` (leaf tensors of shape ``(N, ...)``)
  receive the gradient of ``sum_n G_n log p_n``; for BPTT the graph really spans the time loop.
* ``method='analytic'``: closed-form scores; BPTT carries the sensitivity ``d z_t / d U`` forward
  in time (``D_{t+1} = Z D_t + I (x) o_t``), which equals the BPTT gradient exactly.

Both consume the random numbers in the same order, so for the same seed they return the same
samples up to rounding (checked by the tests).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import torch

from gradient_lab.linear_system import DTYPE, ESTIMATORS, Estimator, LinearGaussianPOMDP, LinearRecurrentPolicy

__all__ = ['GradientStats', 'gradient_samples', 'sample_returns', 'summarize']

Method = Literal['autograd', 'analytic']


def _sqrt_factor(cov: torch.Tensor) -> torch.Tensor:
    """Factor ``F`` with ``F F^T = cov`` for a symmetric PSD (possibly singular) covariance."""
    eigval, eigvec = torch.linalg.eigh(cov)
    return eigvec * eigval.clamp_min(0.0).sqrt()


def _chunk(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int, n: int,
           estimator: Estimator, generator: torch.Generator,
           method: Method) -> tuple[torch.Tensor, torch.Tensor]:
    """Rolls out ``n`` trajectories; returns their ``(n, p)`` gradient samples and ``(n,)`` returns."""
    n_s, n_a, n_o, n_z = system.n_s, system.n_a, system.n_o, policy.n_z
    sa, sz = policy.sigma_a, policy.sigma_z
    stochastic_z = estimator == 's2pg'
    chol_0, chol_w, chol_v = _sqrt_factor(system.Sigma0), _sqrt_factor(system.W), _sqrt_factor(system.V)
    Z = policy.Z

    def noise(dim: int) -> torch.Tensor:
        return torch.randn(n, dim, generator=generator, dtype=DTYPE)

    if method == 'autograd':
        U, K, L = (p.detach().unsqueeze(0).repeat(n, 1, 1).requires_grad_(True) for p in policy.params)
        log_prob = torch.zeros(n, dtype=DTYPE)
    else:
        U, K, L = (p.detach().unsqueeze(0).expand(n, -1, -1) for p in policy.params)
        g_U = torch.zeros(n, n_z, n_o, dtype=DTYPE)
        g_K = torch.zeros(n, n_a, n_z, dtype=DTYPE)
        g_L = torch.zeros(n, n_a, n_o, dtype=DTYPE)
        D = torch.zeros(n, n_z, n_z, n_o, dtype=DTYPE)  # D[n, i, j, k] = d z_i / d U_jk (BPTT)
        eye_z = torch.eye(n_z, dtype=DTYPE)

    s = noise(n_s) @ chol_0.T
    z = torch.zeros(n, n_z, dtype=DTYPE)
    ret = torch.zeros(n, dtype=DTYPE)
    for t in range(horizon):
        # Fixed order of random draws: v, eps_a, eta_z (S2PG only), w.
        o = s @ system.C.T + noise(n_o) @ chol_v.T
        mu_a = torch.einsum('nij,nj->ni', K, z) + torch.einsum('nij,nj->ni', L, o)
        a = mu_a.detach() + sa * noise(n_a)
        mu_z = z @ Z.T + torch.einsum('nij,nj->ni', U, o)
        z_next = mu_z.detach() + sz * noise(n_z) if stochastic_z else mu_z
        ret = ret + system.gamma ** t * system.reward(s, a)
        if method == 'autograd':
            log_prob = log_prob - ((a - mu_a) ** 2).sum(-1) / (2.0 * sa ** 2)
            if stochastic_z:
                log_prob = log_prob - ((z_next - mu_z) ** 2).sum(-1) / (2.0 * sz ** 2)
        else:
            delta_a = (a - mu_a) / sa ** 2  # d log pi_a / d mu_a
            g_K += delta_a[:, :, None] * z[:, None, :]
            g_L += delta_a[:, :, None] * o[:, None, :]
            if stochastic_z:
                g_U += ((z_next - mu_z) / sz ** 2)[:, :, None] * o[:, None, :]
            else:
                # d mu_a / d U_jk = K D_t[:, :, j, k]  (equation 22 with f = K z + L o)
                g_U += torch.einsum('ni,nijk->njk', delta_a @ K[0], D)
                D = torch.einsum('ab,nbjk->najk', Z, D) + eye_z[None, :, :, None] * o[:, None, None, :]
        z = z_next.detach() if stochastic_z else z_next
        s = s @ system.A.T + a @ system.B.T + noise(n_s) @ chol_w.T
    if method == 'autograd':
        leaves = (U, K, L)
        grads = torch.autograd.grad((ret.detach() * log_prob).sum(), leaves, allow_unused=True)  # U unused if T=1
        grads = tuple(torch.zeros_like(p) if g is None else g for p, g in zip(leaves, grads))
    else:
        grads = (ret[:, None, None] * g_U, ret[:, None, None] * g_K, ret[:, None, None] * g_L)
    return torch.cat([g.reshape(n, -1) for g in grads], dim=1).detach(), ret.detach()


def _check_args(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int, n_samples: int,
                estimator: str, method: str) -> None:
    if estimator not in ESTIMATORS:
        raise ValueError(f'estimator must be one of {ESTIMATORS}, got {estimator!r}')
    if method not in ('autograd', 'analytic'):
        raise ValueError(f"method must be 'autograd' or 'analytic', got {method!r}")
    if horizon < 1 or n_samples < 1:
        raise ValueError('horizon and n_samples must be positive')
    policy.check_compatible(system)


def _simulate(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int, n_samples: int,
              estimator: Estimator, seed: int, method: Method, chunk_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    _check_args(system, policy, horizon, n_samples, estimator, method)
    generator = torch.Generator().manual_seed(seed)
    grads, returns = [], []
    for start in range(0, n_samples, chunk_size):
        g, r = _chunk(system, policy, horizon, min(chunk_size, n_samples - start), estimator, generator, method)
        grads.append(g)
        returns.append(r)
    return torch.cat(grads, dim=0), torch.cat(returns, dim=0)


def gradient_samples(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int,
                     n_samples: int, estimator: Estimator, seed: int = 0, method: Method = 'autograd',
                     chunk_size: int = 8192) -> torch.Tensor:
    """Per-trajectory REINFORCE gradient samples of the BPTT or S2PG estimator.

    The BPTT estimator (Theorem 3.4) rolls out the deterministic-internal-state policy and
    back-propagates the action scores through ``z_t(theta)``; the S2PG estimator (Lemma 2.1,
    Theorem 3.5) rolls out the stochastic-internal-state policy and sums the scores of actions and
    sampled internal states of every single step. Each sample is unbiased for
    :func:`~gradient_lab.exact.true_gradient` of the same ``estimator``.

    Args:
        system: The POMDP.
        policy: The policy; ``sigma_z`` is ignored for ``'bptt'``.
        horizon: Trajectory length ``T``.
        n_samples: Number ``N`` of independent trajectories.
        estimator: ``'bptt'`` or ``'s2pg'``.
        seed: Seed of the private ``torch.Generator`` (results depend on ``seed`` and ``chunk_size``).
        method: ``'autograd'`` (default) or ``'analytic'``; identical results up to rounding.
        chunk_size: Trajectories simulated at once (bounds the memory of the autograd graph).

    Returns:
        Float64 tensor ``(N, p)`` of single-trajectory gradient estimates.
    """
    return _simulate(system, policy, horizon, n_samples, estimator, seed, method, chunk_size)[0]


def sample_returns(system: LinearGaussianPOMDP, policy: LinearRecurrentPolicy, horizon: int, n_samples: int,
                   estimator: Estimator, seed: int = 0, chunk_size: int = 8192) -> torch.Tensor:
    """Discounted returns ``G(tau)`` of the trajectories that :func:`gradient_samples` would use.

    Same seed, same trajectories; their mean estimates
    :func:`~gradient_lab.exact.exact_expected_return` of the same ``estimator``.
    """
    return _simulate(system, policy, horizon, n_samples, estimator, seed, 'analytic', chunk_size)[1]


@dataclass(frozen=True)
class GradientStats:
    """Summary of ``N`` gradient samples against the true gradient.

    Attributes:
        n: Number of samples.
        mean: Sample mean ``(p,)``.
        true: True gradient ``(p,)``.
        bias: ``mean - true`` (a Monte-Carlo estimate of the bias, zero in expectation if unbiased).
        bias_norm: ``||mean - true||_2``.
        trace_cov: Trace of the sample covariance: the variance of a single-trajectory estimate in
            the paper's sense (equation 17); the variance of the ``N``-sample mean is ``trace_cov / N``.
        variance: Per-component sample variance ``(p,)`` (its sum is ``trace_cov``).
        std_err: Per-component standard error of the mean ``(p,)``.
        std_err_norm: ``sqrt(trace_cov / N)``, the expected size of ``bias_norm`` for an unbiased
            estimator.
        z_scores: ``bias / std_err`` per component (0 / inf for a zero-variance component with
            zero / nonzero bias).
        chi2: ``bias^T (Cov / N)^+ bias`` restricted to the range of the sample covariance,
            approximately chi-square with :attr:`dof` degrees of freedom when the estimator is unbiased.
        dof: Rank of the sample covariance (``p`` unless the samples obey an exact linear identity).
    """

    n: int
    mean: torch.Tensor
    true: torch.Tensor
    bias: torch.Tensor
    bias_norm: float
    trace_cov: float
    variance: torch.Tensor
    std_err: torch.Tensor
    std_err_norm: float
    z_scores: torch.Tensor
    chi2: float
    dof: int

    def as_dict(self) -> dict:
        """JSON-friendly dictionary."""
        return {'n': self.n, 'mean': self.mean.tolist(), 'true': self.true.tolist(), 'bias': self.bias.tolist(),
                'bias_norm': self.bias_norm, 'trace_cov': self.trace_cov, 'variance': self.variance.tolist(), 'std_err': self.std_err.tolist(),
                'std_err_norm': self.std_err_norm, 'z_scores': self.z_scores.tolist(), 'chi2': self.chi2,
                'dof': self.dof}


def summarize(samples: torch.Tensor, true: torch.Tensor) -> GradientStats:
    """Mean, bias, trace of covariance and significance statistics of gradient samples.

    Args:
        samples: ``(N, p)`` single-trajectory gradient estimates.
        true: ``(p,)`` true gradient of the estimator's own policy.

    Returns:
        :class:`GradientStats`.
    """
    samples = samples.to(DTYPE)
    n = samples.shape[0]
    if n < 2:
        raise ValueError('need at least two samples')
    mean = samples.mean(0)
    centred = samples - mean
    cov = centred.T @ centred / (n - 1)
    var = torch.diagonal(cov)
    bias = mean - true.to(DTYPE)
    std_err = torch.sqrt(var / n)
    trace_cov = float(var.sum())
    # Mahalanobis distance of the bias, computed on the correlation matrix (components of very
    # different scale, e.g. BPTT's U-block at 1e40 times the rest, must not hide each other) and
    # restricted to its range: BPTT samples of the linear lab obey the exact identity K g_K = U . g_U
    # (the BPTT policy is invariant to (U, K) -> (cU, K/c)), so their covariance is singular.
    # Components with zero variance (e.g. U for T = 1) are left out.
    live = var > 0
    z_live = bias[live] / std_err[live]
    corr = cov[live][:, live] / (std_err[live, None] * std_err[None, live] * n)
    eigval, eigvec = torch.linalg.eigh(corr)
    keep = eigval > 1e-9 * eigval.max()
    proj = eigvec[:, keep].T @ z_live
    chi2 = float((proj ** 2 / eigval[keep]).sum())
    dof = int(keep.sum())
    # zero-variance components: z = 0 if the bias is exactly zero, inf otherwise
    z_scores = torch.where(live, bias / std_err.clamp_min(torch.finfo(DTYPE).tiny),
                           torch.where(bias == 0, 0.0, math.inf).to(DTYPE))
    return GradientStats(n=n, mean=mean, true=true.to(DTYPE), bias=bias, bias_norm=float(bias.norm()),
                         trace_cov=trace_cov, variance=var, std_err=std_err, std_err_norm=math.sqrt(trace_cov / n),
                         z_scores=z_scores, chi2=chi2, dof=dof)
