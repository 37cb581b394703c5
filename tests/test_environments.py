"""Tests of the POMDP locomotion environments (the Gymnasium adapter and the registry:
``test_gymnasium_adapter.py``)."""
import gymnasium
import numpy as np
import pytest

import environments
from environments import POMDP_ENV_IDS, PROJECT_ENV_IDS, available_env_ids, make_env, masked_observation
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
    base = u.model.body_mass.copy()  # nominal: no reset yet
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
    base = env.unwrapped.model.body_mass.copy()  # nominal: no reset yet
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
    base_mass = model.body_mass.copy()
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
        np.testing.assert_allclose(model.body_mass[1:], base_mass[1:] * (1.0 + change))
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
