"""``returns.csv``, the report's compact table: written by every report, read back by ``--from_table`` into the
same tables, curves and figures; ``--compact`` writes only report.md, the figures and the table."""
import os

import pandas as pd
import pytest

from launchers.report import cli as report
from launchers.report.table import EPOCH_COLUMNS, SETTING_COLUMNS, runs_from_table
from test_report import results, write_run  # noqa: F401 (the fixture)

TABLES = ('table_normalized', 'table_time', 'table_improvement', 'normalization', 'curves')


@pytest.fixture
def varied(results):  # noqa: F811
    """The synthetic runs plus one of another budget (a split label), an unfinished one and a recorded load."""
    write_run(results, 'A-v0', 'SAC_RS', 2, [2., 3., 4., 5.], steps_per_epoch=500)
    write_run(results, 'A-v0', 'SAC_VANILLA', 2, [2., 4.], n_epochs=2)
    loaded = write_run(results, 'B-v0', 'SAC_ORACLE', 0, [1., 3., 9.])
    progress = pd.read_csv(loaded / 'progress.csv')
    progress.assign(load_1m=[0.5, 1.25, 2.]).to_csv(loaded / 'progress.csv', index=False)
    return results


def _frames(folder):
    return {name: pd.read_csv(folder / f'{name}.csv') for name in TABLES}


def test_a_report_from_its_table_is_the_report_from_the_run_folders(varied, tmp_path, capsys):
    first, second = tmp_path / 'from_folders', tmp_path / 'from_table'
    assert report.main([str(varied), '--out', str(first), '--reps', '100']) == 0
    table_text = (first / 'returns.csv').read_text()
    assert str(tmp_path) not in table_text   # run ids, not paths
    table = pd.read_csv(first / 'returns.csv')
    assert list(table.columns) == list(SETTING_COLUMNS + EPOCH_COLUMNS)
    assert len(table) == sum(len(pd.read_csv(path)) for path in varied.rglob('progress.csv'))
    assert 'A-v0/SAC_RS@3x500/2' in set(table['run'].str.split('/', n=1).str[1])

    assert report.main(['--from_table', str(first / 'returns.csv'), '--out', str(second), '--reps', '100']) == 0
    assert 'returns.csv' in capsys.readouterr().out
    assert (second / 'returns.csv').read_text() == table_text
    for name, frame in _frames(first).items():
        pd.testing.assert_frame_equal(frame, _frames(second)[name], obj=name)
    runs = [pd.read_csv(folder / 'runs.csv').drop(columns='path') for folder in (first, second)]
    pd.testing.assert_frame_equal(*runs)
    figures = sorted(name for name in os.listdir(first) if name.endswith('.png'))
    assert figures and figures == sorted(name for name in os.listdir(second) if name.endswith('.png'))
    for name in figures:   # the bootstrap is seeded: the same pixels
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    text = (second / 'report.md').read_text()
    assert f'--from_table {first / "returns.csv"}' in text and '(returns.csv)' in text


def test_compact_writes_report_figures_and_table_only(varied, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.rename(varied, tmp_path / 'runs')
    assert report.main(['runs', '--out', 'study', '--compact', '--reps', '50']) == 0
    written = set(os.listdir('study'))
    assert {'report.md', 'returns.csv', 'summary_grid.png'} <= written
    assert all(name in ('report.md', 'returns.csv') or name.endswith('.png') for name in written), written
    text = (tmp_path / 'study' / 'report.md').read_text()
    assert str(tmp_path) not in text and '(runs.csv)' not in text and '(table_time.csv)' not in text
    assert '`grid/A-v0/SAC_VANILLA/2`: epoch 1 of 2' in text
    assert '| SAC_ORACLE |' in text   # the tables inline

    assert report.main(['--from_table', 'study/returns.csv', '--out', 'study', '--compact', '--reps', '50']) == 0
    assert set(os.listdir('study')) == written
    text = (tmp_path / 'study' / 'report.md').read_text()
    assert str(tmp_path) not in text and 'from `study/returns.csv`' in text


def test_the_table_reads_back_the_run_set(varied):
    from launchers.report.runs import load_runs
    from launchers.report.table import returns_table
    folders = load_runs([str(varied)])
    table = returns_table(folders)
    rebuilt = runs_from_table(table, 'returns.csv')
    pd.testing.assert_frame_equal(folders.runs.drop(columns='path'), rebuilt.runs.drop(columns='path'))
    columns = ['grid', 'task', 'label', 'family', 'seed', 'epoch', 'steps', 'R_mean', 'R_mean_deterministic']
    pd.testing.assert_frame_equal(folders.progress[columns], rebuilt.progress[columns])
    assert rebuilt.runs.loc[rebuilt.runs['task'] == 'B-v0', 'load_median'].tolist() == [1.25]


@pytest.mark.parametrize('case, words', [
    ('both', ['either result folders', '--from_table', 'not both']),
    ('neither', ['either result folders', '--from_table FILE']),
    ('missing', ['nowhere.csv', 'no such file']),
    ('no_column', ['returns.csv', 'no column R_mean_deterministic']),
    ('empty_cell', ['returns.csv', 'empty cells in column seed']),
])
def test_a_bad_table_or_source_is_one_line_before_anything_is_written(varied, tmp_path, capsys, case, words):
    first = tmp_path / 'first'
    assert report.main([str(varied), '--out', str(first), '--reps', '20', '--compact']) == 0
    capsys.readouterr()
    table = first / 'returns.csv'
    if case == 'no_column':
        pd.read_csv(table).drop(columns='R_mean_deterministic').to_csv(table, index=False)
    if case == 'empty_cell':
        pd.read_csv(table).assign(seed=None).to_csv(table, index=False)
    source = {'both': [str(varied), '--from_table', str(table)], 'neither': [],
              'missing': ['--from_table', str(tmp_path / 'nowhere.csv')]}.get(case, ['--from_table', str(table)])
    out = tmp_path / 'out'
    with pytest.raises(SystemExit) as stop:
        report.main(source + ['--out', str(out)])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.count('\n') == 1 and all(word in err for word in words), err
    assert not out.exists()


def test_compact_draws_the_curves_of_a_memory_task_once(tmp_path):
    results = tmp_path / 'memory'
    for label in ('SAC_RS', 'SAC_VANILLA'):
        write_run(results, 'PointMassDoor-v0', label, 0, [1., 2., 3.], grid='memory')
    write_run(results, 'A-v0', 'SAC_RS', 0, [1., 2., 3.], grid='memory')
    full, compact = tmp_path / 'full', tmp_path / 'compact'
    assert report.main([str(results), '--out', str(full), '--reps', '20']) == 0
    assert report.main([str(results), '--out', str(compact), '--reps', '20', '--compact']) == 0
    assert {'memory.png', 'curves_memory_PointMassDoor-v0.png', 'curves_memory_A-v0.png'} <= set(os.listdir(full))
    figures = {name for name in os.listdir(compact) if name.endswith('.png')}
    assert 'memory.png' in figures and 'curves_memory_A-v0.png' in figures
    assert 'curves_memory_PointMassDoor-v0.png' not in figures
