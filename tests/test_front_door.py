"""The front door of the command lines: one-line errors naming the problem, suggestions for typos, no silent defaults,
dry runs that write nothing, one progress line per epoch off a terminal, no display warning on import."""
import os
import re
import shlex
import subprocess
import sys

import pytest

from launchers import CONSOLE_SCRIPTS, command_line, console_script
from launchers.grids import memory as launch_memory
from launchers.run.experiment import main as experiment_main
from mushroom_s2pg.algorithms import check_hyperparameters, hyperparameter_names

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TINY = ['--env_id', 'PointMassMemory-v0', '--algorithm', 'SAC_RS', '--n_epochs', '1', '--n_steps_per_epoch', '20',
        '--n_eval_episodes', '1', '--horizon', '10', '--quiet']


def _one_line_error(capsys, argv):
    """Run the experiment's command line, expecting status 2; its stderr."""
    with pytest.raises(SystemExit) as stop:
        experiment_main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and 'usage:' not in err and 'Traceback' not in err, err
    return err


def test_a_results_folder_below_a_file_is_one_line_naming_it(tmp_path, capsys):
    (tmp_path / 'file').write_text('')
    err = _one_line_error(capsys, TINY + ['--results_dir', str(tmp_path / 'file' / 'runs')])
    assert '--results_dir' in err and str(tmp_path / 'file' / 'runs') in err
    assert sorted(os.listdir(tmp_path)) == ['file']


@pytest.mark.parametrize('hyperparameters, words', [
    ('{"lr_actor": "abc"}', ['lr_actor', 'expected a finite number', "'abc'"]),
    ('{"batch_size": 3.5}', ['batch_size', 'expected an integer']),
    ('{"lr_actr": 1e-3}', ["'lr_actr'", "Did you mean 'lr_actor'?"]),
])
def test_a_hyperparameter_of_the_wrong_type_or_name_is_one_line(tmp_path, capsys, hyperparameters, words):
    err = _one_line_error(capsys, TINY + ['--results_dir', str(tmp_path / 'r'), '--hyperparameters', hyperparameters])
    assert all(word in err for word in words), err
    assert not (tmp_path / 'r').exists()


def test_hyperparameters_an_algorithm_does_not_use_are_refused_naming_those_it_uses(tmp_path, capsys):
    argv = TINY + ['--results_dir', str(tmp_path / 'r'), '--hyperparameters', '{"init_alpha_z": 0.1, "tau_z": 0.5}']
    argv[argv.index('SAC_RS')] = 'SAC_BPTT'
    err = _one_line_error(capsys, argv)
    assert "SAC_BPTT does not use 'init_alpha_z', 'tau_z'" in err and 'It uses: truncation_length' in err
    assert not (tmp_path / 'r').exists()
    for name in ('SAC_WINDOW', 'SAC_VANILLA', 'SAC_ORACLE', 'LSIQ_BPTT', 'TD3_BPTT'):
        assert 'tau_z' not in hyperparameter_names(name)
        with pytest.raises(ValueError, match='does not use'):
            check_hyperparameters(name, dict(tau_z=0.5))
    assert {'tau_z', 'init_alpha_z'} <= set(hyperparameter_names('SAC_RS'))
    assert check_hyperparameters('SAC_RS', dict(tau_z=0.5, lr_actor=1)) == dict(tau_z=0.5, lr_actor=1)


def test_null_is_a_value_where_the_argument_is_optional():
    assert check_hyperparameters('TD3_RS', dict(critic_init_scale=None)) == dict(critic_init_scale=None)  # Optional
    assert check_hyperparameters('SAC_RS', dict(target_entropy=None)) == dict(target_entropy=None)  # default None
    with pytest.raises(ValueError, match='lr_actor of TD3_RS: expected a value, not null'):
        check_hyperparameters('TD3_RS', dict(lr_actor=None))


@pytest.mark.parametrize('option, typo, suggestion', [
    ('--algorithm', 'sac_rs', 'SAC_RS'),
    ('--env_id', 'HalfCheetahPOMPD-v5', 'HalfCheetahPOMDP-v5'),
])
def test_a_typo_gets_a_suggestion(tmp_path, capsys, option, typo, suggestion):
    argv = TINY + ['--results_dir', str(tmp_path / 'r')]
    argv[argv.index(option) + 1] = typo
    err = _one_line_error(capsys, argv)
    assert f"Did you mean '{suggestion}'?" in err


def test_a_grid_dry_run_writes_nothing(tmp_path, capsys):
    base = tmp_path / 'new' / 'results'
    assert launch_memory.main(['--local', '--dry_run', '--envs', 'PointMassMemory-v0', '--algorithms', 'SAC_RS',
                               '--base_dir', str(base)]) == 0
    printed = capsys.readouterr().out
    assert '(dry run)' in printed and ('s2pg-experiment' in printed or '-m launchers.run.experiment' in printed)
    assert os.listdir(tmp_path) == []


def test_the_default_results_folder_is_results():
    from launchers.run.config import RunConfig
    from launchers.grids.cli import build_parser
    assert RunConfig().results_dir == 'results'
    assert build_parser(launch_memory.main.spec).parse_args(['--local']).base_dir == 'results'


def test_printed_commands_run_from_any_folder():
    assert console_script('launchers.grids.pomdp_privileged') == 's2pg-launch-pomdp-privileged'
    with open(os.path.join(ROOT, 'setup.py')) as f:
        setup = f.read()
    for module, script in CONSOLE_SCRIPTS.items():   # launchers.report's entry point is its cli module
        assert f"'{script} = {module}:" in setup or f"'{script} = {module}.cli:" in setup, module
    words = shlex.split(command_line('launchers.report', '/a b', '--out', '/c'))
    assert words[-3:] == ['/a b', '--out', '/c']
    assert words[:-3] in (['s2pg-report'], [os.path.join(os.path.dirname(sys.executable), 's2pg-report')],
                          [sys.executable, '-m', 'launchers.report'])
    result = subprocess.run(words[:-3] + ['--help'], capture_output=True, text=True, cwd='/', timeout=300)
    assert result.returncode == 0 and result.stdout.startswith('usage: '), result.stderr


def test_off_a_terminal_a_run_prints_one_progress_line_per_epoch(tmp_path):
    argv = [sys.executable, '-m', 'launchers.run.experiment', '--env_id', 'PointMassMemory-v0', '--algorithm',
            'SAC_VANILLA', '--n_epochs', '3', '--n_steps_per_epoch', '50', '--n_eval_episodes', '1', '--horizon',
            '20', '--results_dir', str(tmp_path / 'r'), '--hyperparameters', '{"initial_replay_size": 20}']
    result = subprocess.run(argv, capture_output=True, text=True, cwd=str(tmp_path), timeout=300)
    assert result.returncode == 0, result.stderr
    lines = (result.stdout + result.stderr).splitlines()
    assert len([line for line in lines if line.startswith('[experiment] epoch ')]) == 4   # epoch 0 is evaluated
    assert len(lines) < 25, lines   # no progress-bar redraws: the header, one line per epoch, the summary
    assert 'DISPLAY' not in result.stderr and 'GLFW' not in result.stderr


def test_importing_the_packages_prints_nothing():
    code = 'import mushroom_s2pg.algorithms, environments, launchers.report'
    environment = {key: value for key, value in os.environ.items() if key != 'DISPLAY'}
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=environment,
                            timeout=300)
    assert result.returncode == 0 and result.stderr == '' and result.stdout == '', result.stderr


def test_grid_errors_are_one_line_with_suggestions(tmp_path, capsys):
    (tmp_path / 'file').write_text('')
    for argv, words in ((['--base_dir', str(tmp_path / 'file' / 'x'), '--test'], ['--base_dir', 'cannot create']),
                        (['--dry_run', '--algorithms', 'SAC_RSS'], ["Did you mean 'SAC_RS'?"]),
                        (['--dry_run', '--envs', 'PointMassMemroy-v0'], ["Did you mean 'PointMassMemory-v0'?"])):
        with pytest.raises(SystemExit) as stop:
            launch_memory.main(['--local', *argv])
        err = capsys.readouterr().err
        assert stop.value.code == 2 and err.count('\n') == 1 and all(word in err for word in words), err
    assert sorted(os.listdir(tmp_path)) == ['file']


# ------------------------------------------------------------------ the README's commands and links
def _readme():
    with open(os.path.join(ROOT, 'README.md')) as f:
        return f.read()


def _readme_commands():
    """Every console script (``s2pg-...``) and ``python -m`` module of the packages that the README shows."""
    text = _readme()
    scripts = sorted(set(re.findall(r'(?<![\w/-])(s2pg-[a-z][a-z-]*[a-z])', text)))
    modules = sorted(set(re.findall(r'python -m ((?:launchers|environments)(?:\.\w+)+)', text)))
    return [('script', name) for name in scripts] + [('module', name) for name in modules]


def test_the_readme_shows_commands():
    kinds = {kind for kind, _ in _readme_commands()}
    assert kinds == {'script', 'module'} and len(_readme_commands()) >= 8


@pytest.mark.parametrize('kind, name', _readme_commands(), ids=lambda value: value)
def test_every_readme_command_answers_help(kind, name):
    """The console scripts are those next to this Python (the virtual environment's), run from any folder."""
    if kind == 'script':
        argv = [os.path.join(os.path.dirname(sys.executable), name)]
        assert os.path.isfile(argv[0]), f'README.md shows {name}, which is not installed next to {sys.executable}'
    else:
        argv = [sys.executable, '-m', name]
    result = subprocess.run(argv + ['--help'], capture_output=True, text=True, cwd='/', timeout=300)
    assert result.returncode == 0 and result.stdout.startswith('usage: '), (name, result.stderr[-2000:])


def test_the_readme_links_exist():
    links = re.findall(r'\]\(((?!https?:|#)[^)\s]+)\)', _readme())
    assert links
    missing = [link for link in links if not os.path.exists(os.path.join(ROOT, link.split('#')[0]))]
    assert not missing, f'README.md links to missing files: {missing}'


def test_the_documentation_site_lists_every_page_and_renders_the_api():
    """mkdocs.yml names every page of docs/ and every study in its navigation, and keeps the mkdocstrings plugin
    that renders the API reference (without it, api.md would show its ``:::`` lines as text)."""
    with open(os.path.join(ROOT, 'mkdocs.yml')) as f:
        config = f.read()
    assert re.search(r'^plugins:\n(  - .*\n|    .*\n)*  - mkdocstrings:', config, re.M)
    docs = os.path.join(ROOT, 'docs')
    pages = [name for name in os.listdir(docs) if name.endswith('.md')]
    pages += [f'results/{study}/README.md' for study in os.listdir(os.path.join(docs, 'results'))]
    missing = [page for page in pages if not re.search(rf': {re.escape(page)}$', config, re.M)]
    assert not missing, f'mkdocs.yml does not list {missing} in its nav'
