"""The experiment launcher, the grid launcher, the experiment utilities, the README's lists."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from mushroom_rl.core import Agent

from environments import POMDP_ENV_IDS, PROJECT_ENV_IDS
from launchers.grids import pomdp_privileged as launch_pomdp_privileged
from launchers.run.experiment import (PROGRESS_COLUMNS, ExperimentConfigError, build_parser, experiment,
                                  run_directory)
from launchers.run.training import CLOCK_COLUMNS
from mushroom_s2pg.algorithms import ALGORITHMS, available_algorithms
from mushroom_s2pg.core import NonFiniteLossError
from mushroom_s2pg.utils import (ProgressLogger, get_rng_state, plot_learning_curve, plot_learning_curves,
                                 read_progress, seed_everything, set_rng_state)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Two tiny epochs: the actor starts learning in the first epoch, 3 episodes of 100 steps per epoch.
TINY_HP = {
    'SAC_RS': dict(initial_replay_size=100, warmup_transitions=150, batch_size=32, max_replay_size=2000),
    'TD3_RS': dict(initial_replay_size=100, batch_size=32, max_replay_size=2000),
}


def _run(results_dir, algorithm='SAC_RS', n_epochs=2, seed=0, **kwargs):
    arguments = dict(env_id='HalfCheetahPOMDP-v5', algorithm=algorithm, n_epochs=n_epochs, n_steps_per_epoch=300,
                     n_eval_episodes=1, seed=seed, results_dir=str(results_dir), horizon=100, quiet=True,
                     hyperparameters=json.dumps(TINY_HP[algorithm]))
    arguments.update(kwargs)
    return experiment(**arguments)


def _without_time(rows):
    return [{key: value for key, value in row.items() if key not in CLOCK_COLUMNS} for row in rows]


@pytest.fixture(scope='module')
def reference_runs(tmp_path_factory):
    """One uninterrupted 2-epoch run per algorithm, shared by the tests below."""
    runs = dict()
    for algorithm in ('SAC_RS', 'TD3_RS'):
        results_dir = tmp_path_factory.mktemp(f'reference_{algorithm}')
        runs[algorithm] = (results_dir, _run(results_dir, algorithm))
    return runs


# ----------------------------------------------------------------------------------------------
# experiment()
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize('algorithm', ['SAC_RS', 'TD3_RS'])
def test_experiment_writes_progress_checkpoint_and_curve(reference_runs, algorithm):
    results_dir, summary = reference_runs[algorithm]
    run_dir = run_directory(str(results_dir), 0)
    assert summary['run_dir'] == os.path.abspath(run_dir)
    assert summary['epochs'] == 2 and summary['steps'] == 600
    assert np.isfinite(summary['R_mean']) and np.isfinite(summary['J_mean_deterministic'])

    rows = read_progress(os.path.join(run_dir, 'progress.csv'))
    assert [row['epoch'] for row in rows] == [0, 1, 2]
    assert [row['steps'] for row in rows] == [0, 300, 600]
    header = list(rows[0])
    for column in ('epoch', 'steps', 'time_s', 'R_mean', 'J_mean', 'R_mean_deterministic', 'J_mean_deterministic',
                   'episode_length_mean'):
        assert column in header
    assert header[:len(PROGRESS_COLUMNS)] == list(PROGRESS_COLUMNS)
    assert 'loss_critic' in header and 'loss_actor' in header
    assert rows[0]['loss_critic'] is None  # no update before training
    assert all(np.isfinite(row['loss_critic']) for row in rows[1:])
    assert all(row['episode_length_mean'] == 100 for row in rows)  # HalfCheetah never terminates
    assert rows[0]['time_s'] <= rows[1]['time_s'] <= rows[2]['time_s']

    for name in ('agent.zip', 'learning_curve.png', 'args.json'):
        assert os.path.getsize(os.path.join(run_dir, name)) > 0
    with open(os.path.join(run_dir, 'checkpoint', 'state.json')) as f:
        assert json.load(f)['epoch'] == 2
    assert not os.path.exists(os.path.join(run_dir, 'error.txt'))

    agent = Agent.load(os.path.join(run_dir, 'agent.zip'))
    assert isinstance(agent, ALGORITHMS[algorithm])
    full = Agent.load(os.path.join(run_dir, 'checkpoint', 'agent.zip'))
    assert full.replay_memory.size == 600
    for loaded in (agent, full):
        for p, q in zip(loaded.policy.parameters(), full.policy.parameters()):
            assert torch.equal(p, q)


def test_same_seed_gives_identical_progress_except_time(reference_runs, tmp_path):
    results_dir, _ = reference_runs['SAC_RS']
    _run(tmp_path / 'again')
    first = read_progress(os.path.join(run_directory(str(results_dir), 0), 'progress.csv'))
    second = read_progress(os.path.join(run_directory(str(tmp_path / 'again'), 0), 'progress.csv'))
    assert _without_time(first) == _without_time(second)

    _run(tmp_path / 'other', n_epochs=1, seed=1)
    other = read_progress(os.path.join(run_directory(str(tmp_path / 'other'), 1), 'progress.csv'))
    assert other[1]['R_mean'] != first[1]['R_mean']


def test_resume_continues_where_the_checkpoint_is(reference_runs, tmp_path):
    first = _run(tmp_path, n_epochs=1)
    assert first['epochs'] == 1 and first['resumed_from_epoch'] is None
    second = _run(tmp_path, n_epochs=2)
    assert second['resumed_from_epoch'] == 1 and second['epochs'] == 2

    rows = read_progress(os.path.join(run_directory(str(tmp_path), 0), 'progress.csv'))
    assert [row['epoch'] for row in rows] == [0, 1, 2]
    assert rows[2]['time_s'] >= rows[1]['time_s']
    # The RNG states are restored too: resuming gives what the uninterrupted run gave.
    results_dir, _ = reference_runs['SAC_RS']
    reference = read_progress(os.path.join(run_directory(str(results_dir), 0), 'progress.csv'))
    assert _without_time(rows) == _without_time(reference)

    # Nothing left to do: the run is returned as it is.
    third = _run(tmp_path, n_epochs=2)
    assert third['epochs'] == 2
    assert len(read_progress(os.path.join(run_directory(str(tmp_path), 0), 'progress.csv'))) == 3


def test_resume_false_starts_anew(tmp_path):
    _run(tmp_path, 'TD3_RS', n_epochs=1, n_eval_episodes=1)
    summary = _run(tmp_path, 'TD3_RS', n_epochs=1, resume=False)
    assert summary['resumed_from_epoch'] is None
    rows = read_progress(os.path.join(run_directory(str(tmp_path), 0), 'progress.csv'))
    assert [row['epoch'] for row in rows] == [0, 1]


def test_resume_refuses_a_checkpoint_of_other_settings(reference_runs):
    results_dir, _ = reference_runs['SAC_RS']
    progress = os.path.join(run_directory(str(results_dir), 0), 'progress.csv')
    before = open(progress).read()
    with pytest.raises(ExperimentConfigError, match='hyperparameters'):
        _run(results_dir, n_epochs=3, hyperparameters=json.dumps(dict(TINY_HP['SAC_RS'], lr_actor=1e-3)))
    assert open(progress).read() == before


def test_non_finite_loss_stops_the_run_and_keeps_the_last_checkpoint(tmp_path, monkeypatch, capsys):
    cls = ALGORITHMS['SAC_RS']
    original_fit = cls.fit

    def fit(self, dataset, **info):
        original_fit(self, dataset, **info)
        if self.replay_memory.size > 300:  # the second epoch
            raise NonFiniteLossError('SAC_RS: the critic loss is nan at update 999 (injected)')

    monkeypatch.setattr(cls, 'fit', fit)
    with pytest.raises(NonFiniteLossError, match='epoch 2') as error:
        _run(tmp_path, n_epochs=3)
    run_dir = run_directory(str(tmp_path), 0)
    assert 'critic loss is nan' in str(error.value)
    assert 'epoch 2' in capsys.readouterr().err

    with open(os.path.join(run_dir, 'error.txt')) as f:
        message = f.read()
    assert 'epoch 2' in message and 'critic loss is nan' in message and 'epoch 1' in message
    with open(os.path.join(run_dir, 'checkpoint', 'state.json')) as f:
        assert json.load(f)['epoch'] == 1
    rows = read_progress(os.path.join(run_dir, 'progress.csv'))
    assert [row['epoch'] for row in rows] == [0, 1]
    for path in ('agent.zip', os.path.join('checkpoint', 'agent.zip')):
        agent = Agent.load(os.path.join(run_dir, path))
        assert all(torch.isfinite(p).all() for p in agent.policy.parameters())
    assert Agent.load(os.path.join(run_dir, 'checkpoint', 'agent.zip')).replay_memory.size == 300


@pytest.mark.parametrize('kwargs, bad, listed', [
    (dict(env_id='HalfCheetah-v99'), 'HalfCheetah-v99', POMDP_ENV_IDS),
    (dict(algorithm='SAC_NOPE'), 'SAC_NOPE', available_algorithms()),
    (dict(hyperparameters='{"lr_actorr": 0.001}'), 'lr_actorr', ('lr_actor', 'lr_critic', 'batch_size')),
    (dict(algorithm='TD3_RS', hyperparameters='{"warmup_transitions": 10}'), 'warmup_transitions', ('policy_delay',)),
    (dict(truncation_length=5), 'truncation_length', ('lr_actor',)),
    (dict(hyperparameters='{"lr_actor": 1e-3'), '{"lr_actor": 1e-3', ('JSON',)),
    (dict(hyperparameters='[1, 2]'), '[1, 2]', ('JSON object',)),
    (dict(n_epochs=-1), 'n_epochs', ('>= 0',)),
    (dict(n_eval_episodes=0), 'n_eval_episodes', ('>= 1',)),
    (dict(horizon=0), 'horizon', ('>= 1',)),
    (dict(hyperparameters='{"n_features_critic": 3}'), 'n_features', ('SAC_RS', 'even number', 'got 3')),
])
def test_invalid_arguments_raise_before_writing_anything(tmp_path, kwargs, bad, listed):
    arguments = dict(results_dir=str(tmp_path / 'results'), n_epochs=1, n_steps_per_epoch=10)
    arguments.update(kwargs)
    with pytest.raises(ValueError) as error:
        experiment(**arguments)
    assert bad in str(error.value)
    for name in listed:
        assert name in str(error.value)
    assert not (tmp_path / 'results').exists()


# ----------------------------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------------------------
def test_help_lists_algorithms_and_environments():
    text = build_parser().format_help()
    for name in available_algorithms():
        assert name in text
    for env_id in PROJECT_ENV_IDS:
        assert env_id in text
    for argument in ('--n_steps_per_epoch', '--hyperparameters', '--results_dir', '--seed', '--resume'):
        assert argument in text


def test_parser_types_and_boolean_flags():
    parser = build_parser()
    args = vars(parser.parse_args(['--n_epochs', '3', '--quiet', '--resume', 'false', '--truncation_length', '5',
                                   '--env_id', 'HopperPOMDP-v5', '--algorithm', 'SAC_BPTT']))
    assert args['n_epochs'] == 3 and args['quiet'] is True and args['resume'] is False
    assert args['truncation_length'] == 5 and args['window_length'] is None
    assert args['seed'] == 0 and args['results_dir'] == 'results'


def _python_env():
    env = dict(os.environ)
    env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    return env


def test_command_line_runs_an_experiment(tmp_path):
    command = [sys.executable, '-m', 'launchers.run.experiment', '--env_id', 'HopperPOMDP-v5', '--algorithm', 'TD3_RS',
               '--n_epochs', '1', '--n_steps_per_epoch', '120', '--n_eval_episodes', '1', '--horizon', '50',
               '--hyperparameters', '{"initial_replay_size": 60, "batch_size": 16, "max_replay_size": 500}',
               '--results_dir', str(tmp_path), '--seed', '3', '--quiet']
    result = subprocess.run(command, cwd=ROOT, env=_python_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    run_dir = os.path.join(str(tmp_path), '3')
    assert os.path.abspath(os.path.join(run_dir, 'progress.csv')) in result.stdout
    rows = read_progress(os.path.join(run_dir, 'progress.csv'))
    assert [row['epoch'] for row in rows] == [0, 1]
    with open(os.path.join(run_dir, 'args.json')) as f:
        args = json.load(f)
    assert args['arguments']['seed'] == 3
    assert args['resolved_hyperparameters']['initial_replay_size'] == 60

    bad = subprocess.run(command[:5] + ['--algorithm', 'TD3_NOPE', '--results_dir', str(tmp_path / 'bad')], cwd=ROOT,
                         env=_python_env(), capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2
    assert 'TD3_NOPE' in bad.stderr and 'TD3_RS' in bad.stderr


# ----------------------------------------------------------------------------------------------
# Grid launcher
# ----------------------------------------------------------------------------------------------
def test_grid_uses_every_registered_sac_and_td3_algorithm():
    expected = [name for name in available_algorithms() if name.startswith(('SAC_', 'TD3_'))]
    assert list(launch_pomdp_privileged.grid_algorithms()) == expected
    assert {'SAC_RS', 'TD3_RS'} <= set(expected)
    text = launch_pomdp_privileged.build_parser().format_help()
    for name in expected:
        assert name in text


def test_grid_dry_run_local_lists_every_run(tmp_path, capsys):
    status = launch_pomdp_privileged.main(['--local', '--dry_run', '--base_dir', str(tmp_path), '--n_seeds', '2'])
    assert status == 0
    lines = [line for line in capsys.readouterr().out.splitlines()
             if 's2pg-experiment ' in line or '-m launchers.run.experiment ' in line]
    assert len(lines) == len(POMDP_ENV_IDS) * len(launch_pomdp_privileged.SPEC.labels) * 2
    assert all('--n_epochs=200' in line and '--n_steps_per_epoch=10000' in line for line in lines)
    assert list(tmp_path.iterdir()) == []  # a dry run leaves nothing behind


def test_grid_dry_run_slurm_writes_batch_files(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('PATH', os.environ.get('PATH', ''))  # restored after the test
    status = launch_pomdp_privileged.main(
        ['--slurm', '--dry_run', '--base_dir', str(tmp_path), '--algorithms', 'SAC_RS', 'TD3_RS', '--envs',
         'HopperPOMDP-v5', '--partition', 'cpu', '--time', '1-12:00:00', '--hyperparameters', '{"lr_actor": 3e-4}',
         '--no_timestamp'])
    assert status == 0
    assert capsys.readouterr().out.count('sbatch ') == 2
    files = sorted((tmp_path / 'pomdp_privileged' / 'slurm_files').iterdir())
    assert len(files) == 2
    script = files[0].read_text()
    assert '#SBATCH -p cpu' in script and '#SBATCH -t 1-12:00:00' in script and '#SBATCH -a 0-24' in script
    assert 'launchers/run/experiment.py' in script
    assert '--hyperparameters \'{"lr_actor":0.0003}\'' in script


def test_grid_rejects_unknown_names(tmp_path):
    for argv in (['--algorithms', 'SAC_NOPE'], ['--envs', 'Foo-v0'], ['--hyperparameters', '{"nope": 1}']):
        with pytest.raises(SystemExit) as error:
            launch_pomdp_privileged.main(['--local', '--dry_run', '--base_dir', str(tmp_path)] + argv)
        assert error.value.code == 2


def test_grid_test_mode_runs_a_tiny_grid(tmp_path):
    status = launch_pomdp_privileged.main(['--test', '--envs', 'HopperPOMDP-v5', '--algorithms', 'SAC_RS',
                                           '--base_dir', str(tmp_path), '--no_timestamp'])
    assert status == 0
    rows = read_progress(tmp_path / 'pomdp_privileged_test' / 'HopperPOMDP-v5' / 'SAC_RS' / '0' / 'progress.csv')
    assert [row['epoch'] for row in rows] == [0, 1]


# ----------------------------------------------------------------------------------------------
# Utilities
# ----------------------------------------------------------------------------------------------
def test_progress_logger_adds_columns_and_resumes(tmp_path):
    path = tmp_path / 'sub' / 'progress.csv'
    logger = ProgressLogger(path, ('epoch', 'R_mean'))
    logger.log(dict(epoch=0, R_mean=0.1))
    logger.log(dict(epoch=1, R_mean=1 / 3, loss=2.5))
    logger.log(dict(epoch=2, R_mean=np.float32(0.5), loss=None))
    rows = read_progress(path)
    assert list(rows[0]) == ['epoch', 'R_mean', 'loss']
    assert rows[0]['loss'] is None and rows[1]['loss'] == 2.5 and rows[1]['R_mean'] == 1 / 3
    assert read_progress(path, numeric=False)[2]['epoch'] == '2'

    resumed = ProgressLogger(path, ('epoch', 'R_mean'), resume=True, max_epoch=1)
    assert resumed.last_epoch == 1
    resumed.log(dict(epoch=2, R_mean=7.0, loss=1.0))
    assert [row['epoch'] for row in read_progress(path)] == [0, 1, 2]
    assert read_progress(path)[2]['R_mean'] == 7.0

    ProgressLogger(path, ('epoch',))
    assert read_progress(path) == []


def test_seed_everything_and_rng_state():
    seed_everything(5)
    a = (np.random.rand(), torch.rand(1).item())
    state = get_rng_state()
    b = (np.random.rand(), torch.rand(1).item())
    seed_everything(5)
    assert (np.random.rand(), torch.rand(1).item()) == a
    set_rng_state(state)
    assert (np.random.rand(), torch.rand(1).item()) == b
    for bad in (-1, 2 ** 32, 1.5, True):
        with pytest.raises(ValueError):
            seed_everything(bad)


def test_plots(reference_runs, tmp_path):
    results_dir, _ = reference_runs['SAC_RS']
    progress = os.path.join(run_directory(str(results_dir), 0), 'progress.csv')
    single = plot_learning_curve(progress, tmp_path / 'one.png', title='SAC_RS')
    several = plot_learning_curves({'SAC_RS': [progress, progress],
                                    'TD3_RS': [os.path.join(run_directory(str(reference_runs['TD3_RS'][0]), 0),
                                                            'progress.csv')]}, tmp_path / 'all.png')
    for path in (single, several):
        with open(path, 'rb') as f:
            assert f.read(8) == b'\x89PNG\r\n\x1a\n'
    with pytest.raises(ValueError, match='no_such_column'):
        plot_learning_curve(progress, tmp_path / 'bad.png', y='no_such_column')


# ----------------------------------------------------------------------------------------------
# README
# ----------------------------------------------------------------------------------------------
def test_readme_lists_every_algorithm_and_environment():
    with open(os.path.join(ROOT, 'README.md')) as f:
        readme = f.read()
    missing = [name for name in available_algorithms() if f'`{name}`' not in readme]
    assert not missing, f'README.md does not list the registered algorithm(s) {missing}'
    missing = [env_id for env_id in PROJECT_ENV_IDS if f'`{env_id}`' not in readme]
    assert not missing, f'README.md does not list the environment id(s) {missing}'
    assert '## Benchmarks' in readme and '(docs/benchmarks.md)' in readme
