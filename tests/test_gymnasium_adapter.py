"""Tests of the Gymnasium adapter (``GymnasiumEnv``), the registry's unknown ids and the pendulum POMDP."""
import gymnasium
import numpy as np
import pytest
from mushroom_rl.core import Core

from toy_envs import RandomAgent
from environments import PROJECT_ENV_IDS, GymnasiumEnv, available_env_ids, make_env


# ------------------------------------------------------------------ adapter
def test_adapter_mdp_info_and_types():
    env = make_env('HalfCheetahPOMDP-v5', gamma=0.95)
    info = env.info
    assert info.gamma == 0.95 and info.horizon == 1000
    assert np.isclose(info.dt, 0.05)
    assert info.observation_space.shape == (17,) and info.action_space.shape == (6,)
    np.testing.assert_allclose(info.action_space.low, -1.0)
    np.testing.assert_allclose(info.action_space.high, 1.0)
    obs = env.reset()
    assert obs.dtype == np.float64 and obs.shape == (17,)
    obs, reward, absorbing, step_info = env.step(np.zeros(6))
    assert obs.dtype == np.float64 and isinstance(reward, float) and absorbing is False
    assert step_info['truncated'] is False
    np.testing.assert_array_equal(env.policy_obs_mask, env.env.unwrapped.policy_obs_mask)
    env.stop()


def test_adapter_plain_gymnasium_env_and_instance():
    env = GymnasiumEnv('Pendulum-v1', horizon=50)
    assert env.info.horizon == 50 and env.env.spec.max_episode_steps == 50
    assert env.policy_obs_mask.all() and env.policy_obs_mask.shape == (3,)
    env2 = GymnasiumEnv(gymnasium.make('HopperPOMDP-v5'))
    assert env2.info.horizon == 1000 and env2.policy_obs_mask.sum() == 5
    with pytest.raises(ValueError):
        GymnasiumEnv(gymnasium.make('Pendulum-v1'), render_mode='rgb_array')


def test_adapter_discrete_spaces():
    env = GymnasiumEnv('FrozenLake-v1')
    assert env.info.observation_space.size == (16,) and env.info.action_space.size == (4,)
    env.seed(0)
    obs = env.reset()
    assert obs.shape == (1,)
    obs, _, _, _ = env.step(np.array([1]))
    assert obs.shape == (1,)


def test_core_runs_random_agent():
    env = make_env('HalfCheetahPOMDP-v5', random_mass=True, horizon=20)
    env.seed(0)
    agent = RandomAgent(env.info)
    core = Core(agent, env)
    core.learn(n_steps=30, n_steps_per_fit=10, quiet=True)
    assert agent.n_fit == 3
    dataset = core.evaluate(n_episodes=2, quiet=True)
    assert len(dataset) == 40
    assert [s[5] for s in dataset].count(True) == 2
    assert all(s[0].shape == (24,) for s in dataset)


def test_hopper_absorbing_from_terminated():
    env = make_env('HopperPOMDP-v5')
    env.seed(0)
    agent = RandomAgent(env.info, seed=1)
    dataset = Core(agent, env).evaluate(n_episodes=1, quiet=True)
    assert len(dataset) < 1000
    assert dataset[-1][4] and dataset[-1][5]
    assert not any(s[4] for s in dataset[:-1])

    # an unhealthy state (torso far too low) terminates at once
    env.reset()
    u = env.env.unwrapped
    qpos = u.init_qpos.copy()
    qpos[1] = 0.3
    u.set_state(qpos, u.init_qvel.copy())
    _, _, absorbing, info = env.step(np.zeros(3))
    assert absorbing is True and info['truncated'] is False


def test_truncation_is_not_absorbing():
    env = make_env('HalfCheetahPOMDP-v5', horizon=3)
    env.reset()
    flags = [env.step(np.zeros(6))[2:] for _ in range(3)]
    assert [absorbing for absorbing, _ in flags] == [False] * 3
    assert flags[-1][1]['truncated'] is True


def test_bad_action_shape():
    env = make_env('HopperPOMDP-v5')
    env.reset()
    with pytest.raises(ValueError, match=r'expected \(3,\).*got \(4,\)'):
        env.step(np.zeros(4))
    with pytest.raises(ValueError, match=r'\(3,\).*\(1, 3\)'):
        env.step(np.zeros((1, 3)))


def test_bad_observation_shape():
    class WrongObs(gymnasium.ObservationWrapper):
        def observation(self, observation):
            return observation[:-1]

    env = GymnasiumEnv(WrongObs(gymnasium.make('HopperPOMDP-v5')))
    with pytest.raises(ValueError, match=r'\(11,\).*\(10,\)'):
        env.reset()


class _TinyRenderEnv(gymnasium.Env):
    metadata = {'render_modes': ['rgb_array']}

    def __init__(self, render_mode=None):
        self.render_mode = render_mode
        self.observation_space = gymnasium.spaces.Box(-1.0, 1.0, (2,))
        self.action_space = gymnasium.spaces.Box(-1.0, 1.0, (1,))

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return np.zeros(2, dtype=np.float32), {}

    def step(self, action):
        return np.zeros(2, dtype=np.float32), 0.0, False, False, {}

    def render(self):
        return np.zeros((4, 5, 3), dtype=np.uint8)


def test_render_adapter_logic():
    env = GymnasiumEnv(_TinyRenderEnv(render_mode='rgb_array'))
    assert env.info.horizon == 1000 and np.isclose(env.info.dt, 0.1)
    env.reset()
    assert env.render().shape == (4, 5, 3)
    assert env.render(record=True).shape == (4, 5, 3)
    assert GymnasiumEnv(_TinyRenderEnv(render_mode=None)).render() is None


def test_unknown_id():
    with pytest.raises(ValueError) as excinfo:
        make_env('NoSuchTask-v0')
    message = str(excinfo.value)
    assert 'NoSuchTask-v0' in message
    for env_id in PROJECT_ENV_IDS:
        assert env_id in message


def test_pendulum_pomdp_is_pendulum_with_the_velocity_hidden():
    env = make_env('PendulumPOMDP-v1')
    plain = GymnasiumEnv('Pendulum-v1')
    assert env.info.horizon == plain.info.horizon == 200
    np.testing.assert_array_equal(env.policy_obs_mask, [True, True, False])
    env.seed(3)
    plain.seed(3)
    np.testing.assert_array_equal(env.reset(), plain.reset())
    for action in ([1.5], [-2.], [0.3]):
        step, plain_step = env.step(np.array(action)), plain.step(np.array(action))
        np.testing.assert_array_equal(step[0], plain_step[0])
        assert step[1] == plain_step[1] and step[2] == plain_step[2]
    assert 'PendulumPOMDP-v1' in available_env_ids()
