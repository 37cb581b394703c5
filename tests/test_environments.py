"""Tests of the POMDP locomotion environments, the Gymnasium adapter and the registry."""

import gymnasium
import numpy as np
import pytest
from mushroom_rl.core import Core

import environments
from toy_envs import RandomAgent
from environments import (POMDP_ENV_IDS, PROJECT_ENV_IDS, GymnasiumEnv, available_env_ids,
                          make_env, masked_observation)
from environments.pomdp_locomotion import MASS_CHANGES

# (obs size, visible index ranges [start, stop)) of the default v5 observations.
EXPECTED_LAYOUT = {
    'HalfCheetahPOMDP-v5': (17, [(0, 8)]),
    'HopperPOMDP-v5': (11, [(0, 5)]),
    'Walker2dPOMDP-v5': (17, [(0, 8)]),
    'AntPOMDP-v5': (105, [(0, 13), (27, 105)]),
    'HumanoidPOMDP-v5': (348, [(0, 22), (270, 348)]),
}


def _expected_mask(size, visible_ranges):
    mask = np.zeros(size, dtype=bool)
    for start, stop in visible_ranges:
        mask[start:stop] = True
    return mask


@pytest.fixture(scope='module')
def pomdp_envs():
    envs = {env_id: gymnasium.make(env_id) for env_id in POMDP_ENV_IDS}
    yield envs
    for env in envs.values():
        env.close()


# ------------------------------------------------------------------ registration and layout
def test_ids_registered_and_idempotent():
    assert POMDP_ENV_IDS == ('HalfCheetahPOMDP-v5', 'HopperPOMDP-v5', 'Walker2dPOMDP-v5',
                             'AntPOMDP-v5', 'HumanoidPOMDP-v5')
    for env_id in POMDP_ENV_IDS:
        assert env_id in gymnasium.registry
        assert gymnasium.spec(env_id).max_episode_steps == 1000
        assert env_id in PROJECT_ENV_IDS
    environments.register_pomdp_envs()  # again: no error, no duplicates
    assert set(POMDP_ENV_IDS) <= set(available_env_ids())


@pytest.mark.parametrize('env_id', POMDP_ENV_IDS)
def test_full_state_equals_v5_observation(env_id, pomdp_envs):
    env = pomdp_envs[env_id]
    base = gymnasium.make(env_id.replace('POMDP', ''))
    obs, _ = env.reset(seed=3)
    base_obs, _ = base.reset(seed=3)
    assert obs.shape == base_obs.shape == env.observation_space.shape
    np.testing.assert_allclose(obs, base_obs)
    action = np.full(env.action_space.shape, 0.1)
    np.testing.assert_allclose(env.step(action)[0], base.step(action)[0])
    base.close()


@pytest.mark.parametrize('env_id', POMDP_ENV_IDS)
def test_mask_against_expected_sizes(env_id, pomdp_envs):
    env = pomdp_envs[env_id]
    size, visible = EXPECTED_LAYOUT[env_id]
    assert env.observation_space.shape == (size,)
    mask = env.get_wrapper_attr('policy_obs_mask')
    assert mask.dtype == bool and mask.shape == (size,)
    np.testing.assert_array_equal(mask, _expected_mask(size, visible))
    np.testing.assert_array_equal(env.unwrapped.policy_obs_mask, mask)


@pytest.mark.parametrize('env_id', ['HalfCheetahPOMDP-v5', 'HopperPOMDP-v5', 'Walker2dPOMDP-v5'])
def test_planar_mask_hides_exactly_qvel(env_id, pomdp_envs):
    env = pomdp_envs[env_id]
    data, model = env.unwrapped.data, env.unwrapped.model
    obs, _ = env.reset(seed=1)
    obs, *_ = env.step(env.action_space.sample())
    mask = env.unwrapped.policy_obs_mask
    assert model.nq - 1 + model.nv == obs.size
    # Hopper and Walker2d clip the observed velocities to [-10, 10]
    qvel = data.qvel if env_id == 'HalfCheetahPOMDP-v5' else np.clip(data.qvel, -10, 10)
    np.testing.assert_allclose(obs[~mask], qvel)
    np.testing.assert_allclose(obs[mask], data.qpos[1:])


def test_ant_layout(pomdp_envs):
    env = pomdp_envs['AntPOMDP-v5']
    u = env.unwrapped
    model, data = u.model, u.data
    n_pos, n_vel, n_cfrc = model.nq - 2, model.nv, (model.nbody - 1) * 6
    assert (n_pos, n_vel, n_cfrc) == (13, 14, 78)
    env.reset(seed=0)
    for _ in range(5):
        obs, *_ = env.step(env.action_space.sample())
    mask = u.policy_obs_mask
    np.testing.assert_allclose(obs[~mask], data.qvel)
    np.testing.assert_allclose(obs[:n_pos], data.qpos[2:])
    np.testing.assert_allclose(obs[n_pos + n_vel:], u.contact_forces[1:].ravel())
    assert mask[n_pos + n_vel:].all() and mask[:n_pos].all()


def test_humanoid_layout(pomdp_envs):
    env = pomdp_envs['HumanoidPOMDP-v5']
    u = env.unwrapped
    model, data = u.model, u.data
    nb = model.nbody - 1
    sizes = [model.nq - 2, model.nv, nb * 10, nb * 6, model.nv - 6, nb * 6]
    assert sizes == [22, 23, 130, 78, 17, 78] and sum(sizes) == 348
    env.reset(seed=0)
    for _ in range(3):
        obs, *_ = env.step(env.action_space.sample())
    bounds = np.cumsum([0] + sizes)
    parts = [obs[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    np.testing.assert_allclose(parts[0], data.qpos[2:])
    np.testing.assert_allclose(parts[1], data.qvel)
    np.testing.assert_allclose(parts[2], data.cinert[1:].ravel())
    np.testing.assert_allclose(parts[3], data.cvel[1:].ravel())
    np.testing.assert_allclose(parts[4], data.qfrc_actuator[6:].ravel())
    np.testing.assert_allclose(parts[5], data.cfrc_ext[1:].ravel())
    mask = u.policy_obs_mask
    np.testing.assert_array_equal(mask, np.concatenate([np.full(s, v) for s, v in
                                                        zip(sizes, [1, 0, 0, 0, 0, 1])]).astype(bool))


# ------------------------------------------------------------------ mass randomisation
@pytest.mark.parametrize('env_id', POMDP_ENV_IDS)
def test_random_mass_full_state_and_mask(env_id):
    env = gymnasium.make(env_id, random_mass=True)
    size, visible = EXPECTED_LAYOUT[env_id]
    n_changes = env.unwrapped.model.nbody - 1
    assert env.observation_space.shape == (size + n_changes,)
    obs, _ = env.reset(seed=0)
    assert obs.shape == (size + n_changes,)
    np.testing.assert_allclose(obs[size:], env.unwrapped.mass_change)
    mask = env.get_wrapper_attr('policy_obs_mask')
    assert mask.shape == (size + n_changes,)
    assert not mask[size:].any()
    np.testing.assert_array_equal(mask[:size], _expected_mask(size, visible))
    obs, *_ = env.step(env.action_space.sample())
    assert obs.shape == (size + n_changes,)
    np.testing.assert_allclose(obs[size:], env.unwrapped.mass_change)
    env.close()


def test_mass_ratios_no_compounding():
    env = gymnasium.make('HalfCheetahPOMDP-v5', random_mass=True)
    u = env.unwrapped
    base = u.base_body_mass
    size = EXPECTED_LAYOUT['HalfCheetahPOMDP-v5'][0]
    seen = set()
    for i in range(60):
        obs, _ = env.reset(seed=i if i == 0 else None)
        ratio = u.model.body_mass[1:] / base[1:]
        assert u.model.body_mass[0] == base[0]
        # every ratio is one of 0.7, 1.0, 1.3: never a product of several resets
        assert np.all(np.isclose(ratio[:, None], 1.0 + MASS_CHANGES[None, :]).any(axis=1))
        np.testing.assert_allclose(ratio, 1.0 + obs[size:])
        np.testing.assert_allclose(u.mass_change, obs[size:])
        seen.update(np.round(ratio, 6).tolist())
    assert seen == {0.7, 1.0, 1.3}
    env.close()


def test_mass_randomisation_off_keeps_masses():
    env = gymnasium.make('HopperPOMDP-v5')
    base = env.unwrapped.base_body_mass
    for i in range(5):
        env.reset(seed=i)
        np.testing.assert_array_equal(env.unwrapped.model.body_mass, base)
    env.close()


@pytest.mark.parametrize('env_id', ['HalfCheetahPOMDP-v5', 'HumanoidPOMDP-v5'])
def test_random_mass_scales_geom_sizes_per_body(env_id):
    # Reference wrapper: every geom of a body gets geom_size[:, 0] x (1 + c) of that body, from the
    # nominal sizes at every reset (Humanoid has bodies with several geoms).
    env = gymnasium.make(env_id, random_mass=True)
    u = env.unwrapped
    model = u.model
    base_size = model.geom_size.copy()  # nominal: no reset yet
    base_pos = model.geom_pos.copy()
    base_rbound = model.geom_rbound.copy()
    body = model.geom_bodyid
    world = body == 0
    seen_changes = []
    for i in range(12):
        env.reset(seed=100 + i if i == 0 else None)
        change = u.mass_change
        factor = np.concatenate(([1.0], 1.0 + change))[body]
        np.testing.assert_allclose(model.geom_size[:, 0], base_size[:, 0] * factor)
        np.testing.assert_array_equal(model.geom_size[:, 1:], base_size[:, 1:])
        np.testing.assert_array_equal(model.geom_size[world], base_size[world])
        np.testing.assert_array_equal(model.geom_pos, base_pos)
        np.testing.assert_allclose(model.body_mass[1:], u.base_body_mass[1:] * (1.0 + change))
        # collision bounds cover the enlarged geoms
        assert np.all(model.geom_rbound >= base_rbound * factor - 1e-12)
        seen_changes.append(change)
    seen_changes = np.array(seen_changes)
    assert len({tuple(c) for c in seen_changes}) > 1  # redrawn at the next resets
    assert set(np.unique(seen_changes)) == set(MASS_CHANGES)
    env.close()


def test_geom_sizes_unchanged_without_random_mass():
    env = gymnasium.make('HumanoidPOMDP-v5')
    u = env.unwrapped
    nominal = u.model.geom_size.copy()
    np.testing.assert_array_equal(u.base_geom_size, nominal)
    for i in range(3):
        env.reset(seed=i)
        np.testing.assert_array_equal(u.model.geom_size, nominal)
    env.close()


# ------------------------------------------------------------------ actuator-force option
@pytest.mark.parametrize('random_mass', [False, True])
def test_humanoid_masks_privileged_and_ppo(random_mass):
    # hide_actuator_forces=True: reference privileged mask (velocities, com inertia, com velocity
    # and actuator forces hidden); False: reference non-privileged (PPO) mask, actuator forces visible.
    privileged = gymnasium.make('HumanoidPOMDP-v5', random_mass=random_mass)
    ppo = gymnasium.make('HumanoidPOMDP-v5', random_mass=random_mass, hide_actuator_forces=False)
    assert privileged.unwrapped.hide_actuator_forces and not ppo.unwrapped.hide_actuator_forces
    extra = 13 if random_mass else 0
    mask_p = privileged.unwrapped.policy_obs_mask
    mask_o = ppo.unwrapped.policy_obs_mask
    assert mask_p.shape == mask_o.shape == (348 + extra,)
    assert ppo.observation_space.shape == privileged.observation_space.shape
    assert mask_p.sum() == 22 + 78 and mask_o.sum() == 22 + 17 + 78
    # layout: qpos 22 | qvel 23 | cinert 130 | cvel 78 | qfrc_actuator 17 | cfrc_ext 78 | mass change
    expected = _expected_mask(348 + extra, [(0, 22), (253, 348)])
    np.testing.assert_array_equal(mask_o, expected)
    np.testing.assert_array_equal(mask_p, _expected_mask(348 + extra, [(0, 22), (270, 348)]))
    obs_p, _ = privileged.reset(seed=5)
    obs_o, _ = ppo.reset(seed=5)
    np.testing.assert_array_equal(obs_p, obs_o)  # same full state either way
    privileged.close()
    ppo.close()


def test_hide_actuator_forces_is_a_no_op_without_actuator_forces():
    for env_id in ('HalfCheetahPOMDP-v5', 'AntPOMDP-v5'):
        size, visible = EXPECTED_LAYOUT[env_id]
        env = gymnasium.make(env_id, hide_actuator_forces=False)
        np.testing.assert_array_equal(env.unwrapped.policy_obs_mask, _expected_mask(size, visible))
        env.close()


def test_hide_actuator_forces_survives_pickling():
    import pickle
    env = gymnasium.make('HumanoidPOMDP-v5', hide_actuator_forces=False, random_mass=True)
    clone = pickle.loads(pickle.dumps(env.unwrapped))
    assert not clone.hide_actuator_forces and clone.random_mass
    np.testing.assert_array_equal(clone.policy_obs_mask, env.unwrapped.policy_obs_mask)
    env.close()


def test_same_seed_same_first_observation():
    for kwargs in ({}, {'random_mass': True}):
        a = gymnasium.make('Walker2dPOMDP-v5', **kwargs)
        b = gymnasium.make('Walker2dPOMDP-v5', **kwargs)
        obs_a, _ = a.reset(seed=42)
        obs_b, _ = b.reset(seed=42)
        np.testing.assert_array_equal(obs_a, obs_b)
        obs_c, _ = a.reset(seed=43)
        assert not np.array_equal(obs_a, obs_c)
        a.close()
        b.close()

    env_a = make_env('AntPOMDP-v5', random_mass=True)
    env_b = make_env('AntPOMDP-v5', random_mass=True)
    env_a.seed(7)
    env_b.seed(7)
    np.testing.assert_array_equal(env_a.reset(), env_b.reset())
    np.testing.assert_array_equal(env_a.env.action_space.sample(), env_b.env.action_space.sample())


def test_masked_observation():
    env = make_env('HopperPOMDP-v5', random_mass=True)
    state = env.reset()
    mask = env.policy_obs_mask
    np.testing.assert_array_equal(masked_observation(state, mask), state[:5])
    np.testing.assert_array_equal(masked_observation(state, env), state[:5])
    np.testing.assert_array_equal(masked_observation(state, env.env), state[:5])
    batch = np.stack([state, state + 1.0])
    assert masked_observation(batch, mask).shape == (2, 5)
    with pytest.raises(ValueError, match=r'\(14,\).*\(15,\)'):
        masked_observation(state[:-1], mask)


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
