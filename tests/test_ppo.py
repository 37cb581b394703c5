"""PPO family: GAE by hand, internal states inside a rollout batch, the first importance ratio."""
import numpy as np
import pytest
import torch
from mushroom_rl.core import Core

from algorithm_helpers import tiny_hyperparameters, torch_batch
from mushroom_s2pg.algorithms import compute_gae, make_agent
from toy_envs import ToyPOMDP


def test_gae_hand_computed_with_absorbing_and_truncated_ends():
    # steps 0-2: one episode ending absorbing at 2; steps 3-4: a new episode truncated at 4 (last, not absorbing)
    reward = np.array([1., 2., 3., 4., 5.])
    value = np.array([0.5, 1.0, 1.5, 2.0, 2.5])
    next_value = np.array([1.0, 1.5, 9.0, 2.5, 3.0])      # V(s_{t+1}, z'_t); 9.0 must be ignored (absorbing)
    absorbing = np.array([False, False, True, False, False])
    cut = np.array([False, False, True, False, True])
    gamma, lam = 0.9, 0.5
    d0 = 1 + 0.9 * 1.0 - 0.5
    d1 = 2 + 0.9 * 1.5 - 1.0
    d2 = 3 - 1.5
    d3 = 4 + 0.9 * 2.5 - 2.0
    d4 = 5 + 0.9 * 3.0 - 2.5
    a2 = d2
    a1 = d1 + 0.45 * a2
    a0 = d0 + 0.45 * a1
    a4 = d4
    a3 = d3 + 0.45 * a4
    advantage, target = compute_gae(reward, value, next_value, absorbing, cut, gamma, lam)
    np.testing.assert_allclose(advantage, [a0, a1, a2, a3, a4])
    np.testing.assert_allclose(target, advantage + value)


def _agent(name, **extra):
    env = ToyPOMDP(horizon=5)
    params = tiny_hyperparameters(name, **extra)
    return env, make_agent(name, env.info, env.policy_obs_mask, **params)


def test_policy_state_resets_between_episodes_inside_one_rollout_batch():
    env, agent = _agent('PPO_RS', n_steps_per_fit=23, policy_state_dim=4, n_features_actor=8)
    seen = []
    original = agent.rollout_batch

    def keep(transitions):
        seen.append(transitions)
        return original(transitions)
    agent.rollout_batch = keep
    Core(agent, env).learn(n_steps=23, n_steps_per_fit=23, quiet=True)
    tr = seen[0]
    first = tr.first
    assert first.sum() >= 4
    assert np.all(tr.policy_state[first] == 0) and np.all(tr.prev_action[first] == 0)
    inside = ~first[1:]
    np.testing.assert_array_equal(tr.policy_state[1:][inside], tr.next_policy_state[:-1][inside])
    assert np.all(np.abs(tr.policy_state[1:][~inside]).sum(1) == 0)


@pytest.mark.parametrize('name', ['PPO_RS', 'PPO_BPTT', 'PPO_WINDOW', 'PPO_VANILLA', 'PPO_ORACLE'])
def test_importance_ratio_is_one_before_the_first_update(name):
    env, agent = _agent(name, n_steps_per_fit=40)
    Core(agent, env).learn(n_steps=40, n_steps_per_fit=40, quiet=True)
    assert agent.last_losses['initial_ratio_deviation'] < 1e-5


def test_ppo_rs_ratio_uses_the_joint_log_probability():
    env, agent = _agent('PPO_RS', policy_state_dim=3, n_features_actor=8)
    policy = agent.policy
    s, z, a_prev = torch.randn(5, 3), torch.randn(5, 3), torch.randn(5, 2)
    a, z_next = torch.randn(5, 2), torch.randn(5, 3)
    out = policy.network(policy.observation(s), z, a_prev)
    mean_a, mean_z = policy.scale_action(out.action), out.next_policy_state
    std = policy.log_std.exp()
    expected = (torch.distributions.Normal(mean_a, std[:2]).log_prob(a).sum(-1)
                + torch.distributions.Normal(mean_z, std[2:]).log_prob(z_next).sum(-1))
    batch = torch_batch(5, state=s, policy_state=z, prev_action=a_prev, action=a, next_policy_state=z_next)
    torch.testing.assert_close(policy.log_prob_batch(batch), expected)
    torch.testing.assert_close(std, torch.full((5,), 0.5))


@pytest.mark.parametrize('privileged', [False, True])
def test_value_function_inputs(privileged):
    env, agent = _agent('PPO_RS', policy_state_dim=4, n_features_actor=8, privileged_critic=privileged)
    first_layer = agent._V.mlp[0]
    expected = (3 + 4) if privileged else (2 + 4 + 2)
    assert first_layer.in_features == expected
