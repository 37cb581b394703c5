"""Tests of the expert data of the imitation tasks: each source, bad files, ``make data`` and the own expert
data written by ``launchers/tools/make_expert_data.py`` (end to end at a tiny budget)."""
import dataclasses
import json
import os
import re

import numpy as np
import pytest

from environments import ExpertDataError, MissingDatasetError, expert_dataset, make_env
from environments.expert_data import write_perfect_file
from environments.loco_data import (install_mini_datasets, loco_mujoco_dir, main as loco_data_main,
                                    mini_dataset_dir)
from imitation_helpers import MINI_SOURCE, ROOT, ensure_mini_data


@pytest.fixture(scope='module', autouse=True)
def _mini_data():
    ensure_mini_data()


def _episodes(env_id, n_episodes, length, seed=0):
    """Fixed-length episodes of a motion-capture task with small random actions (restarting after a fall)."""
    mdp = make_env(env_id)
    mdp.seed(seed)
    n_actions = mdp.info.action_space.shape[0]
    episodes = []
    while len(episodes) < n_episodes:
        states, actions = [mdp.reset()], []
        for _ in range(length):
            actions.append(np.random.randn(n_actions) * 0.05)
            obs, _, absorbing, _ = mdp.step(actions[-1])
            if absorbing:
                break
            states.append(obs)
        if len(states) == length + 1:
            episodes.append((int(mdp.hidden_index_of(states[0])), np.array(states), np.array(actions)))
    return episodes


def _perfect_file(path, episodes, with_next_states=True):
    states = np.concatenate([s[:-1] for _, s, _ in episodes])
    next_states = np.concatenate([s[1:] for _, s, _ in episodes])
    actions = np.concatenate([a for _, _, a in episodes])
    length = len(episodes[0][2])
    last = np.zeros(len(states))
    last[length - 1::length] = 1
    write_perfect_file(str(path), states, actions, last, np.zeros(len(states)),
                       next_states=next_states if with_next_states else None)
    return dict(states=states, next_states=next_states, actions=actions, last=last)


@pytest.fixture(scope='module')
def atlas_file(tmp_path_factory):
    path = tmp_path_factory.mktemp('perfect') / 'atlas.npz'
    return path, _perfect_file(path, _episodes('Atlas.carry', 3, 6))


# ------------------------------------------------------------------ sources
@pytest.mark.parametrize('env_id,n_episodes,width', [('Atlas.carry', 1, 30), ('HumanoidTorque4Ages.walk.all', 4, 36)])
def test_motion_capture_source(env_id, n_episodes, width):
    data = expert_dataset(env_id)
    assert data.source in ('full', 'mini') and os.path.isfile(data.path)
    assert data.path.startswith(loco_mujoco_dir())
    assert data.actions is None and not data.full_state
    assert data.states.shape == data.next_states.shape and data.states.shape[1] == width
    assert width == make_env(env_id).policy_obs_mask.sum()  # exactly the joints the policy sees
    assert data.n_episodes == n_episodes == data.episode_starts.sum()
    assert data.episode_starts[0] and data.last[-1]
    np.testing.assert_array_equal(data.episode_starts[1:], data.last[:-1])
    np.testing.assert_allclose(data.next_states[:-1][~data.last[:-1]], data.states[1:][~data.last[:-1]])
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.states = None
    with pytest.raises(ValueError):
        data.states[0, 0] = 1.  # read-only arrays


def test_perfect_file_source_through_loco_mujoco_loader(atlas_file):
    path, written = atlas_file
    data = expert_dataset('Atlas.carry', path=str(path))  # a path: the .perfect variant reads it
    assert data.env_id == 'Atlas.carry.perfect' and data.source == 'perfect' and data.full_state
    assert data.path == str(path)
    for key in ('states', 'next_states', 'actions'):  # as the agents take them: float32
        assert getattr(data, key).dtype == np.float32
        np.testing.assert_array_equal(getattr(data, key), written[key].astype(np.float32))
    assert data.states.shape == (18, 31) and data.actions.shape == (18, 10)
    assert data.n_episodes == 3 and list(np.flatnonzero(data.episode_starts)) == [0, 6, 12]
    assert set(data.states[:, -1]) <= set(np.float32([0.1, 1.0, 5.0, 10.0]))  # the critic's state keeps the weight
    # loco-mujoco loaded it: the perfect task starts from the file's states
    mdp = make_env('Atlas.carry.perfect', dataset_path=str(path))
    joints = mdp.policy_obs_mask
    for _ in range(3):
        obs = mdp.reset()
        assert np.min(np.abs(written['states'][:, joints] - obs[joints]).max(axis=1)) < 1e-12


def test_perfect_file_without_next_states(tmp_path, atlas_file):
    _, written = atlas_file
    path = tmp_path / 'no_next.npz'
    np.savez(path, states=written['states'], actions=written['actions'], last=written['last'],
             absorbing=np.zeros(len(written['last'])))
    data = expert_dataset('Atlas.carry.perfect', path=str(path))
    assert data.states.shape == (15, 31) and data.n_episodes == 3  # each episode's last state has no successor
    np.testing.assert_array_equal(data.next_states[:5], written['states'][1:6].astype(np.float32))


def test_four_ages_perfect_file_in_scale_blocks(tmp_path):
    episodes = sorted(_episodes('HumanoidTorque4Ages.run.all', 12, 3, seed=2), key=lambda e: e[0])
    by_scale = {i: [e for e in episodes if e[0] == i] for i in range(4)}
    if min(len(v) for v in by_scale.values()) == 0:
        pytest.skip('a scale was not drawn')
    balanced = [by_scale[i][0] for i in range(4)]
    path = tmp_path / 'ages.npz'
    _perfect_file(path, balanced)
    data = expert_dataset('HumanoidTorque4Ages.run.all.perfect', path=str(path))
    assert data.states.shape == (12, 38) and data.n_episodes == 4
    # out of order: a clear error
    _perfect_file(path, balanced[::-1])
    with pytest.raises(ExpertDataError, match="'states'.*equal blocks"):
        expert_dataset('HumanoidTorque4Ages.run.all.perfect', path=str(path))


# ------------------------------------------------------------------ bad input
def _bad(tmp_path, name, **arrays):
    path = tmp_path / name
    np.savez(path, **arrays)
    return str(path)


def test_bad_files_name_the_file_and_the_key(tmp_path, atlas_file):
    _, w = atlas_file
    flags = dict(last=w['last'], absorbing=np.zeros(len(w['last'])))
    cases = [
        (_bad(tmp_path, 'no_actions.npz', states=w['states'], **flags), 'actions', 'missing'),
        (_bad(tmp_path, 'short_actions.npz', states=w['states'], actions=w['actions'][:, :3], **flags), 'actions',
         'shape'),
        (_bad(tmp_path, 'humanoid.npz', states=np.zeros((18, 38)), actions=np.zeros((18, 13)), **flags), 'states',
         'another robot'),
        (_bad(tmp_path, 'flags.npz', states=w['states'], actions=w['actions'], last=w['last'][:5],
              absorbing=flags['absorbing']), 'last', 'shape'),
        (_bad(tmp_path, 'one.npz', states=w['states'], actions=w['actions'], last=np.eye(18)[-1],
              absorbing=flags['absorbing']), 'last', 'at least 2'),
        (_bad(tmp_path, 'uneven.npz', states=w['states'], actions=w['actions'], last=np.eye(18)[[3, 17]].sum(0),
              absorbing=flags['absorbing']), 'last', 'different lengths'),
        (_bad(tmp_path, 'nan.npz', states=w['states'] * np.nan, actions=w['actions'], **flags), 'states',
         'non-finite'),
    ]
    for path, key, words in cases:
        with pytest.raises(ExpertDataError) as excinfo:
            expert_dataset('Atlas.carry.perfect', path=path)
        message = str(excinfo.value)
        assert path in message and f"'{key}'" in message and words in message, message
    # the same check when the task is built (before any training)
    with pytest.raises(ExpertDataError, match='no_actions.npz'):
        make_env('Atlas.carry.perfect', dataset_path=cases[0][0])
    not_npz = tmp_path / 'text.npz'
    not_npz.write_text('hello')
    with pytest.raises(ExpertDataError, match='not a readable .npz'):
        expert_dataset('Atlas.carry.perfect', path=str(not_npz))


def test_unknown_task_and_missing_files():
    with pytest.raises(ValueError, match='not a loco-mujoco imitation task.*Atlas.carry.*make_expert_data'):
        expert_dataset('HopperPOMDP-v5')
    with pytest.raises(ValueError, match="Unknown task 'Nope-v0'"):
        expert_dataset('Nope-v0', path='/nonexistent/data.npz')
    with pytest.raises(MissingDatasetError, match='does not exist'):
        expert_dataset('Atlas.carry', path='/nonexistent/data.npz')


# ------------------------------------------------------------------ make data
def test_install_mini_datasets_is_idempotent(tmp_path, capsys):
    first = install_mini_datasets(MINI_SOURCE, target=str(tmp_path))
    assert len(first['copied']) >= 20 and not first['unchanged']
    second = install_mini_datasets(MINI_SOURCE, target=str(tmp_path))
    assert not second['copied'] and sorted(second['unchanged']) == sorted(first['copied'])
    # into the installed loco-mujoco package, never into this repository's files
    assert mini_dataset_dir().startswith(os.path.join(loco_mujoco_dir(), 'datasets'))
    assert 'site-packages' in mini_dataset_dir() or not mini_dataset_dir().startswith(ROOT)
    assert loco_data_main(['install', '--source', str(tmp_path / 'absent')]) == 0
    assert 'loco-mujoco-download' in capsys.readouterr().out


def test_makefile_data_target():
    with open(os.path.join(ROOT, 'Makefile')) as f:
        makefile = f.read()
    assert '\ndata: venv\n' in makefile and '\ntest: venv data docs\n' in makefile
    assert 'MINI_DATA ?= ../shared/data/loco_mujoco_mini' in makefile


# ------------------------------------------------------------------ own expert data, end to end
def test_make_expert_data_round_trip_and_resume(tmp_path):
    from launchers.tools import make_expert_data as med
    arguments = ['--env_id', 'HumanoidTorque4Ages.walk.all', '--results_dir', str(tmp_path / 'expert'),
                 '--n_epochs', '1', '--n_steps_per_epoch', '200', '--n_eval_episodes', '1', '--n_episodes', '4',
                 '--episode_length', '4', '--hyperparameters',
                 '{"initial_replay_size": 64, "warmup_transitions": 150, "max_replay_size": 1000, "batch_size": 16, '
                 '"actor_features": [32, 32], "critic_features": [32, 32]}']
    result = med.main(arguments)
    path = result['output']
    assert path == os.path.abspath(tmp_path / 'expert' / 'HumanoidTorque4Ages.walk.all.perfect.npz')
    assert os.path.isfile(os.path.join(result['run_dir'], 'progress.csv'))
    assert os.path.isdir(os.path.join(result['run_dir'], 'checkpoint'))
    with np.load(path) as content:
        assert {'states', 'actions', 'last', 'absorbing'} <= set(content.files)
        assert content['states'].shape == (16, 38) and content['actions'].shape == (16, 13)
        np.testing.assert_array_equal(content['last'], np.tile([0, 0, 0, 1], 4))
        assert not content['absorbing'].any()
    assert result['hidden_values'] == [0.4, 0.6, 0.8, 1.0]
    data = expert_dataset('HumanoidTorque4Ages.walk.all.perfect', path=path)
    assert data.n_episodes == 4 and data.actions.shape == (16, 13) and data.full_state
    # resumable: the same command finds the finished checkpoint and rewrites the same data
    again = med.main(arguments)
    assert again['training']['resumed_from_epoch'] == 1
    np.testing.assert_array_equal(expert_dataset('HumanoidTorque4Ages.walk.all', path=path).states, data.states)
    refused = tmp_path / 'refused'
    with pytest.raises(SystemExit):  # n_episodes not a multiple of the 4 scales: refused before training
        med.main(['--env_id', 'HumanoidTorque4Ages.walk.all', '--results_dir', str(refused), '--n_episodes', '3'])
    assert not refused.exists()


def test_make_expert_data_on_a_task_with_episodes_of_any_length(tmp_path):
    """Point-mass expert data: episodes as they come (absorbing ones shorter), next_states written, read back."""
    from launchers.tools import make_expert_data as med
    result = med.main(['--env_id', 'PointMassMemory-v0', '--results_dir', str(tmp_path / 'expert'), '--n_epochs', '1',
                       '--n_steps_per_epoch', '200', '--n_eval_episodes', '1', '--n_episodes', '6', '--episode_length',
                       '30', '--deterministic', 'False', '--hyperparameters',
                       '{"initial_replay_size": 64, "warmup_transitions": 150, "batch_size": 16}'])
    data = result['dataset']
    assert data.env_id == 'PointMassMemory-v0' and data.full_state and data.n_episodes == 6
    assert data.states.shape[1] == 6 and data.actions.shape == (data.n_samples, 1)  # the full state
    ends = np.flatnonzero(data.last)
    lengths = np.diff(np.concatenate([[-1], ends]))
    assert lengths.max() <= 30 and lengths.sum() == data.n_samples
    # an episode shorter than the horizon ended in an absorbing state (the point left the field)
    assert all(data.absorbing[end] for end, length in zip(ends, lengths) if length < 30)
    # within an episode, each next state is the following state
    inside = ~data.last[:-1]
    np.testing.assert_array_equal(data.next_states[:-1][inside], data.states[1:][inside])
    np.testing.assert_array_equal(data.episode_starts, np.concatenate([[True], data.last[:-1]]))


def test_expert_data_of_the_point_mass_training_aids_and_the_check_of_its_imitators(tmp_path):
    """An expert trained with normalize_observation and progress_reward writes normalised states and records the
    option; a run imitating the file must observe alike, else it is refused before anything is written."""
    from launchers.tools import make_expert_data as med
    from launchers.run.config import ExperimentConfigError, RunConfig
    from launchers.run.experiment import experiment
    from environments.expert_data import file_task_options
    result = med.main(['--env_id', 'PointMassMemory-v0', '--results_dir', str(tmp_path / 'expert'), '--n_epochs', '1',
                       '--n_steps_per_epoch', '200', '--n_eval_episodes', '1', '--n_episodes', '3',
                       '--normalize_observation', '--progress_reward', '0.1', '--hyperparameters',
                       '{"initial_replay_size": 64, "warmup_transitions": 150, "batch_size": 16}'])
    data = result['dataset']
    assert 0.0 <= data.states.min() and data.states.max() <= 1.0 and data.next_states.max() <= 1.0
    assert file_task_options(result['output']) == dict(normalize_observation=True)
    args = json.loads((tmp_path / 'expert' / '0' / 'args.json').read_text())['arguments']
    assert args['progress_reward'] == 0.1 and args['normalize_observation'] is True
    RunConfig(env_id='PointMassMemory-v0', algorithm='LSIQ_RS', expert_data=result['output'],
              normalize_observation=True).check_data()
    expected = r'normalize_observation=True.*--normalize_observation True'
    with pytest.raises(ExperimentConfigError, match=expected) as error:
        experiment(env_id='PointMassMemory-v0', algorithm='LSIQ_VANILLA', expert_data=result['output'],
                   results_dir=str(tmp_path / 'imitator'))
    assert error.value.field == 'normalize_observation' and not (tmp_path / 'imitator').exists()


def test_imitation_on_any_task_needs_its_expert_file(tmp_path):
    from launchers.run.config import ExperimentConfigError, RunConfig
    with pytest.raises(ExperimentConfigError, match=r"LSIQ_RS imitates expert data.*'PointMassMemory-v0' with "
                                                    r'expert_data') as error:
        RunConfig(env_id='PointMassMemory-v0', algorithm='LSIQ_RS')
    assert error.value.field == 'env_id'
    path = tmp_path / 'pm.npz'
    states = np.random.default_rng(0).normal(size=(7, 6))
    write_perfect_file(str(path), states, np.zeros((7, 1)), [0, 0, 1, 0, 0, 0, 1], np.zeros(7),
                       next_states=states + 1)
    RunConfig(env_id='PointMassMemory-v0', algorithm='LSIQ_RS', expert_data=str(path)).check_data()
    data = expert_dataset('PointMassMemory-v0', path=str(path))
    np.testing.assert_array_equal(data.episode_starts, [1, 0, 0, 1, 0, 0, 0])
    no_next = tmp_path / 'no_next.npz'
    write_perfect_file(str(no_next), states, np.zeros((7, 1)), [0, 0, 1, 0, 0, 0, 1], np.zeros(7))
    with pytest.raises(ExperimentConfigError, match=r'no_next\.npz.*next_states.*make_expert_data'):
        RunConfig(env_id='PointMassMemory-v0', algorithm='GAIL_RS', expert_data=str(no_next)).check_data()
    wrong = tmp_path / 'wrong.npz'
    write_perfect_file(str(wrong), states[:, :5], np.zeros((7, 1)), [0, 0, 1, 0, 0, 0, 1], np.zeros(7),
                       next_states=states[:, :5])  # neither the full state (6) nor the policy's entries (4)
    with pytest.raises(ExperimentConfigError, match=r"wrong\.npz.*'states'.*observes 6"):
        RunConfig(env_id='PointMassMemory-v0', algorithm='LSIQ_RS', expert_data=str(wrong)).check_data()


# ------------------------------------------------------------------ the launcher's expert_data
def test_run_config_checks_expert_data_before_anything_is_written(tmp_path, atlas_file):
    from launchers.run.config import ExperimentConfigError, RunConfig
    from launchers.run.experiment import main
    path, _ = atlas_file
    config = RunConfig(env_id='Atlas.carry.perfect', algorithm='SAC_RS', expert_data=str(path))
    assert config.task_options['dataset_path'] == str(path)
    assert config.run_defining_settings()['expert_data'] == str(path)
    with pytest.raises(ExperimentConfigError, match=r'expert_data.*\.perfect.*Atlas\.carry\.perfect') as error:
        RunConfig(env_id='Atlas.carry', algorithm='SAC_RS', expert_data=str(path))
    assert error.value.field == 'expert_data'
    broken = tmp_path / 'broken.npz'
    np.savez(broken, states=np.zeros((4, 3)))
    with pytest.raises(ExperimentConfigError, match=r'expert_data.*broken\.npz.*actions') as error:
        RunConfig(env_id='Atlas.carry.perfect', algorithm='SAC_RS', expert_data=str(broken)).check_data()
    assert error.value.field == 'expert_data'
    results = tmp_path / 'never_written'
    with pytest.raises(SystemExit) as exit_status:
        main(['--env_id', 'Atlas.carry.perfect', '--algorithm', 'SAC_RS', '--expert_data', str(broken),
              '--results_dir', str(results)])
    assert exit_status.value.code == 2 and not results.exists()


def test_make_expert_data_of_a_scripted_point_mass_expert(tmp_path):
    """--script writes a scripted policy's episodes without training; the door oracle passes both doors in every
    episode (no absorbing step), in normalised states."""
    from launchers.tools import make_expert_data as med
    from environments.expert_data import file_task_options
    result = med.main(['--env_id', 'PointMassDoor-v0', '--script', 'oracle', '--results_dir', str(tmp_path / 'expert'),
                       '--n_episodes', '4', '--normalize_observation'])
    data = result['dataset']
    assert result['training'] is None and result['run_dir'] is None and not (tmp_path / 'expert' / 'PointMassDoor-v0').exists()
    assert data.n_episodes == 4 and data.n_samples == 4 * 1000 and not data.absorbing.any()  # the task's horizon
    assert data.states.max() <= 1.0 and data.states[-1, 1] > 130 / 150  # ends near the goal row (y = 140)
    assert file_task_options(result['output']) == dict(normalize_observation=True)


@pytest.mark.parametrize('args, message', [
    (['--env_id', 'PointMassDoor-v0', '--script', 'expert'], r"'expert' is not a script of PointMassDoor-v0; valid: "
                                                             r"oracle, memoryless"),
    (['--env_id', 'HalfCheetahPOMDP-v5', '--script', 'oracle'], r'HalfCheetahPOMDP-v5 has no scripted policies; tasks '
                                                                r'with scripts: PointMassMemory-v0, PointMassMemory-v1, '
                                                                r'PointMassDoor-v0')])
def test_make_expert_data_refuses_an_unknown_script(tmp_path, capsys, args, message):
    from launchers.tools import make_expert_data as med
    with pytest.raises(SystemExit):
        med.main(args + ['--results_dir', str(tmp_path / 'expert')])
    assert re.search(message, capsys.readouterr().err) and not (tmp_path / 'expert').exists()
