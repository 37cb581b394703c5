"""Every grid ends with the report: ``--test`` runs of every grid, then the command each grid prints, give every figure.

To stay fast, each grid runs a selection that still covers every figure: a memory task, a CPG task, a low- and a
high-dimensional POMDP task with an oracle (Figure 13), PPO on one POMDP task and GAIL on one imitation task.

"""
import contextlib
import io
import os
import shlex
import sys

import pytest

from imitation_helpers import ensure_mini_data
from launchers.report import cli as report
from launchers.grids import cpg as launch_cpg
from launchers.grids import imitation as launch_imitation
from launchers.grids import memory as launch_memory
from launchers.grids import pomdp as launch_pomdp
from launchers.grids import pomdp_privileged as launch_pomdp_privileged

SELECTIONS = {
    'memory': (launch_memory, ['PointMassMemory-v1'], ['SAC_RS', 'SAC_VANILLA']),
    'cpg': (launch_cpg, ['HalfCheetah-v5'], ['SAC_RS_CPG', 'SAC_RS']),
    'pomdp_privileged': (launch_pomdp_privileged, ['HopperPOMDP-v5', 'AntPOMDP-v5'],
                         ['SAC_RS', 'SAC_VANILLA', 'SAC_ORACLE']),
    'pomdp': (launch_pomdp, ['HopperPOMDP-v5'], ['PPO_RS', 'PPO_VANILLA']),
    'imitation': (launch_imitation, ['Atlas.carry'], ['GAIL_RS', 'GAIL_VANILLA']),
}


def _report_command(output):
    """The report command a grid printed, as the arguments of ``launchers.report``."""
    lines = [line for line in output.splitlines() if 'figures and tables: ' in line]
    assert len(lines) == 1, output
    words = shlex.split(lines[0].split(': ', 1)[1])
    if os.path.basename(words[0]) == 's2pg-report':
        return words[1:]
    assert words[:3] == [sys.executable, '-m', 'launchers.report'], words
    return words[3:]


@pytest.fixture(scope='module')
def grid_reports(tmp_path_factory):
    """Each grid's --test selection and the report it prints the command of; grid -> (results, report folder)."""
    ensure_mini_data()
    base = tmp_path_factory.mktemp('grids')
    reports = {}
    for name, (module, envs, labels) in SELECTIONS.items():
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            status = module.main(['--test', '--envs', *envs, '--algorithms', *labels, '--base_dir', str(base),
                                  '--no_timestamp'])
        output = output.getvalue()
        assert status == 0, output
        arguments = _report_command(output)
        assert arguments[0] == str(base / f'{name}_test') and arguments[1:] == ['--out', arguments[0] + '/report']
        assert report.main(arguments) == 0
        reports[name] = (arguments[0], arguments[2])
    return base, reports


def test_every_grid_prints_its_report_command_and_the_report_has_every_figure(grid_reports):
    base, reports = grid_reports
    for name, (results, out) in reports.items():
        module, envs, labels = SELECTIONS[name]
        grid = f'{name}_test'
        files = set(os.listdir(out))
        expected = {f'summary_{grid}.png', 'report.md', 'table_time.md', 'table_time.csv', 'table_normalized.md',
                    'table_normalized.csv', 'runs.csv', 'curves.csv'}
        expected |= {f'curves_{grid}_{env_id}.png' for env_id in envs}
        expected |= {'memory.png'} if name == 'memory' else {'cpg.png'} if name == 'cpg' else set()
        expected |= {'dims.png'} if name == 'pomdp_privileged' else set()
        assert expected <= files, (name, sorted(files))
        text = open(os.path.join(out, 'report.md')).read()
        for png in (file for file in files if file.endswith('.png')):
            assert f'({png})' in text
        for label in labels:
            assert label in text


def test_one_report_over_every_grid(grid_reports, tmp_path, capsys):
    base, reports = grid_reports
    out = tmp_path / 'all'
    assert report.main([str(base), '--out', str(out)]) == 0
    printed = capsys.readouterr()
    assert 'skipped' not in printed.err  # the grids' own report/ folders are no runs
    not_made = [line for line in printed.out.splitlines() if 'not made' in line]
    # only the privileged grid has an oracle; the --test runs' short horizons get no declared reference either
    assert sorted(line.split(': ')[1] for line in not_made) == sorted(
        f'profile_{name}_test.png' for name in SELECTIONS if name != 'pomdp_privileged')
    files = set(os.listdir(out))
    assert {'dims.png', 'memory.png', 'cpg.png', 'profile_pomdp_privileged_test.png'} <= files
    assert {f'summary_{name}_test.png' for name in SELECTIONS} <= files
    n_curves = sum(len(envs) for _, envs, _ in SELECTIONS.values())
    assert len([file for file in files if file.startswith('curves_') and file.endswith('.png')]) == n_curves
    text = (out / 'report.md').read_text()
    assert '14 runs: 5 grid(s)' in text and 'left out of the normalized aggregate' in text
