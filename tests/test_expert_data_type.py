"""The one expert-data type and its one error (``mushroom_s2pg.expert_data``), and a run that reads its expert file
once."""
import dataclasses

import numpy as np
import pytest

import environments.expert_data as expert_data_module
from environments import MissingDatasetError, expert_dataset
from environments.expert_data import write_perfect_file
from mushroom_s2pg.expert_data import ExpertData, ExpertDataError


def _rows(n=6, d=3, seed=0):
    states = np.random.default_rng(seed).normal(size=(n, d))
    return states, states + 1.


def test_flags_complete_each_other_and_arrays_are_frozen_float32():
    states, next_states = _rows()
    data = ExpertData(states, next_states, last=[0, 1, 0, 0, 0, 1])
    np.testing.assert_array_equal(data.episode_starts, [1, 0, 1, 0, 0, 0])
    same = ExpertData(states, next_states, episode_starts=data.episode_starts)
    np.testing.assert_array_equal(same.last, data.last)
    assert data.states.dtype == np.float32 and data.n_samples == 6 and data.n_episodes == 2
    assert data.actions is None and data.absorbing is None and not data.full_state
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.states = None
    with pytest.raises(ValueError):
        data.states[0, 0] = 1.


@pytest.mark.parametrize('change, message', [
    (dict(next_states=np.zeros((6, 2))), 'next_states have shape'),
    (dict(last=None), 'give episode_starts or last'),
    (dict(last=[1, 0, 0, 0, 0]), r'last has shape \(5,\)'),
    (dict(episode_starts=[0, 0, 1, 0, 0, 0], last=None), r'episode_starts\[0\]'),
    (dict(actions=np.zeros((5, 2))), 'actions have shape'),
    (dict(actions=np.full((6, 1), np.nan)), 'actions hold non-finite'),
    (dict(obs_mask=[True, False, True, False]), 'obs_mask selects 2'),
])
def test_bad_arrays_raise_the_one_error_naming_the_file(change, message):
    states, next_states = _rows()
    fields = dict(states=states, next_states=next_states, last=np.arange(6) % 3 == 2, path='/data/expert.npz')
    fields.update(change)
    with pytest.raises(ExpertDataError, match=f'/data/expert.npz: expert data: {message}'):
        ExpertData(**fields)


def test_checks_against_a_task():
    states, next_states = _rows(d=4)
    data = ExpertData(states, next_states, last=np.arange(6) % 3 == 2, actions=np.zeros((6, 2)),
                      absorbing=np.zeros(6))
    assert data.checked(4, 2) is data
    with pytest.raises(ExpertDataError, match='full state 5'):
        data.checked(5, 2)
    with pytest.raises(ExpertDataError, match="task's actions 3"):
        data.checked(4, 3)
    with pytest.raises(ExpertDataError, match='no actions. how'):
        ExpertData(states, next_states, last=data.last).checked(4, 2, hint='how')
    policy_mask = np.array([True, False, True, True, True, False])
    located = data.located(6, policy_mask)
    np.testing.assert_array_equal(located.obs_mask, policy_mask)
    assert data.located(4, np.ones(4, bool)).full_state
    with pytest.raises(ExpertDataError, match='give ExpertData.obs_mask'):
        data.located(7, np.ones(7, bool))


def test_missing_dataset_is_the_one_error_and_a_file_not_found_error():
    assert issubclass(MissingDatasetError, ExpertDataError) and issubclass(MissingDatasetError, FileNotFoundError)
    assert issubclass(ExpertDataError, ValueError)
    with pytest.raises(ExpertDataError, match='does not exist'):
        expert_dataset('Atlas.carry', path='/nonexistent/data.npz')


def test_a_run_reads_its_expert_file_once(tmp_path, monkeypatch):
    from launchers.run.experiment import experiment
    reads = []
    check = expert_data_module.check_perfect_file

    def counted(path, *args, **kwargs):
        reads.append(path)
        return check(path, *args, **kwargs)

    monkeypatch.setattr(expert_data_module, 'check_perfect_file', counted)
    rng = np.random.default_rng(0)
    states = rng.uniform(0, 1, size=(40, 6))
    path = str(tmp_path / 'expert.npz')
    write_perfect_file(path, states, rng.uniform(-1, 1, size=(40, 1)), np.arange(40) % 20 == 19, np.zeros(40),
                       next_states=states)
    summary = experiment(env_id='PointMassMemory-v0', algorithm='GAIL_VANILLA', expert_data=path, n_epochs=1,
                         n_steps_per_epoch=40, n_eval_episodes=1, horizon=20, n_steps_per_fit=20,
                         results_dir=str(tmp_path / 'run'), quiet=True,
                         hyperparameters='{"discriminator_batch_size": 20, "batch_size": 10}')
    assert reads == [path] and summary
