"""LS-IQ's critic targets and loss on hand-made values: the bound of Q and the loss options."""
import numpy as np
import pytest
import torch

from mushroom_s2pg.algorithms.lsiq_losses import lsiq_critic_loss, lsiq_critic_targets, lsiq_q_bound


def test_q_bound_is_the_reference_value():
    assert lsiq_q_bound(0.99, 0.5) == pytest.approx(200.)


def test_targets_stay_inside_the_bound_for_extreme_values():
    gamma, reg_mult = 0.99, 0.5
    bound = lsiq_q_bound(gamma, reg_mult)
    next_value = torch.tensor([1e12, -1e12, 1e6, -1e6, 0., 3., 1e12, -1e12] * 4)
    absorbing = torch.tensor([0., 0., 1., 1., 0., 1., 0., 1.] * 4)
    is_expert = torch.arange(32) >= 16
    for expert_target in ('fixed', 'bootstrap'):
        targets = lsiq_critic_targets(next_value, absorbing, is_expert, gamma, reg_mult, expert_target=expert_target)
        assert torch.all(targets.abs() <= bound + 1e-4), targets
    targets = lsiq_critic_targets(next_value, absorbing, is_expert, gamma, reg_mult)
    assert torch.all(targets[is_expert] == bound)
    agent = ~is_expert
    np.testing.assert_allclose(targets[agent & (absorbing == 1)].numpy(), -bound, rtol=1e-6)
    np.testing.assert_allclose(targets[agent & (next_value == 1e12) & (absorbing == 0)].numpy(),
                               gamma * bound - 1 / reg_mult, rtol=1e-6)


def test_without_absorbing_state_treatment_an_absorbing_agent_step_gets_the_plain_reward_bound():
    """The ablation ``treat_absorbing_states=False``: an absorbing agent transition is regressed to -1 / reg_mult
    instead of Q_min = -1 / (reg_mult (1 - gamma))."""
    next_value, absorbing, is_expert = torch.tensor([5., 5.]), torch.tensor([1., 0.]), torch.tensor([False, False])
    treated = lsiq_critic_targets(next_value, absorbing, is_expert, 0.99, 0.5)
    plain = lsiq_critic_targets(next_value, absorbing, is_expert, 0.99, 0.5, treat_absorbing_states=False)
    assert treated[0] == pytest.approx(-lsiq_q_bound(0.99, 0.5)) and plain[0] == pytest.approx(-2.)
    assert treated[1] == plain[1] == pytest.approx(0.99 * 5. - 2.)


def test_huber_critic_loss_is_the_sum_of_the_expert_and_agent_huber_terms():
    """The ablation ``critic_loss='huber'``; an unknown loss is refused."""
    q, target = torch.tensor([0., 3., -1., 0.5]), torch.tensor([2., 3., 1., 0.])
    is_expert = torch.tensor([True, True, False, False])
    total, expert, agent = lsiq_critic_loss(q, target, is_expert, 'huber')
    assert expert == pytest.approx(float(torch.nn.functional.huber_loss(q[:2], target[:2])))
    assert agent == pytest.approx(float(torch.nn.functional.huber_loss(q[2:], target[2:])))
    assert total == pytest.approx(float(expert + agent))
    with pytest.raises(ValueError, match='huber'):
        lsiq_critic_loss(q, target, is_expert, 'l1')
