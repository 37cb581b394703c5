"""Tests of the point-mass memory and door tasks (``PointMassMemory-v0``, ``-v1``, ``PointMassDoor-v0``): registration,
state layout, hidden information, resets, rendering, MushroomRL and the training aids (the dynamics and collisions:
``test_point_mass_dynamics.py``)."""
import math
import time
import warnings

import gymnasium
import numpy as np
import pytest
from mushroom_rl.core import Core

import environments
from toy_envs import RandomAgent
from environments import (POINT_MASS_ENV_IDS, PROJECT_ENV_IDS, PointMassDoorEnv, PointMassMemoryEnv,
                          PointMassMemoryUniformEnv, available_env_ids, make_env, masked_observation)
from environments.point_mass_door import HIDDEN_DOOR
from environments.registry import PROJECT_ENVS
from point_mass_helpers import DOWN, LEFT, RIGHT, STEP, UP, _act, _door, _memory

# ------------------------------------------------------------------ registration and layout
def test_registered_idempotent_and_listed():
    assert POINT_MASS_ENV_IDS == ('PointMassMemory-v0', 'PointMassMemory-v1', 'PointMassDoor-v0')
    environments.register_point_mass_envs()  # again: no error
    for env_id in POINT_MASS_ENV_IDS:  # the authors' constructor default
        assert gymnasium.spec(env_id).max_episode_steps == 1000
    for env_id in POINT_MASS_ENV_IDS:
        assert env_id in gymnasium.registry
        assert env_id in PROJECT_ENVS and env_id in PROJECT_ENV_IDS
        assert env_id in available_env_ids()
    assert isinstance(gymnasium.make('PointMassMemory-v0').unwrapped, PointMassMemoryEnv)
    assert isinstance(gymnasium.make('PointMassDoor-v0').unwrapped, PointMassDoorEnv)
    assert isinstance(gymnasium.make('PointMassMemory-v1').unwrapped, PointMassMemoryUniformEnv)
    with warnings.catch_warnings(record=True) as caught:  # v0 stays the reference's task: not "out of date"
        environments.make_env('PointMassMemory-v0')
    assert not [w for w in caught if 'out of date' in str(w.message)]


def test_state_layout_and_policy_mask():
    # the authors' layout [position, visible copy, hidden information]; the critic sees position and hidden part
    env, obs = _memory(goal_index=1, start_index=2)
    assert obs.shape == (6,) == env.observation_space.shape and obs.dtype == np.float64
    np.testing.assert_array_equal(env.policy_obs_mask, [True] * 4 + [False] * 2)
    np.testing.assert_array_equal(env.critic_obs_mask, [True, True, False, False, True, True])
    np.testing.assert_array_equal(obs[env.AGENT_POS], [88.0, 15.0])
    np.testing.assert_array_equal(obs[env.VISIBLE_GOAL], [57.0, 130.0])
    np.testing.assert_array_equal(obs[env.GOAL], [57.0, 130.0])
    np.testing.assert_array_equal(env.start_position, [88.0, 15.0])
    assert env.observation_space.contains(obs)

    env, obs = _door(doors=(20.0, 80.0))
    assert obs.shape == (6,) == env.observation_space.shape
    np.testing.assert_array_equal(env.policy_obs_mask, [True] * 4 + [False] * 2)
    np.testing.assert_array_equal(env.critic_obs_mask, [True, True, False, False, True, True])
    np.testing.assert_array_equal(obs[env.AGENT_POS], [75.0, 10.0])
    np.testing.assert_array_equal(obs[env.VISIBLE_DOORS], [20.0, 80.0])
    np.testing.assert_array_equal(obs[env.DOORS], [20.0, 80.0])
    assert env.observation_space.contains(obs)

    # the mask is a copy and reaches the MushroomRL adapter and masked_observation
    env.policy_obs_mask[:] = False
    assert env.policy_obs_mask.sum() == 4
    env.critic_obs_mask[:] = False
    assert env.critic_obs_mask.sum() == 4
    for env_id in POINT_MASS_ENV_IDS:
        mdp = make_env(env_id)
        assert mdp.policy_obs_mask.shape == (6,) and mdp.policy_obs_mask.sum() == 4
        np.testing.assert_array_equal(mdp.critic_obs_mask, [True, True, False, False, True, True])
        assert masked_observation(mdp.reset(), mdp).shape == (4,)
    assert make_env('Pendulum-v1').critic_obs_mask.all()  # tasks without a critic mask: the critic sees everything


def test_critic_state_is_the_position_and_the_true_hidden_information():
    """Hand-made states: what the critic's entries hold in and out of the visible disk."""
    env, _ = _memory(goal_index=3, start_index=0)  # goal (120, 130), start (25, 15)
    for position in ((25.0, 40.0), (60.0, 90.0)):  # inside and outside radius 30
        obs = env.set_agent_position(position)
        np.testing.assert_array_equal(obs[env.critic_obs_mask], [*position, 120.0, 130.0])
    env, _ = _door(doors=(30.0, 70.0))
    for position in ((75.0, 20.0), (40.0, 75.0)):  # inside and outside radius 20
        obs = env.set_agent_position(position)
        np.testing.assert_array_equal(obs[env.critic_obs_mask], [*position, 30.0, 70.0])
    np.testing.assert_array_equal(obs[env.policy_obs_mask], [40.0, 75.0, HIDDEN_DOOR, HIDDEN_DOOR])


# ------------------------------------------------------------------ hidden information
def test_memory_goal_visible_only_within_radius_30():
    env, obs = _memory(goal_index=3, start_index=0)  # goal (120, 130), start (25, 15)
    goal = [120.0, 130.0]
    cases = [((25.0, 15.0), True), ((25.0, 45.0), True), ((43.0, 39.0), True),  # |(18, 24)| = 30
             ((25.0, 45.01), False), ((55.0 + 1e-9, 15.0), False), ((100.0, 100.0), False)]
    for position, visible in cases:
        obs = env.set_agent_position(position)
        np.testing.assert_array_equal(obs[env.AGENT_POS], position)
        np.testing.assert_array_equal(obs[env.VISIBLE_GOAL], goal if visible else [0.0, 0.0])
        np.testing.assert_array_equal(obs[env.GOAL], goal)  # always there for the critic
        assert env.is_observable() is visible

    # stepping straight up from the start: distance 1.8 k after k steps, visible while <= 30
    env, obs = _memory(goal_index=3, start_index=0)
    for k in range(1, 25):
        obs, _, terminated, _, info = env.step(_act(UP))
        assert not terminated
        assert info['goal_visible'] is (k <= 16)  # 16 * 1.8 = 28.8, 17 * 1.8 = 30.6
        np.testing.assert_array_equal(obs[env.VISIBLE_GOAL], goal if k <= 16 else [0.0, 0.0])
    # coming back into the area shows the goal again
    obs = env.set_agent_position((25.0, 20.0))
    np.testing.assert_array_equal(obs[env.VISIBLE_GOAL], goal)


def test_door_positions_visible_only_within_radius_20():
    env, obs = _door(doors=(12.5, 99.0))
    np.testing.assert_array_equal(obs[env.VISIBLE_DOORS], [12.5, 99.0])
    cases = [((75.0, 30.0), True), ((87.0, 26.0), True),  # |(12, 16)| = 20
             ((75.0, 30.01), False), ((55.0 - 1e-9, 10.0), False), ((75.0, 50.0), False)]
    for position, visible in cases:
        obs = env.set_agent_position(position)
        np.testing.assert_array_equal(obs[env.VISIBLE_DOORS], [12.5, 99.0] if visible else [-1.0, -1.0])
        assert env.observation_space.contains(obs)
        np.testing.assert_array_equal(obs[env.DOORS], [12.5, 99.0])
    # by stepping: 11 * 1.8 = 19.8 visible, 12 * 1.8 = 21.6 hidden
    env, obs = _door(doors=(12.5, 99.0))
    for k in range(1, 14):
        obs, _, terminated, _, info = env.step(_act(UP))
        assert not terminated and info['doors_visible'] is (k <= 11)
        assert bool((obs[env.VISIBLE_DOORS] != HIDDEN_DOOR).all()) is (k <= 11)


# ------------------------------------------------------------------ resets and seeding
@pytest.mark.parametrize('env_id', POINT_MASS_ENV_IDS)
def test_seeded_resets_reproducible(env_id):
    def rollout(seed):
        env = gymnasium.make(env_id)
        out = [env.reset(seed=seed)[0]]
        for k in range(10):
            out.append(env.reset()[0])
            out.append(env.step(_act(np.sin(k)))[0])
        return np.array(out)

    np.testing.assert_array_equal(rollout(3), rollout(3))
    assert not np.array_equal(rollout(3), rollout(4))


def test_all_goals_and_starts_occur_and_doors_in_range():
    env = PointMassMemoryEnv()
    env.reset(seed=0)
    goals, starts = set(), set()
    for _ in range(200):
        obs, _ = env.reset()
        goals.add(tuple(obs[env.GOAL]))
        starts.add(tuple(env.start_position))
        np.testing.assert_array_equal(obs[env.AGENT_POS], env.start_position)
    assert goals == {(x, 130.0) for x in (25.0, 57.0, 88.0, 120.0)}
    assert starts == {(x, 15.0) for x in (25.0, 57.0, 88.0, 120.0)}

    # v1: start and goal x uniform on [25, 120], independent; the goal visible at the start
    env = PointMassMemoryUniformEnv()
    env.reset(seed=0)
    draws = []
    for _ in range(400):
        obs, _ = env.reset()
        np.testing.assert_array_equal(obs[env.AGENT_POS], env.start_position)
        np.testing.assert_array_equal(obs[env.VISIBLE_GOAL], obs[env.GOAL])
        assert obs[env.GOAL][1] == 130.0 and env.start_position[1] == 15.0
        draws.append((obs[env.GOAL][0], env.start_position[0]))
    draws = np.array(draws)
    assert draws.min() >= 25.0 and draws.max() <= 120.0 and len(np.unique(draws)) == draws.size
    assert np.all(np.abs(draws.mean(axis=0) - 72.5) < 5.0) and abs(np.corrcoef(draws.T)[0, 1]) < 0.15
    for low, high in ((25.0, 40.0), (105.0, 120.0)):  # both ends of the range occur
        assert np.all(((draws >= low) & (draws <= high)).any(axis=0))
    obs, _ = env.reset(options={'goal_x': 40.0, 'start_x': 100.0})
    np.testing.assert_array_equal(obs, [100.0, 15.0, 40.0, 130.0, 40.0, 130.0])
    for options in ({'goal_x': 24.0}, {'start_x': 121.0}, {'goal_index': 0}):
        with pytest.raises(ValueError):
            env.reset(options=options)

    env = PointMassDoorEnv()
    env.reset(seed=0)
    doors = np.array([env.reset()[0][env.DOORS] for _ in range(300)])
    assert doors.min() >= 10.0 and doors.max() <= 100.0
    assert doors.min() < 20.0 and doors.max() > 90.0 and abs(doors.mean() - 55.0) < 5.0
    assert not np.array_equal(doors[:, 0], doors[:, 1])


def test_invalid_arguments():
    env, _ = _memory()
    with pytest.raises(ValueError):
        env.reset(options={'goal_index': 4})
    with pytest.raises(ValueError):
        env.reset(options={'goal': 1})
    with pytest.raises(ValueError):
        env.set_agent_position((-1.0, 10.0))
    env, _ = _door()
    with pytest.raises(ValueError):
        env.reset(options={'doors': (120.0, 10.0)})
    with pytest.raises(ValueError):
        PointMassDoorEnv(render_mode='human')


# ------------------------------------------------------------------ rendering
def test_render_rgb_array():
    for env_id in POINT_MASS_ENV_IDS:
        env = gymnasium.make(env_id, render_mode='rgb_array')
        env.reset(seed=0)
        for _ in range(5):
            env.step(_act(UP))
        frame = env.render()
        assert frame.shape == (300, 300, 3) and frame.dtype == np.uint8
        assert len(np.unique(frame.reshape(-1, 3), axis=0)) >= 5
        # the agent is drawn black at its position
        x, y = env.unwrapped.agent_position
        assert tuple(frame[int((150 - y) * 2), int(x * 2)]) == (0, 0, 0)

    env = PointMassDoorEnv(render_mode='rgb_array', render_size=64)
    env.reset(seed=0, options={'doors': (100.0, 10.0)})
    frame = env.render()
    assert frame.shape == (64, 64, 3) and frame.dtype == np.uint8
    # the wall y = 60 is drawn at x = 30 and the door at x = 120 is open
    row = int((150 - 60) * 64 / 150)
    assert tuple(frame[row, int(30 * 64 / 150)]) == (20, 20, 20)
    assert tuple(frame[row, int(120 * 64 / 150)]) != (20, 20, 20)
    # the walls are 5 thick: drawn at y = 62 (inside the band), not at y = 64
    env = PointMassDoorEnv(render_mode='rgb_array')
    env.reset(seed=0, options={'doors': (100.0, 10.0)})
    frame = env.render()
    assert tuple(frame[int((150 - 62) * 2), 60]) == (20, 20, 20)
    assert tuple(frame[int((150 - 64) * 2), 60]) != (20, 20, 20)
    # the door gap is drawn 40 wide (the wall ends at x = 100, not at 102)
    assert tuple(frame[int((150 - 60) * 2), int(99 * 2)]) == (20, 20, 20)
    assert tuple(frame[int((150 - 60) * 2), int(101 * 2)]) != (20, 20, 20)
    assert PointMassDoorEnv().render() is None

    mdp = make_env('PointMassMemory-v0', render_mode='rgb_array')
    mdp.reset()
    assert mdp.render().shape == (300, 300, 3)


# ------------------------------------------------------------------ MushroomRL and speed
@pytest.mark.parametrize('env_id, size, horizon', [('PointMassMemory-v0', 6, 1000), ('PointMassMemory-v1', 6, 1000),
                                                   ('PointMassDoor-v0', 6, 1000)])
def test_core_random_agent(env_id, size, horizon):
    mdp = make_env(env_id)
    assert mdp.info.horizon == horizon and mdp.info.dt == pytest.approx(0.6)
    assert mdp.info.observation_space.shape == (size,) and mdp.info.action_space.shape == (1,)
    mdp.seed(0)
    agent = RandomAgent(mdp.info)
    core = Core(agent, mdp)
    core.learn(n_steps=200, n_steps_per_fit=50, quiet=True)
    assert agent.n_fit == 4
    dataset = core.evaluate(n_episodes=5, quiet=True)
    lasts = [i for i, s in enumerate(dataset) if s[5]]
    assert len(lasts) == 5
    starts = [0] + [i + 1 for i in lasts[:-1]]
    for start, last in zip(starts, lasts):
        episode = dataset[start:last + 1]
        assert not any(s[4] for s in episode[:-1])
        assert len(episode) <= horizon
        assert episode[-1][4] or len(episode) == horizon
        if episode[-1][4]:
            assert episode[-1][2] == -2.0
    assert all(s[0].shape == (size,) and s[3].shape == (size,) for s in dataset)


# ------------------------------------------------------------------ training aids
@pytest.mark.parametrize('cls', [PointMassMemoryEnv, PointMassDoorEnv])
def test_normalized_observation_is_the_full_state_over_the_field_size(cls):
    raw, scaled = cls(), cls(normalize_observation=True)
    obs_raw, _ = raw.reset(seed=3)
    obs_scaled, _ = scaled.reset(seed=3)
    np.testing.assert_allclose(obs_scaled, obs_raw / 150.0)
    np.testing.assert_allclose(scaled.observation_space.high, raw.observation_space.high / 150.0)
    np.testing.assert_allclose(scaled.observation_space.low, raw.observation_space.low / 150.0)
    np.testing.assert_array_equal(scaled.policy_obs_mask, raw.policy_obs_mask)
    for a in (UP, UP, RIGHT):
        np.testing.assert_allclose(scaled.step(_act(a))[0], raw.step(_act(a))[0] / 150.0)
    assert scaled.observation_space.contains(obs_scaled)


def test_progress_reward_adds_the_distance_gained_and_keeps_the_task_reward_in_info():
    plain, _ = _memory(goal_index=1, start_index=1)  # start (57, 15), goal (57, 130): straight up
    shaped, _ = _memory(goal_index=1, start_index=1, progress_reward=0.5)
    _, r_plain, _, _, info_plain = plain.step(_act(UP))
    _, r_shaped, _, _, info = shaped.step(_act(UP))
    assert info['task_reward'] == info_plain['task_reward'] == r_plain == pytest.approx(math.exp(-0.1 * (115 - STEP)))
    assert r_shaped == pytest.approx(r_plain + 0.5 * STEP)
    _, r_back, _, _, _ = shaped.step(_act(DOWN))  # moving away costs as much as moving closer gained
    assert r_back == pytest.approx(math.exp(-0.1 * 115) - 0.5 * STEP)
    # over an episode the progress terms sum to c (d_start - d_end): no reward for circling
    total, tasks = 0.0, 0.0
    shaped.reset(seed=0, options={'goal_index': 1, 'start_index': 1})
    for a in [UP] * 10 + [LEFT] * 5 + [DOWN] * 3 + [RIGHT] * 5:
        _, r, _, _, info = shaped.step(_act(a))
        total, tasks = total + r, tasks + info['task_reward']
    assert total - tasks == pytest.approx(0.5 * (115 - shaped.distance_to_goal()))


def test_progress_reward_is_not_added_to_a_collision_and_must_be_non_negative():
    env, _ = _memory(goal_index=0, start_index=0, progress_reward=1.0)  # start (25, 15)
    for _ in range(12):  # 15 / 1.8: the ninth step leaves the field
        _, reward, terminated, _, info = env.step(_act(DOWN))
        if terminated:
            break
    assert terminated and reward == -2.0 and info['task_reward'] == -2.0
    with pytest.raises(ValueError, match='progress_reward'):
        PointMassMemoryEnv(progress_reward=-1.0)
    with pytest.raises(ValueError, match='progress_reward'):
        make_env('PointMassDoor-v0', progress_reward=float('inf'))


def test_gymnasium_env_checker():
    from gymnasium.utils.env_checker import check_env
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        check_env(PointMassMemoryEnv(), skip_render_check=True)
        check_env(PointMassDoorEnv(), skip_render_check=True)


@pytest.mark.parametrize('cls', [PointMassMemoryEnv, PointMassDoorEnv])
def test_speed(cls):
    env = cls()
    env.reset(seed=0)
    actions = np.random.default_rng(0).uniform(-1, 1, size=(20000, 1)).astype(np.float32)
    start = time.perf_counter()
    for a in actions:
        if env.step(a)[2]:
            env.reset()
    steps_per_s = len(actions) / (time.perf_counter() - start)
    assert steps_per_s > 10000, steps_per_s  # typically 150k-250k steps/s; loose bound for slow CI
