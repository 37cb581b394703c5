"""
The tanh correction of the squashed log-probabilities: the exact log-Jacobian log(1 - tanh(u)^2) and the reference's
log(1 - tanh(u)^2 + 1e-6) (``robfiras/s2pg``, ``s2pg/policy/recurrent_policy.py``, ``SACRecurrentPolicy``), against
values computed by hand with ``math``, and the choice reaching the policies of the SAC and LS-IQ agents.
"""
import math

import numpy as np
import pytest
import torch

from mushroom_s2pg.algorithms import make_agent
from mushroom_s2pg.policies.squashed_gaussian import squashed_log_prob, tanh_log_abs_det
from toy_envs import ToyPOMDP


def gaussian(u: float, mean: float, std: float) -> float:
    return -0.5 * ((u - mean) / std) ** 2 - math.log(std) - 0.5 * math.log(2 * math.pi)


def sech2(u: float) -> float:
    """1 - tanh(u)^2 = 4 / (e^u + e^-u)^2, without cancellation at large |u|."""
    return 4. / (math.exp(u) + math.exp(-u)) ** 2


@pytest.mark.parametrize('u', [0.0, 0.5, -1.3, 4.0, 10.0])
def test_both_corrections_against_hand_computed_values(u):
    pre_tanh = torch.tensor([u], dtype=torch.float64)
    exact = float(tanh_log_abs_det(pre_tanh, 'exact'))
    reference = float(tanh_log_abs_det(pre_tanh, 'reference'))
    assert exact == pytest.approx(math.log(sech2(u)), abs=1e-9)
    assert reference == pytest.approx(math.log(sech2(u) + 1e-6), abs=1e-9)


def test_the_forms_differ_where_the_squashed_value_nears_its_bound():
    # u = 10: 1 - tanh^2 = 8.24e-9, so the exact term is log(8.24e-9) = -18.61 and the reference's
    # log(1.0082e-6) = -13.81: the reference's log-probability is 4.80 lower
    pre_tanh = torch.tensor([[10.0]], dtype=torch.float64)
    mean, log_std = torch.tensor([[9.0]], dtype=torch.float64), torch.tensor([[0.0]], dtype=torch.float64)
    exact = float(squashed_log_prob(pre_tanh, mean, log_std, 'exact'))
    reference = float(squashed_log_prob(pre_tanh, mean, log_std, 'reference'))
    assert exact == pytest.approx(gaussian(10., 9., 1.) - math.log(sech2(10.)), abs=1e-9)
    assert reference == pytest.approx(gaussian(10., 9., 1.) - math.log(sech2(10.) + 1e-6), abs=1e-9)
    assert exact - reference == pytest.approx(4.8064, abs=1e-3)


def test_a_joint_log_probability_sums_the_correction_over_a_and_z():
    # two entries (one of a, one of z'), u = (0.5, -2.0), means (0, -1), stds (1, 0.5)
    pre_tanh = torch.tensor([[0.5, -2.0]], dtype=torch.float64)
    mean = torch.tensor([[0.0, -1.0]], dtype=torch.float64)
    log_std = torch.log(torch.tensor([[1.0, 0.5]], dtype=torch.float64))
    expected = (gaussian(0.5, 0., 1.) + gaussian(-2., -1., 0.5)
                - math.log(sech2(0.5) + 1e-6) - math.log(sech2(-2.) + 1e-6))
    assert float(squashed_log_prob(pre_tanh, mean, log_std, 'reference')) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize('name', ['SAC_RS', 'SAC_BPTT', 'SAC_VANILLA'])
def test_sac_agents_set_their_policy_s_correction(name):
    env = ToyPOMDP()
    assert make_agent(name, env.info, env.policy_obs_mask).policy.tanh_log_prob == 'exact'
    agent = make_agent(name, env.info, env.policy_obs_mask, tanh_log_prob='reference')
    assert agent.policy.tanh_log_prob == 'reference'
    with pytest.raises(ValueError, match='exact, reference'):
        make_agent(name, env.info, env.policy_obs_mask, tanh_log_prob='approximate')


def test_the_policy_s_log_probabilities_use_its_correction():
    env = ToyPOMDP()
    torch.manual_seed(0)
    policy = make_agent('SAC_RS', env.info, env.policy_obs_mask, policy_state_dim=2, n_features_actor=8).policy
    obs = torch.ones(1, int(np.sum(env.policy_obs_mask)))
    outputs = policy.network(obs, torch.zeros(1, 2), torch.zeros(1, env.info.action_space.shape[0]))
    steps = {}
    for form in ('exact', 'reference'):
        policy.set_tanh_log_prob(form)
        torch.manual_seed(1)
        steps[form] = policy._step(outputs, deterministic=False)
    exact, reference = steps['exact'], steps['reference']
    assert torch.equal(exact.normalised_action, reference.normalised_action)  # the same samples
    for y, part in ((exact.normalised_action, 'log_prob_action'), (exact.next_policy_state, 'log_prob_policy_state')):
        y = y.double()
        gap = (torch.log(1 - y ** 2 + 1e-6) - torch.log(1 - y ** 2)).sum(-1)
        difference = (getattr(exact, part) - getattr(reference, part)).double()
        assert torch.allclose(difference, gap, rtol=1e-3, atol=1e-6)
        assert float(difference.detach().abs().max()) > 0
