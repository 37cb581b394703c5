"""BPTT and window baselines: gradients through the window, zero padding, replay/rollout consistency."""
import numpy as np
import pytest
import torch
from mushroom_rl.core import Core

from algorithm_helpers import tiny_hyperparameters
from mushroom_s2pg.algorithms import make_agent
from mushroom_s2pg.core import TransitionBatch, to_torch
from toy_envs import ToyPOMDP


def _hand_made(n_steps):
    ids = np.arange(n_steps, dtype=np.float32)
    state = np.stack([ids / 10., np.sin(ids), np.cos(ids)], 1).astype(np.float32)
    return ids, state


def _fill(agent, episode_lengths):
    first = np.concatenate([[True] + [False] * (n - 1) for n in episode_lengths])
    last = np.concatenate([[False] * (n - 1) + [True] for n in episode_lengths])
    n = len(first)
    ids, state = _hand_made(n + 1)
    action = np.stack([np.sin(ids[:n]), np.cos(ids[:n])], 1).astype(np.float32)
    prev_action = np.where(first[:, None], 0., np.roll(action, 1, 0)).astype(np.float32)
    z_dim = agent.policy.stored_policy_state(np.zeros((1,) + agent.policy.policy_state_shape)).shape[1]
    agent.replay_memory.add(TransitionBatch(
        state=state[:n], policy_state=np.full((n, z_dim), 0.1, np.float32), action=action, reward=ids[:n],
        next_state=state[1:], next_policy_state=np.full((n, z_dim), 0.1, np.float32), absorbing=np.zeros(n, bool),
        last=last, prev_action=prev_action, first=first))
    return state


def _window_batch(agent, idx, length):
    memory = agent.replay_memory
    return to_torch(memory.get(idx)._replace(window=memory.transition_windows(idx, length)))


@pytest.mark.parametrize('name', ['SAC_BPTT', 'TD3_BPTT'])
def test_bptt_gradient_reaches_the_first_step_and_stops_at_the_episode_cut(name):
    env = ToyPOMDP()
    agent = make_agent(name, env.info, env.policy_obs_mask, truncation_length=32,
                       **tiny_hyperparameters(name, max_replay_size=200))
    state = _fill(agent, [40, 10])
    idx = np.array([39, 42])
    batch = _window_batch(agent, idx, 32)
    window_state = batch.window.state.requires_grad_(True)
    np.testing.assert_array_equal(batch.window.lengths.numpy(), [32, 3])
    np.testing.assert_array_equal(window_state[1, 0].detach().numpy(), state[40])  # the cut: starts at 40
    action = agent.policy.evaluate_batch(batch, next=False).current.action
    action.sum().backward()
    grad = window_state.grad.abs().sum(-1)      # (batch, L + 1)
    visible = window_state.grad[..., env.policy_obs_mask].abs().sum(-1)
    assert torch.all(visible[0, :32] > 0), 'the gradient must reach every step of the window, the first included'
    assert grad[0, 32] == 0
    assert torch.all(visible[1, :3] > 0) and torch.all(grad[1, 3:] == 0)
    assert torch.all(window_state.grad[..., ~env.policy_obs_mask] == 0)


def test_bptt_unroll_starts_from_the_stored_hidden_state():
    env = ToyPOMDP()
    agent = make_agent('SAC_BPTT', env.info, env.policy_obs_mask, truncation_length=4,
                       **tiny_hyperparameters('SAC_BPTT'))
    _fill(agent, [20])
    batch = _window_batch(agent, np.array([10]), 4)
    with agent.deterministic():
        out_a = agent.policy.evaluate_batch(batch).current.action
    batch = batch._replace(window=batch.window._replace(initial_policy_state=batch.window.initial_policy_state + 0.5))
    out_b = agent.policy.evaluate_batch(batch).current.action
    assert not torch.allclose(out_a, out_b)


@pytest.mark.parametrize('name', ['SAC_WINDOW', 'TD3_WINDOW'])
def test_window_input_is_zero_padded_at_episode_start_and_matches_rollout(name):
    env = ToyPOMDP(horizon=6)
    agent = make_agent(name, env.info, env.policy_obs_mask, window_length=3,
                       **tiny_hyperparameters(name, initial_replay_size=1000, max_replay_size=1000))
    policy = agent.policy
    seen = []
    policy.network.register_forward_pre_hook(lambda module, args: seen.append(args[0][0].numpy().copy()))
    Core(agent, env).learn(n_steps=30, n_steps_per_fit=30, quiet=True)
    memory = agent.replay_memory
    assert memory.policy_state.shape == (1000, 0), 'window policies keep no internal state in replay'
    idx = np.arange(30)
    batch = to_torch(memory.get(idx)._replace(window=memory.transition_windows(idx, 3)))
    current, _ = policy.observed_batch(batch)
    np.testing.assert_allclose(current.numpy(), np.array(seen), rtol=1e-6)
    first = memory.first[:30]
    obs_dim = int(env.policy_obs_mask.sum())
    assert np.all(current.numpy()[first, :2 * obs_dim] == 0)
    np.testing.assert_allclose(current.numpy()[first, 2 * obs_dim:], memory.state[:30][first][:, env.policy_obs_mask])


def test_oracle_sees_the_full_state_and_vanilla_the_masked_one():
    env = ToyPOMDP()
    oracle = make_agent('SAC_ORACLE', env.info, env.policy_obs_mask, **tiny_hyperparameters('SAC_ORACLE'))
    vanilla = make_agent('SAC_VANILLA', env.info, env.policy_obs_mask, **tiny_hyperparameters('SAC_VANILLA'))
    assert oracle.policy.policy_obs_mask.all()
    np.testing.assert_array_equal(vanilla.policy.policy_obs_mask, env.policy_obs_mask)
    assert vanilla.policy.policy_state_shape == (0,)
