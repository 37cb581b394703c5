"""The experiment grids of ``launchers/grids/`` (declared with ``launchers/grids/spec.py``, run by
``launchers/grids/runner.py``)."""
import json
import os
import shlex
import sys

import pytest

from environments import POMDP_ENV_IDS
from launchers import CONSOLE_SCRIPTS
from launchers.grids import cpg as launch_cpg
from launchers.grids import memory as launch_memory
from launchers.grids import pomdp as launch_pomdp
from launchers.grids import pomdp_privileged as launch_pomdp_privileged
from launchers.run import experiment as experiment_module
from launchers.grids.runner import GridEntry, GridSpec, build_parser, make_main, paper_variants
from mushroom_s2pg.algorithms import default_hyperparameters
from mushroom_s2pg.utils import read_progress

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VARIANTS = ('RS', 'BPTT5', 'BPTT32', 'WINDOW5', 'WINDOW32', 'VANILLA', 'ORACLE')


def _paper_table(family, common=None):
    """label -> (registered algorithm, fixed overrides) of the paper's seven variants, written out."""
    common = dict(common or {})
    return {f'{family}_RS': (f'{family}_RS', dict(common)),
            f'{family}_BPTT5': (f'{family}_BPTT', dict(common, truncation_length=5)),
            f'{family}_BPTT32': (f'{family}_BPTT', dict(common, truncation_length=32)),
            f'{family}_WINDOW5': (f'{family}_WINDOW', dict(common, window_length=5)),
            f'{family}_WINDOW32': (f'{family}_WINDOW', dict(common, window_length=32)),
            f'{family}_VANILLA': (f'{family}_VANILLA', dict(common)),
            f'{family}_ORACLE': (f'{family}_ORACLE', dict(common))}


# module, tasks, {label: (algorithm, hyperparameters)}, (n_epochs, n_steps_per_epoch), random_mass
GRIDS = {
    'pomdp_privileged': (launch_pomdp_privileged, POMDP_ENV_IDS, {**_paper_table('SAC'), **_paper_table('TD3')},
                         (200, 10000), True),
    'pomdp': (launch_pomdp, POMDP_ENV_IDS, _paper_table('PPO', dict(privileged_critic=False)), (100, 50000), False),
    'memory': (launch_memory, ('PointMassMemory-v1', 'PointMassDoor-v0'),
               {'SAC_RS': ('SAC_RS', dict(critic_init_scale=0.1)), 'SAC_BPTT5': ('SAC_BPTT', dict(truncation_length=5)),
                'SAC_BPTT10': ('SAC_BPTT', dict(truncation_length=10)), 'SAC_VANILLA': ('SAC_VANILLA', {}),
                'SAC_ORACLE': ('SAC_ORACLE', {})},
               (100, 10000), False),
    'cpg': (launch_cpg, ('HalfCheetah-v5', 'Ant-v5'),
            {'SAC_RS_CPG': ('SAC_RS', dict(actor='cpg')), 'SAC_RS': ('SAC_RS', {})}, (200, 10000), False),
}
N_RUNS = {'pomdp_privileged': 1750, 'pomdp': 875, 'memory': 250, 'cpg': 100}


def _experiment_commands(output):
    """The experiment command lines of a local dry run (the console script, or this Python with ``-m``), parsed by
    the experiment's parser."""
    parser = experiment_module.build_parser()
    runs = []
    for words in (shlex.split(line) for line in output.splitlines() if line.startswith('  ')):
        if os.path.basename(words[0]) == 's2pg-experiment':
            runs.append(vars(parser.parse_args(words[1:])))
        else:
            assert words[:3] == [sys.executable, '-m', 'launchers.run.experiment'], words[:3]
            runs.append(vars(parser.parse_args(words[3:])))
    assert runs, output
    return runs


# ----------------------------------------------------------------------------------------------
# Dry runs: the grids as the paper has them
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize('name', list(GRIDS))
def test_dry_run_lists_every_run_with_its_label_and_hyperparameters(name, tmp_path, capsys):
    module, tasks, table, (n_epochs, n_steps), random_mass = GRIDS[name]
    assert module.SPEC.name == name and module.main.spec is module.SPEC
    assert module.SPEC.labels == tuple(table) and module.SPEC.tasks == tuple(tasks)
    assert module.SPEC.n_runs == N_RUNS[name] == len(tasks) * len(table) * 25

    assert module.main(['--local', '--dry_run', '--base_dir', str(tmp_path)]) == 0
    output = capsys.readouterr().out
    assert f'{N_RUNS[name]} runs' in output
    runs = _experiment_commands(output)
    assert len(runs) == N_RUNS[name]
    seen = set()
    for run in runs:
        algorithm, overrides = table[run['variant']]
        assert run['algorithm'] == algorithm
        assert json.loads(run['hyperparameters'] or '{}') == overrides
        assert (run['n_epochs'], run['n_steps_per_epoch'], run['n_eval_episodes']) == (n_epochs, n_steps, 10)
        assert run['random_mass'] is random_mass and run['quiet'] is True
        assert run['env_id'] in tasks
        assert run['results_dir'].endswith(os.path.join(run['env_id'], run['variant']))
        seen.add((run['env_id'], run['variant'], run['seed']))
    assert seen == {(env_id, label, seed) for env_id in tasks for label in table for seed in range(25)}
    assert list(tmp_path.iterdir()) == []  # a dry run leaves nothing behind


def test_privileged_grid_keeps_its_algorithms_and_options(tmp_path, capsys):
    assert launch_pomdp_privileged.grid_algorithms() == tuple(
        f'{family}_{kind}' for family in ('SAC', 'TD3') for kind in ('RS', 'BPTT', 'WINDOW', 'VANILLA', 'ORACLE'))
    text = launch_pomdp_privileged.build_parser().format_help()
    for label in launch_pomdp_privileged.SPEC.labels:
        assert label in text
    for option in ('--envs', '--algorithms', '--n_seeds', '--start_seed', '--n_epochs', '--n_steps_per_epoch',
                   '--n_eval_episodes', '--random_mass', '--no_random_mass', '--hyperparameters', '--exp_name',
                   '--base_dir', '--no_timestamp', '--n_exps_in_parallel', '--n_cores', '--memory_per_core',
                   '--time', '--partition', '--project_name', '--gres', '--constraint', '--conda_env',
                   '--no_job_array', '--test', '--dry_run', '--local', '--slurm'):
        assert option in text
    # A selection, other seeds and budget, masses fixed, a common override merged with the entry's.
    assert launch_pomdp_privileged.main(
        ['--local', '--dry_run', '--base_dir', str(tmp_path), '--envs', 'AntPOMDP-v5', '--algorithms', 'TD3_BPTT32',
         'SAC_WINDOW5', '--n_seeds', '2', '--start_seed', '3', '--n_epochs', '7', '--no_random_mass',
         '--hyperparameters', '{"lr_actor": 0.0003}']) == 0
    runs = _experiment_commands(capsys.readouterr().out)
    assert [(run['variant'], run['seed']) for run in runs] == [('TD3_BPTT32', 3), ('TD3_BPTT32', 4),
                                                               ('SAC_WINDOW5', 3), ('SAC_WINDOW5', 4)]
    assert json.loads(runs[0]['hyperparameters']) == dict(truncation_length=32, lr_actor=3e-4)
    assert json.loads(runs[2]['hyperparameters']) == dict(window_length=5, lr_actor=3e-4)
    assert all(run['n_epochs'] == 7 and run['random_mass'] is False for run in runs)


def test_slurm_dry_run_writes_one_job_array_per_task_and_label(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('PATH', os.environ.get('PATH', ''))  # restored after the test
    assert launch_memory.main(['--slurm', '--dry_run', '--base_dir', str(tmp_path), '--no_timestamp',
                               '--partition', 'cpu']) == 0
    assert capsys.readouterr().out.count('sbatch ') == 10
    files = sorted((tmp_path / 'memory' / 'slurm_files').iterdir())
    assert len(files) == 10
    parser = experiment_module.build_parser()
    folders = set()
    for path in files:
        script = path.read_text()
        assert '#SBATCH -a 0-24' in script and '#SBATCH -t 1-00:00:00' in script and '#SBATCH -p cpu' in script
        line = next(line for line in script.splitlines() if '--results_dir' in line)
        args = vars(parser.parse_args(shlex.split(line.replace('&', ''))))  # what the job passes to experiment()
        algorithm, overrides = GRIDS['memory'][2][args['variant']]
        assert args['algorithm'] == algorithm and json.loads(args['hyperparameters'] or '{}') == overrides
        assert args['results_dir'] == str(tmp_path / 'memory' / args['env_id'] / args['variant'])
        folders.add(args['results_dir'])
    assert len(folders) == 10  # SAC_BPTT5 and SAC_BPTT10 (both SAC_BPTT) do not share a folder


# ----------------------------------------------------------------------------------------------
# --test: tiny runs that write progress.csv
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize('module, env_id, labels', [
    (launch_pomdp, 'HopperPOMDP-v5', ['PPO_BPTT5']),
    (launch_memory, 'PointMassMemory-v1', ['SAC_BPTT5', 'SAC_BPTT10', 'SAC_ORACLE']),
    (launch_cpg, 'HalfCheetah-v5', ['SAC_RS_CPG']),
], ids=['pomdp', 'memory', 'cpg'])
def test_test_mode_runs_tiny_runs(module, env_id, labels, tmp_path):
    status = module.main(['--test', '--envs', env_id, '--algorithms', *labels, '--base_dir', str(tmp_path),
                          '--no_timestamp'])
    assert status == 0
    root = tmp_path / f'{module.SPEC.name}_test' / env_id
    assert sorted(path.name for path in root.iterdir()) == sorted(labels)
    for label in labels:
        entry = module.SPEC.entry(label)
        rows = read_progress(root / label / '0' / 'progress.csv')
        assert [row['epoch'] for row in rows] == [0, 1]
        with open(root / label / '0' / 'args.json') as f:
            args = json.load(f)
        assert args['arguments']['variant'] == label and args['arguments']['algorithm'] == entry.algorithm
        assert args['horizon_used'] == module.SPEC.test_settings['horizon']  # recorded for the report
        resolved = args['resolved_hyperparameters']
        for key, value in entry.hyperparameters.items():
            assert resolved[key] == value
        if entry.algorithm.startswith('PPO'):
            assert resolved['privileged_critic'] is False and args['n_steps_per_fit_used'] == 100


# ----------------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize('module, argv, named, listed', [
    (launch_pomdp, ['--algorithms', 'PPO_NOPE'], 'PPO_NOPE', launch_pomdp.SPEC.labels),
    (launch_pomdp, ['--algorithms', 'PPO_BPTT'], 'PPO_BPTT', ('PPO_BPTT5', 'PPO_BPTT32')),
    (launch_memory, ['--envs', 'HopperPOMDP-v5'], 'HopperPOMDP-v5',
     ('PointMassMemory-v1', 'PointMassDoor-v0', 'PointMassMemory-v0')),
    (launch_memory, ['--horizon', '0'], '--horizon', ('>= 1',)),
    (launch_cpg, ['--algorithms', 'SAC_BPTT5'], 'SAC_BPTT5', ('SAC_RS_CPG', 'SAC_RS')),
    (launch_cpg, ['--random_mass'], '--random_mass', POMDP_ENV_IDS),
    (launch_pomdp_privileged, ['--hyperparameters', '{"nope": 1}'], 'nope', ('lr_actor',)),
    (launch_pomdp, ['--hyperparameters', '{"privileged_critic": true}'], 'privileged_critic', ('PPO_RS',)),
    (launch_memory, ['--algorithms', 'SAC_BPTT5', '--hyperparameters', '{"truncation_length": 32}'],
     'truncation_length', ('SAC_BPTT5',)),
])
def test_unknown_or_invalid_selection_is_a_clear_error(module, argv, named, listed, tmp_path, capsys):
    with pytest.raises(SystemExit) as error:
        module.main(['--dry_run', '--base_dir', str(tmp_path)] + ([] if '--slurm' in argv else ['--local']) + argv)
    assert error.value.code == 2
    message = capsys.readouterr().err
    assert named in message
    for name in listed:
        assert name in message
    assert list(tmp_path.iterdir()) == []


def test_memory_grid_selects_the_reference_task_and_sets_the_horizon(tmp_path, capsys):
    """The memory grid runs PointMassMemory-v1 and the door task at the tasks' horizon (1000) by default;
    ``--envs`` also selects PointMassMemory-v0, and ``--horizon`` sets every run's horizon."""
    assert launch_memory.main(['--local', '--dry_run', '--base_dir', str(tmp_path), '--algorithms', 'SAC_RS']) == 0
    runs = _experiment_commands(capsys.readouterr().out)
    assert {run['env_id'] for run in runs} == {'PointMassMemory-v1', 'PointMassDoor-v0'}
    assert all(run['horizon'] is None for run in runs)  # the task's, 1000
    assert launch_memory.main(['--local', '--dry_run', '--base_dir', str(tmp_path), '--envs', 'PointMassMemory-v0',
                               '--algorithms', 'SAC_ORACLE', '--horizon', '200', '--n_seeds', '1']) == 0
    runs = _experiment_commands(capsys.readouterr().out)
    assert [(run['env_id'], run['variant'], run['horizon']) for run in runs] == [
        ('PointMassMemory-v0', 'SAC_ORACLE', 200)]
    assert '--envs may also select PointMassMemory-v0' in build_parser(launch_memory.SPEC).format_help()
    common = dict(name='x', module='m', description='', entries=[('A', 'SAC_RS')], n_epochs=1, n_steps_per_epoch=1)
    spec = GridSpec(tasks=('PointMassMemory-v1',), extra_tasks=('PointMassMemory-v0',), horizon=300, **common)
    assert spec.paper_settings['horizon'] == 300 and spec.n_runs == 25
    assert spec.selectable_tasks == ('PointMassMemory-v1', 'PointMassMemory-v0')
    with pytest.raises(ValueError, match='duplicate'):
        GridSpec(tasks=('PointMassMemory-v1',), extra_tasks=('PointMassMemory-v1',), **common)


def test_grid_spec_is_checked_when_declared():
    common = dict(name='x', module='m', description='', tasks=('HopperPOMDP-v5',), n_epochs=1, n_steps_per_epoch=1)
    with pytest.raises(ValueError, match='duplicate'):
        GridSpec(entries=[('A', 'SAC_RS'), ('A', 'TD3_RS')], **common)
    with pytest.raises(ValueError, match='SAC_NOPE'):
        GridSpec(entries=[('A', 'SAC_NOPE')], **common)
    with pytest.raises(ValueError, match='truncation_lenght'):
        GridSpec(entries=[('A', 'SAC_BPTT', {'truncation_lenght': 5})], **common)
    with pytest.raises(ValueError, match='folder'):
        GridSpec(entries=[('A/B', 'SAC_RS')], **common)
    with pytest.raises(ValueError, match='random_mass'):
        GridSpec(entries=[('A', 'SAC_RS')], **dict(common, tasks=('Hopper-v5',)), random_mass=True)
    spec = GridSpec(entries=[GridEntry('A', 'SAC_RS')] + list(paper_variants('PPO')), **common)
    assert spec.labels == ('A',) + tuple(f'PPO_{kind}' for kind in VARIANTS)
    assert spec.algorithms == ('SAC_RS', 'PPO_RS', 'PPO_BPTT', 'PPO_WINDOW', 'PPO_VANILLA', 'PPO_ORACLE')
    assert make_main(spec).spec is spec


def test_launch_files_are_specs_only():
    """The parser and launcher code lives in launchers/grids/runner.py and cli.py: each grid module is a spec
    and ``make_main``."""
    for module in (launch_pomdp_privileged, launch_pomdp, launch_memory, launch_cpg):
        with open(module.__file__) as f:
            source = f.read()
        assert 'make_main(SPEC)' in source
        for name in ('argparse', 'experiment_launcher', 'Launcher(', 'add_argument'):
            assert name not in source, f'{module.__name__} uses {name}'


def test_readme_lists_the_launch_files():
    with open(os.path.join(ROOT, 'README.md')) as f:
        readme = f.read()
    assert '## Experiment grids' in readme or '### Experiment grids' in readme
    for name in ('pomdp_privileged', 'pomdp', 'memory', 'cpg', 'imitation'):
        script = CONSOLE_SCRIPTS[f'launchers.grids.{name}']
        assert f'`{script}`' in readme, f'README.md does not show the grid command {script}'


def test_resume_continues_an_experiment_folder(tmp_path, capsys):
    """--resume reuses <base_dir>/<exp_name>: a finished run is not trained again; without it the folder is refused."""
    argv = ['--test', '--envs', 'PointMassMemory-v0', '--algorithms', 'SAC_VANILLA', '--base_dir', str(tmp_path)]
    assert launch_memory.main(argv + ['--no_timestamp']) == 0
    progress = tmp_path / 'memory_test' / 'PointMassMemory-v0' / 'SAC_VANILLA' / '0' / 'progress.csv'
    first = progress.read_text()
    with pytest.raises(SystemExit) as error:
        launch_memory.main(argv + ['--no_timestamp'])
    assert error.value.code == 2 and '--resume' in capsys.readouterr().err
    assert launch_memory.main(argv + ['--resume']) == 0
    assert progress.read_text() == first
    assert 'resuming after epoch 1' in capsys.readouterr().out
    from launchers.grids import reproduce_small
    for part in reproduce_small.PARTS:  # the reduced reproduction's grids parse (checked runs, nothing written)
        grid_main, _ = reproduce_small.PARTS[part]
        assert grid_main(reproduce_small.part_argv(part, str(tmp_path / 'small'), 2) + ['--dry_run']) == 0


def test_reproduce_small_runs_its_parts_then_the_report_and_resumes(tmp_path, monkeypatch, capsys):
    """make reproduce-small end to end at a tiny budget: the grids, the report, and a second call that trains nothing."""
    from launchers.grids import reproduce_small
    tiny = ['--envs', 'PointMassMemory-v0', '--algorithms', 'SAC_VANILLA', '--n_seeds', '1', '--n_epochs', '1',
            '--n_steps_per_epoch', '150', '--n_eval_episodes', '1', '--horizon', '100', '--hyperparameters',
            json.dumps(dict(initial_replay_size=64, warmup_transitions=100, batch_size=16))]
    monkeypatch.setattr(reproduce_small, 'PARTS', {'memory': (launch_memory.main, tiny)})
    argv = ['--base_dir', str(tmp_path), '--n_parallel', '1']
    assert reproduce_small.main(argv) == 0
    report = tmp_path / 'report' / 'report.md'
    assert report.is_file() and (tmp_path / 'report' / 'memory.png').is_file()
    assert '| memory | PointMassMemory-v0 | SAC_VANILLA | 0 | 1 | 1 x 150 |' in report.read_text()
    progress = tmp_path / 'memory' / 'PointMassMemory-v0' / 'SAC_VANILLA' / '0' / 'progress.csv'
    first = progress.read_text()
    capsys.readouterr()
    assert reproduce_small.main(argv) == 0
    assert progress.read_text() == first and 'resuming after epoch 1' in capsys.readouterr().out
    with pytest.raises(SystemExit):
        reproduce_small.main(argv + ['--n_parallel', '0'])


@pytest.mark.parametrize('module', [launch_pomdp_privileged, launch_memory, launch_cpg])
def test_paper_grids_run_the_s2pg_critics_with_the_reference_initialisation(module):
    # the library default (PyTorch's initialisation) learns short-memory tasks; the grids reproduce the paper
    spec = module.SPEC
    for env_id in spec.tasks:
        for entry in spec.entries:
            if entry.algorithm in ('SAC_RS', 'TD3_RS'):
                resolved = {**default_hyperparameters(entry.algorithm, env_id), **entry.hyperparameters}
                assert resolved['critic_init_scale'] == 0.1, (spec.name, env_id, entry.label)
    for algorithm in ('SAC_RS', 'TD3_RS'):
        assert default_hyperparameters(algorithm, 'PendulumPOMDP-v1')['critic_init_scale'] is None
