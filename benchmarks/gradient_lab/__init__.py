"""Gradient-estimator lab for section 3 of the S2PG paper (variance of BPTT versus S2PG).

A linear-Gaussian POMDP with a linear recurrent policy, its exact policy gradients, batched
REINFORCE-style BPTT and S2PG estimators, and the variance bounds of Theorems 3.4 / 3.5
(with the constants of Lemma A.2). Research code of the benchmarks (importable with ``benchmarks/`` on the path,
as for ``benchmarks/gradient_variance.py`` and the tests); see ``docs/gradient_variance.md``.
"""
from gradient_lab.bounds import lemma_a2_constants, linear_variance_constant, per_step_score_bound, variance_bound
from gradient_lab.estimators import GradientStats, gradient_samples, sample_returns, summarize
from gradient_lab.exact import (StepMoments, closed_loop_matrix, closed_loop_spectral_radius, exact_expected_return,
                                step_moments, true_gradient)
from gradient_lab.linear_system import ESTIMATORS, Estimator, LinearGaussianPOMDP, LinearRecurrentPolicy, default_lab

__all__ = [
    'ESTIMATORS',
    'Estimator',
    'GradientStats',
    'LinearGaussianPOMDP',
    'LinearRecurrentPolicy',
    'StepMoments',
    'closed_loop_matrix',
    'closed_loop_spectral_radius',
    'default_lab',
    'exact_expected_return',
    'gradient_samples',
    'lemma_a2_constants',
    'linear_variance_constant',
    'per_step_score_bound',
    'sample_returns',
    'step_moments',
    'summarize',
    'true_gradient',
    'variance_bound',
]
