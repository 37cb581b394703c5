"""Tests of the loco-mujoco imitation tasks: ids, masks, the hidden weight/scale, agents under Core, and the
regression check against loco-mujoco's own reference rollouts."""
import os

import numpy as np
import pytest
from mushroom_rl.core import Core

from environments import available_env_ids, env_options, make_env
from environments.loco_data import MissingDatasetError
from environments.registry import PROJECT_ENVS
from environments.loco_tasks import CARRY_WEIGHTS, HUMANOID_SCALES, LOCO_TASK_IDS, LOCO_TASKS
from imitation_helpers import MINI_SOURCE, REAL_TASKS, ensure_mini_data, rollout
from launchers.run.config import ExperimentConfigError, RunConfig
from launchers.run.experiment import build_parser
from mushroom_s2pg.algorithms import make_agent

PERFECT_TASKS = tuple(env_id + '.perfect' for env_id in REAL_TASKS)


@pytest.fixture(scope='module', autouse=True)
def _mini_data():
    ensure_mini_data()


@pytest.fixture(scope='module')
def envs():
    built = {env_id: make_env(env_id, horizon=100) for env_id in REAL_TASKS}
    yield built
    for mdp in built.values():
        mdp.stop()


# ------------------------------------------------------------------ ids and options
def test_ids_listed_everywhere():
    assert set(REAL_TASKS + PERFECT_TASKS) == set(LOCO_TASK_IDS)
    help_text = build_parser().format_help()
    for env_id in LOCO_TASK_IDS:
        assert env_id in available_env_ids() and env_id in PROJECT_ENVS
        assert env_id in help_text
        assert 'render_mode' not in env_options(env_id)  # not a Gymnasium environment
    assert env_options('Atlas.carry') == ('use_foot_forces', 'mini_data')
    assert env_options('Atlas.carry.perfect') == ('dataset_path', 'use_foot_forces')


def test_unknown_task_and_options_are_rejected_before_building():
    with pytest.raises(ValueError, match='Atlas.carry'):  # the message lists the valid ids
        make_env('Atlas.fly')
    with pytest.raises(ValueError, match='random_mass'):
        make_env('Atlas.carry', random_mass=True)
    with pytest.raises(ValueError, match='dataset_path'):
        make_env('Atlas.carry', dataset_path='x.npz')
    with pytest.raises(ExperimentConfigError) as excinfo:
        RunConfig(env_id='Atlas.carry', random_mass=True)
    assert excinfo.value.field == 'random_mass'
    with pytest.raises(ExperimentConfigError) as excinfo:
        RunConfig(env_id='Atlas.fly')
    assert excinfo.value.field == 'env_id'
    RunConfig(env_id='HumanoidTorque4Ages.run.all', algorithm='PPO_RS')  # accepted


def test_horizon_and_gamma_from_make_env():
    mdp = make_env('Atlas.carry', gamma=0.9, horizon=77)
    assert mdp.info.gamma == 0.9 and mdp.info.horizon == 77
    assert make_env('HumanoidTorque4Ages.walk.all').info.horizon == 1000


# ------------------------------------------------------------------ masks
@pytest.mark.parametrize('env_id', REAL_TASKS)
def test_policy_sees_joint_positions_and_velocities_only(env_id, envs):
    mdp = envs[env_id]
    spec = LOCO_TASKS[env_id]
    size = mdp.info.observation_space.shape[0]
    mask = mdp.policy_obs_mask
    assert mask.dtype == bool and mask.shape == (size,) == (len(mdp.observation_names),)
    joint = np.array([name.startswith(('q_', 'dq_')) for name in mdp.observation_names])
    np.testing.assert_array_equal(mask, joint)
    # exactly loco-mujoco's mask hiding the weight / the scale, and the hidden entries are those of its group
    np.testing.assert_array_equal(mask, mdp.loco_env.get_mask((spec.hidden_group,)))
    hidden = mdp.observation_groups[spec.hidden_group]
    np.testing.assert_array_equal(np.flatnonzero(~mask), hidden)
    expected_hidden = 1 if spec.hidden_group == 'weight' else 2  # the weight; the 2-bit model index
    assert len(hidden) == expected_hidden
    assert all(mdp.observation_names[i].startswith(spec.hidden_group) for i in hidden)
    assert mask.sum() == len(mdp.observation_groups['positions']) + len(mdp.observation_groups['velocities'])


def test_foot_forces_hidden_too():
    mdp = make_env('Atlas.carry', use_foot_forces=True)
    mask, groups = mdp.policy_obs_mask, mdp.observation_groups
    assert len(groups['foot_forces']) == 12 and mdp.info.observation_space.shape == (31 + 12,)
    hidden = np.sort(np.concatenate([groups['foot_forces'], groups['weight']]))
    np.testing.assert_array_equal(np.flatnonzero(~mask), hidden)
    np.testing.assert_array_equal(mask, mdp.loco_env.get_mask(('weight', 'foot_forces')))
    obs = mdp.reset()
    assert obs.shape == (43,) and mdp.hidden_value in CARRY_WEIGHTS


# ------------------------------------------------------------------ the hidden quantity
@pytest.mark.parametrize('env_id', REAL_TASKS)
def test_hidden_value_drawn_at_every_reset_and_in_the_critic_state(env_id, envs):
    mdp = envs[env_id]
    spec = LOCO_TASKS[env_id]
    mdp.seed(1)
    values, masses = [], {}
    for _ in range(16):
        obs = mdp.reset()
        value = mdp.hidden_value
        values.append(value)
        assert value in spec.hidden_values
        # the critic's (full) state carries it, the policy's view does not
        assert mdp.hidden_value_of(obs) == value
        assert not np.any(mdp.policy_obs_mask[mdp.observation_groups[spec.hidden_group]])
        loco = mdp.loco_env
        if spec.hidden_group == 'weight':
            assert obs[-1] == value == pytest.approx(float(loco._model.body('weight').mass[0]))
        else:
            assert HUMANOID_SCALES[loco._current_model_idx] == value == loco._scalings[loco._current_model_idx]
            masses[value] = float(loco._model.body_mass.sum())
        obs, *_ = mdp.step(np.zeros(mdp.info.action_space.shape))
        assert mdp.hidden_value_of(obs) == value  # constant within the episode
    assert len(set(values)) >= 3  # changes across resets
    if masses:  # the bigger humanoid is heavier
        ordered = [masses[s] for s in sorted(masses)]
        assert ordered == sorted(ordered)


def test_seeded_resets_are_reproducible():
    first, second = make_env('HumanoidTorque4Ages.walk.all'), make_env('HumanoidTorque4Ages.walk.all')
    sequences = []
    for mdp in (first, second):
        mdp.seed(5)
        sequences.append([(mdp.reset(), mdp.hidden_value) for _ in range(4)])
    for (obs_a, value_a), (obs_b, value_b) in zip(*sequences):
        np.testing.assert_array_equal(obs_a, obs_b)
        assert value_a == value_b


def test_action_shape_checked(envs):
    mdp = envs['Atlas.carry']
    mdp.reset()
    with pytest.raises(ValueError, match='Action shape'):
        mdp.step(np.zeros(3))


# ------------------------------------------------------------------ agents under Core
SMALL = {
    'SAC_RS': dict(initial_replay_size=64, warmup_transitions=280, max_replay_size=1000, batch_size=16,
                   policy_state_dim=8, n_features_actor=32, n_features_critic=32),
    'PPO_RS': dict(n_steps_per_fit=100, batch_size=50, n_epochs=1, policy_state_dim=8, n_features_actor=32,
                   value_features=(32, 32)),
}


@pytest.mark.parametrize('algorithm', ['SAC_RS', 'PPO_RS'])
@pytest.mark.parametrize('env_id', REAL_TASKS)
def test_agents_run_under_core(env_id, algorithm, envs):
    mdp = envs[env_id]
    agent = make_agent(algorithm, mdp.info, mdp.policy_obs_mask, env_id=env_id, **SMALL[algorithm])
    core = Core(agent, mdp)
    steps_per_fit = 1 if algorithm == 'SAC_RS' else 100
    core.learn(n_steps=300, n_steps_per_fit=steps_per_fit, quiet=True)
    dataset = core.evaluate(n_episodes=1, quiet=True)
    size = mdp.info.observation_space.shape[0]
    assert len(dataset) >= 1 and all(step[0].shape == (size,) for step in dataset)  # full states in the dataset
    assert all(np.all(np.isfinite(step[1])) for step in dataset)


# ------------------------------------------------------------------ missing data: one clear error
def test_missing_motion_capture_data_gives_one_clear_error(monkeypatch):
    import environments.loco_tasks as loco_tasks
    monkeypatch.setattr(loco_tasks, 'installed_real_dataset', lambda *args, **kwargs: (None, 'missing'))
    with pytest.raises(MissingDatasetError) as excinfo:
        make_env('Atlas.carry')
    message = str(excinfo.value)
    assert '02-constspeed_ATLAS.npz' in message and 'make data' in message and 'loco-mujoco-download' in message
    assert excinfo.traceback[-1].path.name == 'loco_tasks.py'  # raised by us, not from inside loco-mujoco


def test_missing_perfect_data_gives_one_clear_error(tmp_path):
    from environments.loco_data import perfect_dataset_path
    if os.path.exists(perfect_dataset_path('Atlas', 'carry')):
        pytest.skip("loco-mujoco's perfect datasets are installed here")
    with pytest.raises(MissingDatasetError) as excinfo:
        make_env('Atlas.carry.perfect')
    message = str(excinfo.value)
    assert 'dataset_path' in message and 'make_expert_data' in message and 'loco-mujoco-download-perfect' in message
    with pytest.raises(MissingDatasetError, match='does not exist'):
        make_env('HumanoidTorque4Ages.run.all.perfect', dataset_path=str(tmp_path / 'none.npz'))


# ------------------------------------------------------------------ regression against loco-mujoco itself
@pytest.mark.parametrize('env_id', ['Atlas.carry', 'HumanoidTorque4Ages.walk.all'])
def test_first_steps_equal_loco_mujoco_reference_rollouts(env_id):
    # loco-mujoco's regression test: NumPy seeded with 0, LocoEnv.make(<task>, debug=True) (the mini data),
    # actions 0.1 * randn from the same generator, until the first fall. Our mask adds no entry to the
    # observation, so the full observations must be equal.
    reference = np.load(os.path.join(MINI_SOURCE, 'reference_rollouts', f'{env_id}.real.npy'))
    mdp = make_env(env_id, mini_data=True)
    assert mdp.data_source == 'mini'
    mdp.seed(0)
    observations = rollout(mdp, len(reference) - 1)
    assert observations.shape == reference.shape
    np.testing.assert_allclose(observations, reference, rtol=1e-7, atol=1e-9)
