"""Gradient-estimator lab (issue 6): unbiasedness and variance of S2PG versus BPTT (paper, section 3).

All randomness uses fixed seeds; the whole file runs in a few seconds on 2 CPU cores. Every
statistical assertion has a large margin to its measured value (noted next to it) and a negative
control that the same check rejects.
"""
import functools
import math

import pytest
import torch

from gradient_lab import (ESTIMATORS, LinearRecurrentPolicy, closed_loop_spectral_radius, default_lab,
                          exact_expected_return, gradient_samples, lemma_a2_constants,
                          linear_variance_constant, sample_returns, summarize, true_gradient,
                          variance_bound)

torch.set_num_threads(1)  # tiny per-step tensors: one thread is as fast and deterministic

# Unbiasedness: a check at 4 standard errors per component (5 components) and on the chi-square
# statistic (99.99 % quantile of chi2 with 5 dof is 25.7).
Z_MAX = 4.0
CHI2_MAX = 25.7


@functools.lru_cache(maxsize=None)
def _samples(Z, horizon, estimator, n, seed):
    system, policy = default_lab(Z)
    return gradient_samples(system, policy, horizon, n, estimator, seed=seed)


def _stats(Z, horizon, estimator, n, seed, target=None):
    system, policy = default_lab(Z)
    return summarize(_samples(Z, horizon, estimator, n, seed), true_gradient(system, policy, horizon, target or estimator))


@functools.lru_cache(maxsize=None)
def _variance(Z, horizon, estimator, n=10_000, seed=7):
    return _stats(Z, horizon, estimator, n, seed).trace_cov


# ----------------------------------------------------------------------------------------- exact model

@pytest.mark.parametrize('Z', [0.5, 0.9, 1.1, 1.3])
def test_default_lab_is_closed_loop_stable(Z):
    system, policy = default_lab(Z)
    assert closed_loop_spectral_radius(system, policy) == pytest.approx(math.sqrt(0.5), abs=1e-9)


@pytest.mark.parametrize('estimator', ESTIMATORS)
@pytest.mark.parametrize('Z', [0.5, 1.3])
def test_true_gradient_matches_finite_differences(Z, estimator):
    system, policy = default_lab(Z)
    horizon, h = 12, 1e-6
    grad = true_gradient(system, policy, horizon, estimator)
    flat = torch.cat([p.reshape(-1) for p in policy.params])
    sizes = [p.numel() for p in policy.params]
    shapes = [p.shape for p in policy.params]

    def J(vec):
        params = [t.reshape(s) for t, s in zip(torch.split(vec, sizes), shapes)]
        return float(exact_expected_return(system, policy, horizon, estimator, params))

    fd = torch.stack([torch.tensor((J(flat + h * e) - J(flat - h * e)) / (2 * h), dtype=torch.float64)
                      for e in torch.eye(flat.numel(), dtype=torch.float64)])
    assert torch.allclose(grad, fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize('estimator', ESTIMATORS)
def test_exact_return_matches_monte_carlo(estimator):
    system, policy = default_lab(1.3)
    horizon = 30
    returns = sample_returns(system, policy, horizon, 20_000, estimator, seed=3)
    exact = float(exact_expected_return(system, policy, horizon, estimator))
    se = float(returns.std() / math.sqrt(returns.numel()))
    assert abs(float(returns.mean()) - exact) < 4 * se
    assert 0.0 < float(returns.min()) and float(returns.max()) <= system.max_return(horizon)


def test_policies_differ_and_coincide_as_kernel_noise_vanishes():
    """REFERENCE note (a): two different policies, equal in the limit sigma_z -> 0."""
    system, policy = default_lab(1.3)
    g_bptt = true_gradient(system, policy, 10, 'bptt')
    assert (true_gradient(system, policy, 10, 's2pg') - g_bptt).norm() > 0.1 * g_bptt.norm()
    tiny = LinearRecurrentPolicy.create(policy.Z, policy.U, policy.K, policy.L, policy.sigma_a, sigma_z=1e-4)
    assert (true_gradient(system, tiny, 10, 's2pg') - g_bptt).norm() < 1e-6 * g_bptt.norm()


@pytest.mark.parametrize('estimator', ESTIMATORS)
def test_autograd_and_analytic_estimators_agree(estimator):
    system, policy = default_lab(1.3)
    a = gradient_samples(system, policy, 15, 64, estimator, seed=11, method='autograd')
    b = gradient_samples(system, policy, 15, 64, estimator, seed=11, method='analytic')
    assert a.shape == (64, policy.num_params)
    assert torch.allclose(a, b, rtol=1e-9, atol=1e-9)


def test_bptt_samples_obey_scaling_identity():
    """BPTT's policy is invariant to (U, K) -> (cU, K/c): K g_K = U . g_U for every sample."""
    system, policy = default_lab(1.3)
    g = gradient_samples(system, policy, 10, 256, 'bptt', seed=5)
    g_u, g_k = g[:, :2], g[:, 2]
    lhs = policy.K[0, 0] * g_k
    rhs = g_u @ policy.U[0]
    assert torch.allclose(lhs, rhs, rtol=1e-8, atol=1e-8 * float(g.abs().max()))
    s = gradient_samples(system, policy, 10, 256, 's2pg', seed=5)  # S2PG's noise breaks the invariance
    assert not torch.allclose(policy.K[0, 0] * s[:, 2], s[:, :2] @ policy.U[0], rtol=1e-3)


# ------------------------------------------------------------------------------------- unbiasedness

@pytest.mark.parametrize('horizon', [5, 10])
@pytest.mark.parametrize('Z', [0.5, 1.3])
@pytest.mark.parametrize('estimator', ESTIMATORS)
def test_estimator_is_unbiased_for_its_own_policy(estimator, Z, horizon):
    st = _stats(Z, horizon, estimator, n=50_000, seed=123)
    assert float(st.z_scores.abs().max()) < Z_MAX  # measured <= 2.0
    assert st.chi2 < CHI2_MAX  # measured <= 6.1


@pytest.mark.parametrize('Z', [0.5, 1.3])
@pytest.mark.parametrize('estimator', ESTIMATORS)
def test_unbiasedness_check_rejects_the_other_policys_gradient(estimator, Z):
    """Negative control: the same check fails against the other variant's true gradient."""
    other = 'bptt' if estimator == 's2pg' else 's2pg'
    st = _stats(Z, 10, estimator, n=50_000, seed=123, target=other)
    assert float(st.z_scores.abs().max()) > 1.5 * Z_MAX  # measured >= 6.5


# ----------------------------------------------------------------------------------- variance growth

def test_lemma_a2_constants_linear_below_one_exponential_above():
    for Z in (0.5, 0.9):
        for horizon in (10, 200, 1000):  # linear: Z_k(T) <= T / (1 - Z)^k, and tight as T grows
            z1, z2 = lemma_a2_constants(Z, horizon)
            assert z1 <= horizon / (1 - Z) and z2 <= horizon / (1 - Z) ** 2
        assert z1 > 0.9 * horizon / (1 - Z) and z2 > 0.9 * horizon / (1 - Z) ** 2
        z1, _ = lemma_a2_constants(Z, 200)
        # closed form of equation 24: Z_1 = T / (1 - Z) - (1 - Z^T) / (1 - Z)^2
        assert z1 == pytest.approx(200 / (1 - Z) - (1 - Z ** 200) / (1 - Z) ** 2, rel=1e-12)
    for Z in (1.1, 1.3):
        z1, z2 = lemma_a2_constants(Z, 100)
        z1_half, z2_half = lemma_a2_constants(Z, 50)
        assert z1 / z1_half > 0.5 * Z ** 50 and z2 / z2_half > 0.5 * Z ** 100
        assert z1 == pytest.approx(100 / (1 - Z) - (1 - Z ** 100) / (1 - Z) ** 2, rel=1e-12)


@pytest.mark.parametrize('Z, t1, t2', [(1.3, 10, 20), (1.1, 20, 60)])
def test_bptt_variance_grows_faster_than_linearly_for_Z_above_one(Z, t1, t2):
    ratio = _variance(Z, t2, 'bptt') / _variance(Z, t1, 'bptt')
    assert ratio > 10.0 * t2 / t1  # measured 403 (Z=1.3) and > 1e3 (Z=1.1)
    # and S2PG on the very same system does not explode
    assert _variance(Z, t2, 's2pg') < 1e-2 * _variance(Z, t2, 'bptt')


@pytest.mark.parametrize('Z', [0.5, 0.9, 1.1, 1.3])
def test_s2pg_variance_bounded_by_linear_function_of_T(Z):
    """Theorem 3.5: Var <= c T with the explicit c of ``linear_variance_constant``, for any Z."""
    system, policy = default_lab(Z)
    c = linear_variance_constant(system, policy, 's2pg', horizon=120)
    assert math.isfinite(c)
    for horizon in (10, 20, 60, 120):
        var = _variance(Z, horizon, 's2pg')
        assert var <= c * horizon  # measured var / (c T) <= 0.49
        assert var <= variance_bound(system, policy, horizon, 's2pg')  # measured ratio <= 0.49
    assert _variance(Z, 120, 's2pg') / _variance(Z, 60, 's2pg') < 1.5 * 2  # measured 2.26-2.29


@pytest.mark.parametrize('Z', [0.5, 0.9])
@pytest.mark.parametrize('estimator', ESTIMATORS)
def test_both_estimators_grow_at_most_linearly_for_Z_below_one(estimator, Z):
    system, policy = default_lab(Z)
    c = linear_variance_constant(system, policy, estimator, horizon=120)
    assert math.isfinite(c)
    for horizon in (10, 60, 120):
        assert _variance(Z, horizon, estimator) <= c * horizon  # measured ratio <= 0.49
    assert _variance(Z, 120, estimator) / _variance(Z, 60, estimator) < 1.5 * 2  # measured 2.21-2.29


@pytest.mark.parametrize('Z', [1.1, 1.3])
def test_bptt_has_no_linear_constant_above_one_and_its_bound_holds(Z):
    system, policy = default_lab(Z)
    assert linear_variance_constant(system, policy, 'bptt', horizon=60) == math.inf
    for horizon in (10, 60):
        assert _variance(Z, horizon, 'bptt') <= variance_bound(system, policy, horizon, 'bptt')  # ratio <= 0.03


def test_matrix_gain_and_vector_internal_state():
    """Matrix Z, n_z = 2: both implementations agree and both estimators are unbiased at T = 6."""
    system, _ = default_lab()
    policy = LinearRecurrentPolicy.create(Z=[[1.2, 0.3], [0.0, 0.5]], U=[[0.2, 0.1], [0.1, 0.1]],
                                          K=[[-0.6, -0.4]], L=[[-0.6, -0.3]], sigma_a=0.5, sigma_z=0.5)
    assert policy.num_params == 8 and policy.n_z == 2
    for estimator in ESTIMATORS:
        a = gradient_samples(system, policy, 8, 32, estimator, seed=2, method='autograd')
        b = gradient_samples(system, policy, 8, 32, estimator, seed=2, method='analytic')
        assert torch.allclose(a, b, rtol=1e-9, atol=1e-9)
        st = summarize(gradient_samples(system, policy, 6, 40_000, estimator, seed=9),
                       true_gradient(system, policy, 6, estimator))
        assert float(st.z_scores.abs().max()) < Z_MAX
        assert st.chi2 < 31.8  # 99.99 % quantile of chi2 with 8 dof
