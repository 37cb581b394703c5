"""The internal-state core on small hand-made data: rollouts, replay, refresh."""
import numpy as np
import pytest
from mushroom_rl.core import Core

from mushroom_s2pg.core import StatefulReplayMemory, TransitionBatch
from toy_envs import CountingPolicy, RecordingAgent, ToyPOMDP


def _run(n_steps=60, n_steps_per_fit=5):
    env = ToyPOMDP(horizon=7)
    agent = RecordingAgent(env.info, CountingPolicy(env.policy_obs_mask))
    core = Core(agent, env)
    core.learn(n_steps=n_steps, n_steps_per_fit=n_steps_per_fit, quiet=True)
    return agent, agent.all_transitions()


def test_policy_state_resets_at_every_episode_start():
    agent, tr = _run()
    first = tr.first
    assert first[0] and first.sum() > 3
    # z0 = 0 and a_prev = 0 at every episode start
    assert np.all(tr.policy_state[first] == 0.)
    assert np.all(tr.prev_action[first] == 0.)
    # the counting policy makes z the step index inside the episode: never carried across episodes
    step_in_episode = np.zeros(len(first))
    for i in range(1, len(first)):
        step_in_episode[i] = 0 if first[i] else step_in_episode[i - 1] + 1
    np.testing.assert_array_equal(tr.policy_state[:, 0], step_in_episode)
    # episodes start exactly after a last step
    np.testing.assert_array_equal(first[1:], tr.last[:-1])


def test_stored_policy_states_are_what_the_policy_produced():
    _, tr = _run()
    not_first = ~tr.first
    np.testing.assert_array_equal(tr.next_policy_state, tr.policy_state + 1.)
    np.testing.assert_array_equal(tr.policy_state[1:][not_first[1:]], tr.next_policy_state[:-1][not_first[1:]])
    np.testing.assert_array_equal(tr.prev_action[1:][not_first[1:]], tr.action[:-1][not_first[1:]])
    np.testing.assert_allclose(tr.action[:, 0], tr.policy_state[:, 0] / 10., rtol=1e-6)


def test_new_learn_call_starts_a_new_episode_and_evaluate_does_not_leak():
    env = ToyPOMDP(horizon=50)
    agent = RecordingAgent(env.info, CountingPolicy(env.policy_obs_mask))
    core = Core(agent, env)
    core.learn(n_steps=3, n_steps_per_fit=3, quiet=True)
    core.evaluate(n_steps=4, quiet=True)
    core.learn(n_steps=3, n_steps_per_fit=3, quiet=True)
    tr = agent.all_transitions()
    assert tr.first[0] and tr.first[3]
    np.testing.assert_array_equal(tr.policy_state[:, 0], [0, 1, 2, 0, 1, 2])


def test_transitions_reject_foreign_datasets():
    env = ToyPOMDP()
    agent = RecordingAgent(env.info, CountingPolicy(env.policy_obs_mask))
    with pytest.raises(RuntimeError):
        agent.fit([(np.zeros(3), np.zeros(2), 0., np.zeros(3), False, False)])


def test_observation_shape_mismatch_names_both_shapes():
    env = ToyPOMDP()
    agent = RecordingAgent(env.info, CountingPolicy(env.policy_obs_mask))
    agent.episode_start()
    with pytest.raises(ValueError, match=r'\(5,\).*\(3,\)'):
        agent.draw_action(np.zeros(5))


def _transitions(first, last, absorbing, z_dim=1):
    n = len(first)
    ids = np.arange(n, dtype=np.float32)
    return TransitionBatch(state=ids[:, None], policy_state=np.tile(ids[:, None], (1, z_dim)),
                           action=np.zeros((n, 1), np.float32), reward=ids, next_state=ids[:, None] + 1,
                           next_policy_state=np.tile(ids[:, None] + 0.5, (1, z_dim)), absorbing=np.array(absorbing),
                           last=np.array(last), prev_action=np.zeros((n, 1), np.float32), first=np.array(first))


def test_refresh_never_crosses_episode_boundaries():
    #           ep A: 0 1 2(absorbing)   ep B: 3 4(last)   ep C: 5 6 (cut by the end of a learn call)  ep D: 7
    first = [True, False, False, True, False, True, False, True]
    last = [False, False, True, False, True, False, False, True]
    absorbing = [False, False, True, False, False, False, False, False]
    memory = StatefulReplayMemory(1, 100)
    memory.add(_transitions(first, last, absorbing))
    idx = np.arange(8)
    fresh = 100. + np.arange(8, dtype=np.float32)[:, None]
    memory.refresh_policy_states(idx, fresh, tau_z=1.)
    np.testing.assert_array_equal(memory.next_policy_state[:8, 0], fresh[:, 0])
    # z of t+1 takes the refreshed z' of t only inside an episode; 7 is the newest step (nothing follows)
    expected = np.array([0., 100., 101., 3., 103., 5., 105., 7.])
    np.testing.assert_array_equal(memory.policy_state[:8, 0], expected)


def test_refresh_mixing_factor_and_disabled_refresh():
    memory = StatefulReplayMemory(1, 10)
    memory.add(_transitions([True, False], [False, True], [False, False]))
    memory.refresh_policy_states(np.array([0]), np.array([[10.5]]), tau_z=0.)
    assert memory.next_policy_state[0, 0] == 0.5 and memory.policy_state[1, 0] == 1.
    memory.refresh_policy_states(np.array([0]), np.array([[10.5]]), tau_z=0.25)
    assert memory.next_policy_state[0, 0] == pytest.approx(0.75 * 0.5 + 0.25 * 10.5)
    assert memory.policy_state[1, 0] == pytest.approx(0.75 * 0.5 + 0.25 * 10.5)


def test_refresh_across_wrap_around_and_overwritten_slots():
    memory = StatefulReplayMemory(1, 4)
    first = [True] + [False] * 5
    memory.add(_transitions(first, [False] * 6, [False] * 6))
    # global steps 2..5 are kept at positions 2, 3, 0, 1; position 1 (step 5) is the newest
    np.testing.assert_array_equal(memory.state[:, 0], [4., 5., 2., 3.])
    memory.refresh_policy_states(np.array([3, 1]), np.array([[50.], [60.]]), tau_z=1.)
    assert memory.policy_state[0, 0] == 50.   # step 3 -> step 4 across the wrap-around
    np.testing.assert_array_equal(memory.policy_state[[1, 2, 3], 0], [5., 2., 3.])  # newest: nothing follows


def test_memory_sizes_and_initialisation():
    memory = StatefulReplayMemory(3, 4)
    assert not memory.initialized
    memory.add(_transitions([True, False], [False, False], [False, False]))
    assert memory.size == 2 and not memory.initialized
    memory.add(_transitions([False] * 3, [False] * 3, [False] * 3))
    assert memory.size == 4 and memory.initialized
    idx, batch = memory.sample(16)
    assert batch.state.shape == (16, 1) and batch.policy_state.shape == (16, 1)
    with pytest.raises(ValueError, match='initial_size=5'):
        StatefulReplayMemory(5, 4)


def test_memory_save_keeps_only_filled_rows_and_round_trips(tmp_path):
    memory = StatefulReplayMemory(1, 100000)
    memory.add(_transitions([True, False, False], [False, False, True], [False, False, True], z_dim=4))
    memory.save(tmp_path / 'memory.zip', full_save=True)
    assert (tmp_path / 'memory.zip').stat().st_size < 100000
    loaded = StatefulReplayMemory.load(tmp_path / 'memory.zip')
    assert loaded.size == 3 and loaded.max_size == 100000
    for name in ('state', 'policy_state', 'next_policy_state', 'first', 'last', '_step_id', '_episode_start_id'):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(memory, name))
    memory.save(tmp_path / 'light.zip')
    light = StatefulReplayMemory.load(tmp_path / 'light.zip')
    assert light.size == 0 and light.state is None
    light.add(_transitions([True], [True], [False], z_dim=4))
    assert light.size == 1
