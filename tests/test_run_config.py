"""The run configuration (``launchers/run/config.py``): validation in one place, the command line built from it."""
import glob
import inspect
import json
import os
import subprocess
import sys
from dataclasses import fields

import numpy as np
import pytest
from experiment_launcher.launcher import get_experiment_default_params

from environments import POINT_MASS_ENV_IDS, POMDP_ENV_IDS, PROJECT_ENV_IDS, env_options, make_env
from launchers.grids import memory as launch_memory
from launchers.run.config import ExperimentConfigError, RunConfig, config_fields
from launchers.run.experiment import build_parser, experiment
from mushroom_s2pg.algorithms import available_algorithms, hyperparameter_names

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOT_A_POMDP = ('PointMassMemory-v0', 'PointMassDoor-v0', 'HalfCheetah-v5')


# ----------------------------------------------------------------------------------------------
# Every bad value is rejected, naming the value and the valid choices
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize('kwargs, field, named, listed', [
    (dict(env_id='HalfCheetah-v99'), 'env_id', 'HalfCheetah-v99', PROJECT_ENV_IDS),
    (dict(algorithm='SAC_NOPE'), 'algorithm', 'SAC_NOPE', available_algorithms()),
    (dict(hyperparameters='{"lr_actorr": 0.001}'), 'hyperparameters', 'lr_actorr', hyperparameter_names('SAC_RS')),
    (dict(algorithm='PPO_RS', hyperparameters={'tau': 0.1}), 'hyperparameters', 'tau', hyperparameter_names('PPO_RS')),
    (dict(window_length=4), 'window_length', 'window_length', hyperparameter_names('SAC_RS')),
    *[(dict(env_id=env_id, random_mass=True), 'random_mass', env_id, ('random_mass',) + POMDP_ENV_IDS)
      for env_id in NOT_A_POMDP],
    *[(dict(env_id='HalfCheetahPOMDP-v5', **{name: value}), name, 'HalfCheetahPOMDP-v5', (name,) + POINT_MASS_ENV_IDS)
      for name, value in (('normalize_observation', True), ('progress_reward', 0.1))],
    (dict(env_id='PointMassMemory-v0', progress_reward=-0.1), 'progress_reward', '-0.1', ('>= 0',)),
    (dict(env_id='PointMassMemory-v0', progress_reward=float('nan')), 'progress_reward', 'nan', ('finite number',)),
    (dict(env_id='PointMassMemory-v0', progress_reward=True), 'progress_reward', 'True', ('finite number',)),
    (dict(hyperparameters='{"lr_actor": 1e-3'), 'hyperparameters', '{"lr_actor": 1e-3', ('JSON',)),
    (dict(hyperparameters='[1, 2]'), 'hyperparameters', '[1, 2]', ('JSON object',)),
    (dict(hyperparameters=3), 'hyperparameters', '3', ('JSON string or a dict',)),
    (dict(n_epochs=-1), 'n_epochs', '-1', ('n_epochs', '>= 0')),
    (dict(n_steps_per_epoch=0), 'n_steps_per_epoch', '0', ('n_steps_per_epoch', '>= 1')),
    (dict(n_eval_episodes=0), 'n_eval_episodes', '0', ('n_eval_episodes', '>= 1')),
    (dict(n_threads=0), 'n_threads', '0', ('n_threads', '>= 1')),
    (dict(checkpoint_every=0), 'checkpoint_every', '0', ('checkpoint_every', '>= 1')),
    (dict(horizon=0), 'horizon', '0', ('horizon', 'None or', '>= 1')),
    (dict(algorithm='SAC_BPTT', truncation_length=-2), 'truncation_length', '-2', ('truncation_length', '>= 1')),
    (dict(seed=-1), 'seed', '-1', ('seed', '>= 0')),
    (dict(seed=2 ** 32), 'seed', str(2 ** 32), ('seed', f'<= {2 ** 32 - 1}')),
    (dict(n_epochs=1.5), 'n_epochs', '1.5', ('an integer',)),
    (dict(quiet='yes'), 'quiet', "'yes'", ('True or False',)),
    (dict(algorithm='SAC_BPTT', truncation_length=5, hyperparameters='{"truncation_length": 32}'),
     'truncation_length', 'truncation_length', ('5', '32')),
    (dict(algorithm='PPO_RS', n_steps_per_fit=100, hyperparameters='{"n_steps_per_fit": 200}'),
     'n_steps_per_fit', 'n_steps_per_fit', ('100', '200')),
])
def test_every_bad_value_is_rejected_naming_it_and_the_choices(kwargs, field, named, listed):
    with pytest.raises(ExperimentConfigError) as error:
        RunConfig(**kwargs)
    assert isinstance(error.value, ValueError) and error.value.field == field
    message = str(error.value)
    assert named in message
    for name in listed:
        assert name in message


@pytest.mark.parametrize('env_id', NOT_A_POMDP)
def test_make_env_rejects_an_option_the_task_does_not_take(env_id):
    assert 'random_mass' not in env_options(env_id)
    with pytest.raises(ValueError) as error:
        make_env(env_id, random_mass=True)
    for name in ('random_mass', env_id) + POMDP_ENV_IDS:
        assert name in str(error.value)


def test_task_options_are_declared():
    for env_id in POMDP_ENV_IDS:
        assert 'random_mass' in env_options(env_id)
    assert 'render_size' in env_options('PointMassMemory-v0')
    with pytest.raises(ValueError, match='NoSuchTask-v0'):
        env_options('NoSuchTask-v0')


def test_experiment_rejects_random_mass_on_a_point_mass_task_before_writing(tmp_path):
    with pytest.raises(ExperimentConfigError, match='random_mass'):
        experiment(env_id='PointMassMemory-v0', algorithm='SAC_RS', random_mass=True,
                   results_dir=str(tmp_path / 'results'))
    assert not (tmp_path / 'results').exists()


def test_command_line_rejects_random_mass_on_a_point_mass_task_before_creating_the_folder(tmp_path):
    results = tmp_path / 'DIR'
    result = subprocess.run([sys.executable, '-m', 'launchers.run.experiment', '--env_id', 'PointMassMemory-v0',
                             '--algorithm', 'SAC_RS', '--random_mass', 'True', '--results_dir', str(results)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert '--random_mass' in result.stderr and 'PointMassMemory-v0' in result.stderr
    assert not results.exists()


# ----------------------------------------------------------------------------------------------
# The configuration's values
# ----------------------------------------------------------------------------------------------
def test_explicit_arguments_are_merged_into_the_overrides():
    config = RunConfig(algorithm='PPO_BPTT', hyperparameters='{"lr_actor": 0.001}', truncation_length=7,
                       n_steps_per_fit=100)
    assert config.overrides == dict(lr_actor=1e-3, truncation_length=7, n_steps_per_fit=100)
    assert RunConfig(algorithm='SAC_RS', n_steps_per_fit=3).overrides == {}  # not a SAC hyperparameter
    assert config.arguments()['hyperparameters'] == '{"lr_actor": 0.001}'  # as given, for args.json
    assert config.task_options == {} and RunConfig(random_mass=True).task_options == dict(random_mass=True)
    numpy_seed = RunConfig(seed=np.int64(3))  # NumPy integers are accepted, and stored as ints
    assert type(numpy_seed.seed) is int and numpy_seed.run_defining_settings()['seed'] == 3


def test_point_mass_training_aids_are_task_options_of_the_run_and_its_checkpoint():
    config = RunConfig(env_id='PointMassMemory-v0', normalize_observation=True, progress_reward=1)
    assert type(config.progress_reward) is float  # an integer is accepted, and stored as a float
    assert config.task_options == dict(normalize_observation=True, progress_reward=1.0)
    settings = config.run_defining_settings()
    assert settings['normalize_observation'] is True and settings['progress_reward'] == 1.0
    # a checkpoint of the paper's task resumes only as the paper's task: the options are absent there
    assert 'progress_reward' not in RunConfig(env_id='PointMassMemory-v0').run_defining_settings()
    from launchers.grids.runner import _launcher_experiment
    kwargs = _launcher_experiment(config, local=True)
    assert kwargs['normalize_observation'] is True and kwargs['progress_reward'] == 1.0
    mdp = make_env('PointMassMemory-v0', **config.task_options)
    assert mdp.info.observation_space.high.max() == 1.0


def test_run_defining_settings_keep_the_checkpoint_format():
    settings = RunConfig(hyperparameters={'tau': 0.01}, horizon=50, seed=3).run_defining_settings()
    assert settings == dict(env_id='HalfCheetahPOMDP-v5', algorithm='SAC_RS', seed=3, random_mass=False, horizon=50,
                            n_steps_per_epoch=10000, n_steps_per_fit=None, n_eval_episodes=10,
                            hyperparameters=dict(tau=0.01))


def test_the_hyperparameter_json_is_parsed_once(tmp_path, monkeypatch):
    text = '{"initial_replay_size": 20, "batch_size": 8, "max_replay_size": 100}'
    parsed = []
    loads = json.loads

    def counting_loads(s, *args, **kwargs):
        if s == text:
            parsed.append(s)
        return loads(s, *args, **kwargs)

    monkeypatch.setattr(json, 'loads', counting_loads)
    summary = experiment(env_id='PointMassMemory-v0', algorithm='SAC_RS', n_epochs=0, n_steps_per_epoch=10,
                         n_eval_episodes=1, horizon=5, quiet=True, hyperparameters=text, results_dir=str(tmp_path))
    assert summary['epochs'] == 0
    assert len(parsed) == 1
    with open(os.path.join(summary['run_dir'], 'args.json')) as f:
        content = json.load(f)
    assert content['resolved_hyperparameters']['batch_size'] == 8 and content['horizon_used'] == 5
    # without a horizon argument args.json records the task's (the report's declared references depend on it)
    summary = experiment(env_id='PointMassMemory-v1', algorithm='SAC_VANILLA', n_epochs=0, n_steps_per_epoch=10,
                         n_eval_episodes=1, quiet=True, results_dir=str(tmp_path / 'task_horizon'))
    with open(os.path.join(summary['run_dir'], 'args.json')) as f:
        content = json.load(f)
    assert content['arguments'].get('horizon') is None and content['horizon_used'] == 1000

    # A grid parses its --hyperparameters once too, and hands dictionaries to its runs.
    parsed.clear()
    text = '{"lr_actor": 0.0003}'
    assert launch_memory.main(['--local', '--dry_run', '--base_dir', str(tmp_path / 'grid'), '--n_seeds', '1',
                               '--hyperparameters', text]) == 0
    assert len(parsed) == 1


# ----------------------------------------------------------------------------------------------
# The command line and the signature of experiment() are built from the fields
# ----------------------------------------------------------------------------------------------
def _words(text):
    return ' '.join(text.split())


REQUIRED = ['--env_id', 'HalfCheetahPOMDP-v5', '--algorithm', 'SAC_RS']


def test_every_field_has_an_option_with_its_help_type_and_default():
    parser = build_parser()
    text = _words(parser.format_help())
    defaults = vars(parser.parse_args(REQUIRED))
    names = [f.name for f in config_fields()]
    assert names == [f.name for f in fields(RunConfig) if f.name != 'overrides']
    for f in config_fields():
        assert f.metadata['help'] and f'--{f.name}' in text
        assert _words(f.metadata['help']) in text
        assert defaults[f.name] == f.default
    assert set(defaults) == set(names)
    args = vars(parser.parse_args(['--n_epochs', '3', '--seed', '4', '--horizon', '20', '--env_id', 'Ant-v5',
                                   '--algorithm', 'SAC_RS']))
    assert (args['n_epochs'], args['seed'], args['horizon'], args['env_id']) == (3, 4, 20, 'Ant-v5')


def test_the_command_line_requires_the_task_and_the_algorithm(capsys):
    """No silent multi-hour default run from a bare command; the error is one line."""
    with pytest.raises(SystemExit) as error:
        build_parser().parse_args([])
    assert error.value.code == 2
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and 'required: --env_id, --algorithm' in err and 'usage' not in err


@pytest.mark.parametrize('argv, quiet, resume', [
    ([], False, True),
    (['--quiet'], True, True),
    (['--quiet', 'True', '--resume', 'False'], True, False),
    (['--quiet=false', '--resume', 'no'], False, False),
])
def test_boolean_options_take_an_optional_value(argv, quiet, resume):
    args = build_parser().parse_args(REQUIRED + argv)
    assert (args.quiet, args.resume) == (quiet, resume)


def test_a_bad_option_value_is_a_usage_error(capsys):
    for argv in (['--quiet', 'maybe'], ['--n_epochs', 'many']):
        with pytest.raises(SystemExit) as error:
            build_parser().parse_args(REQUIRED + argv)
        assert error.value.code == 2
        err = capsys.readouterr().err
        assert err.count('\n') == 1 and 'usage' not in err, 'one line, no usage block'
        assert argv[1] in err


def test_experiment_signature_is_the_fields():
    parameters = inspect.signature(experiment).parameters
    assert list(parameters) == [f.name for f in config_fields()]
    assert {name: p.default for name, p in parameters.items()} == {f.name: f.default for f in config_fields()}
    assert get_experiment_default_params(experiment) == {f.name: f.default for f in config_fields()}
    with pytest.raises(TypeError, match='no_such_argument'):
        experiment(no_such_argument=1)


# ----------------------------------------------------------------------------------------------
# The grid builds its runs through RunConfig
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize('argv, named', [
    (['--n_cores', '0'], ('--n_cores', 'n_threads', '>= 1')),
    (['--start_seed', '-1'], ('--start_seed', 'seed', '>= 0')),
    (['--n_epochs', '-2'], ('--n_epochs', '>= 0')),
    (['--random_mass'], ('--random_mass', 'PointMassMemory-v1') + POMDP_ENV_IDS),
    (['--hyperparameters', '{"lr_actor": '], ('--hyperparameters', 'JSON')),
])
def test_grid_rejects_a_bad_run_naming_the_option(argv, named, tmp_path, capsys):
    with pytest.raises(SystemExit) as error:
        launch_memory.main(['--local', '--dry_run', '--base_dir', str(tmp_path)] + argv)
    assert error.value.code == 2
    message = capsys.readouterr().err
    for name in named:
        assert name in message
    assert list(tmp_path.iterdir()) == []


def test_launchers_insert_nothing_into_sys_path_nor_patch_argparse():
    paths = glob.glob(os.path.join(ROOT, 'launchers', '**', '*.py'), recursive=True)
    assert len(paths) > 20
    for path in paths:
        with open(path) as f:
            source = f.read()
        for forbidden in ('sys.path', '_actions'):
            assert forbidden not in source, f'{path} uses {forbidden}'
        # command lines are built from the RunConfig fields, never by parsing docstrings (the report's own
        # modules match folder and task names with regular expressions, and grids/slurm.py reads batch files and
        # scontrol's output with them, which is fine)
        relative = os.path.relpath(path, os.path.join(ROOT, 'launchers'))
        if not relative.startswith('report' + os.sep) and relative != os.path.join('grids', 'slurm.py'):
            assert 'import re\n' not in source, f'{path} uses import re'
        with open(path) as f:
            assert len(f.readlines()) <= 400, path
    for name in (os.path.join('run', 'experiment.py'), os.path.join('grids', 'runner.py')):
        with open(os.path.join(ROOT, 'launchers', name)) as f:
            assert len(f.readlines()) < 400
