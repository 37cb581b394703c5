"""``launchers.report`` on synthetic runs with known values: means, CIs, normalized returns, time factors, bad files."""
import json
import math

import pandas as pd
import pytest

from launchers import report
from launchers.report_runs import load_runs
from launchers.report_stats import counterpart, curves, label_order, normalized_returns, time_table

T_975_DF2 = 4.302652729911275   # Student t quantile 0.975 with 2 degrees of freedom
STAMP = '_2024-01-01_12-00-00'


def write_run(root, task, label, seed, returns, seconds_per_1M=100., n_epochs=None, steps_per_epoch=1000,
              grid='grid', deterministic=None, start_time=5.):
    """A run folder in the grids' layout; ``returns`` per epoch from epoch 0 (deterministic: the same + 1)."""
    folder = root / (grid + STAMP) / task / label / str(seed)
    folder.mkdir(parents=True)
    n_epochs = len(returns) - 1 if n_epochs is None else n_epochs
    arguments = dict(env_id=task, algorithm=label.split('@')[0], variant=label, seed=seed, n_epochs=n_epochs,
                     n_steps_per_epoch=steps_per_epoch, random_mass=False)
    (folder / 'args.json').write_text(json.dumps(dict(arguments=arguments, git_commit='0' * 40)))
    deterministic = [r + 1. for r in returns] if deterministic is None else deterministic
    steps = [epoch * steps_per_epoch for epoch in range(len(returns))]
    pd.DataFrame(dict(epoch=range(len(returns)), steps=steps,
                      time_s=[start_time + s * seconds_per_1M / 1e6 for s in steps], R_mean=returns, R_std=0.,
                      R_mean_deterministic=deterministic, loss_critic=[None] + [0.5] * (len(returns) - 1))
                 ).to_csv(folder / 'progress.csv', index=False)
    return folder


@pytest.fixture
def results(tmp_path):
    """SAC on task A: ORACLE (final 12), RS (10, 8), VANILLA (7, 7), all starting at 2; TD3 on task A: no oracle."""
    root = tmp_path / 'results'
    for seed, (rs, vanilla) in enumerate([(10., 7.), (8., 7.)]):
        write_run(root, 'A-v0', 'SAC_ORACLE', seed, [2., 6., 12.], seconds_per_1M=110.)
        write_run(root, 'A-v0', 'SAC_RS', seed, [2., 5., rs], seconds_per_1M=200.)
        write_run(root, 'A-v0', 'SAC_VANILLA', seed, [2., 4., vanilla], seconds_per_1M=100.)
        write_run(root, 'A-v0', 'TD3_RS', seed, [0., 1., 4.], seconds_per_1M=30.)
        write_run(root, 'A-v0', 'TD3_VANILLA', seed, [0., 1., 2.], seconds_per_1M=20.)
    return root


def test_curves_mean_and_t_interval_over_seeds(tmp_path):
    for seed, final in enumerate((1., 2., 3.)):
        write_run(tmp_path, 'A-v0', 'SAC_RS', seed, [0., final])
    table = curves(load_runs([str(tmp_path)]).progress)
    last = table[(table['steps'] == 1000) & (table['evaluation'] == 'stochastic')].iloc[0]
    half = T_975_DF2 * 1. / math.sqrt(3)   # sample std 1, 3 seeds
    assert last['R_mean'] == pytest.approx(2.) and last['R_n'] == 3
    assert (last['R_low'], last['R_high']) == (pytest.approx(2. - half), pytest.approx(2. + half))
    first = table[(table['steps'] == 0) & (table['evaluation'] == 'deterministic')].iloc[0]
    assert (first['R_mean'], first['R_low'], first['R_high']) == (1., 1., 1.)  # equal values: the CI is the mean


def test_normalized_returns_against_the_oracle_or_the_best_variant(results):
    runs, references, notes = normalized_returns(load_runs([str(results)]).runs)
    assert notes == []
    sac = runs[runs['family'] == 'SAC'].set_index(['label', 'seed'])['normalized']
    assert sac['SAC_RS', 0] == pytest.approx(0.8) and sac['SAC_RS', 1] == pytest.approx(0.6)
    assert sac['SAC_VANILLA', 0] == pytest.approx(0.5) and sac['SAC_ORACLE', 1] == pytest.approx(1.)
    td3 = runs[runs['family'] == 'TD3'].set_index(['label', 'seed'])['normalized']
    assert td3['TD3_RS', 0] == pytest.approx(1.) and td3['TD3_VANILLA', 0] == pytest.approx(0.5)
    reference = references.set_index(['family', 'evaluation'])['reference']
    assert reference['SAC', 'stochastic'] == 'SAC_ORACLE (oracle)'
    assert reference['TD3', 'stochastic'] == 'TD3_RS (best variant)'


def test_time_per_million_steps_and_factor_vs_vanilla(results):
    table = time_table(load_runs([str(results)]).runs).set_index(['task', 'label'])
    assert table.loc[('A-v0', 'SAC_RS'), 'time_mean'] == pytest.approx(200.)
    assert table.loc[('A-v0', 'SAC_RS'), 'factor'] == pytest.approx(2.)
    assert table.loc[('A-v0', 'SAC_ORACLE'), 'factor'] == pytest.approx(1.1)
    assert table.loc[('A-v0', 'TD3_RS'), 'factor'] == pytest.approx(1.5)
    assert table.loc[('all tasks', 'TD3_RS'), 'vanilla'] == 'TD3_VANILLA'
    assert table.loc[('all tasks', 'SAC_RS'), 'factor'] == pytest.approx(2.)


def test_report_writes_every_file_and_the_known_numbers(results, tmp_path, capsys):
    out = tmp_path / 'report'
    assert report.main([str(results), '--out', str(out)]) == 0
    assert 'report.md' in capsys.readouterr().out
    normalized = pd.read_csv(out / 'table_normalized.csv').set_index('label')
    # SAC_RS: 0.8 and 0.6 -> mean 0.7, CI 0.7 +- t(0.975, 1) * 0.1
    assert normalized.loc['SAC_RS', 'normalized_mean'] == pytest.approx(0.7)
    assert normalized.loc['SAC_RS', 'normalized_high'] == pytest.approx(0.7 + 12.706204736174694 * 0.1)
    assert normalized.loc['SAC_RS', 'time_per_1M_mean'] == pytest.approx(200.)
    for name in ('summary_grid.png', 'curves_grid_A-v0.png', 'table_time.md', 'table_time.csv', 'runs.csv'):
        assert (out / name).exists()
    text = (out / 'report.md').read_text()
    assert '(summary_grid.png)' in text and '(R - R_start) / (R_ref - R_start)' in text
    assert 'dims.png (Figure 13): no POMDP locomotion task' in text
    assert '| SAC_RS | 0-1 | 2 | 2 x 1000 |' in text


def test_bad_files_are_named_and_skipped(results, tmp_path, capsys):
    bad = {'no_progress': write_run(results, 'A-v0', 'SAC_BPTT5', 0, [1., 2., 3.]),
           'empty': write_run(results, 'A-v0', 'SAC_BPTT5', 1, [1., 2., 3.]),
           'no_column': write_run(results, 'A-v0', 'SAC_BPTT5', 2, [1., 2., 3.]),
           'bad_json': write_run(results, 'A-v0', 'SAC_BPTT5', 3, [1., 2., 3.]),
           'no_args': write_run(results, 'A-v0', 'SAC_BPTT5', 4, [1., 2., 3.]),
           'text': write_run(results, 'A-v0', 'SAC_BPTT5', 5, [1., 2., 3.])}
    (bad['no_progress'] / 'progress.csv').unlink()
    (bad['empty'] / 'progress.csv').write_text('')
    pd.read_csv(bad['no_column'] / 'progress.csv').drop(columns='R_mean').to_csv(bad['no_column'] / 'progress.csv')
    (bad['bad_json'] / 'args.json').write_text('{"arguments": ')
    (bad['no_args'] / 'args.json').unlink()
    (bad['text'] / 'progress.csv').write_text('epoch,steps,time_s,R_mean,R_mean_deterministic\nx,y,z,1,2\n')
    out = tmp_path / 'report'
    assert report.main([str(results), '--out', str(out)]) == 0
    err = capsys.readouterr().err
    text = (out / 'report.md').read_text()
    for folder in bad.values():
        assert str(folder) in err and str(folder) in text
    assert 'no column R_mean' in err and 'not a readable' in err and 'missing' in err
    assert 'SAC_BPTT5' not in pd.read_csv(out / 'runs.csv')['label'].tolist()


def test_different_budgets_are_split_with_a_note(results, tmp_path, capsys):
    write_run(results, 'A-v0', 'SAC_RS', 2, [2., 3., 4., 5.], steps_per_epoch=500)
    out = tmp_path / 'report'
    assert report.main([str(results), '--out', str(out)]) == 0
    assert 'runs of different budgets (2x1000, 3x500)' in capsys.readouterr().out
    labels = set(pd.read_csv(out / 'runs.csv')['label'])
    assert {'SAC_RS@2x1000', 'SAC_RS@3x500', 'SAC_VANILLA'} <= labels and 'SAC_RS' not in labels
    assert 'SAC_RS@3x500' in (out / 'report.md').read_text()


def test_unfinished_runs_are_used_to_their_last_epoch_and_flagged(results, tmp_path):
    folder = write_run(results, 'A-v0', 'SAC_RS', 2, [2., 4.], n_epochs=2)
    out = tmp_path / 'report'
    assert report.main([str(results), '--out', str(out)]) == 0
    runs = pd.read_csv(out / 'runs.csv').set_index('path')
    assert not runs.loc[str(folder), 'finished'] and runs.loc[str(folder), 'last_epoch'] == 1
    table = pd.read_csv(out / 'curves.csv')
    rs = table[(table['label'] == 'SAC_RS') & (table['evaluation'] == 'stochastic')].set_index('steps')['R_n']
    assert rs.to_dict() == {0: 3, 1000: 3, 2000: 2}
    assert f'`{folder}`: epoch 1 of 2' in (out / 'report.md').read_text()


def test_missing_folder_stops_before_writing(tmp_path, capsys):
    out = tmp_path / 'report'
    with pytest.raises(SystemExit) as stop:
        report.main([str(tmp_path / 'nowhere'), '--out', str(out)])
    assert stop.value.code == 2 and 'nowhere: no such folder' in capsys.readouterr().err
    assert not out.exists()
    (tmp_path / 'empty').mkdir()
    assert report.main([str(tmp_path / 'empty'), '--out', str(out)]) == 1
    assert 'no usable run' in capsys.readouterr().err and not out.exists()


def test_label_order_and_counterparts():
    assert label_order(['SAC_VANILLA', 'SAC_BPTT32', 'SAC_ORACLE', 'SAC_RS', 'SAC_BPTT5', 'SAC_WINDOW5']) == [
        'SAC_RS', 'SAC_BPTT5', 'SAC_BPTT32', 'SAC_WINDOW5', 'SAC_VANILLA', 'SAC_ORACLE']
    assert counterpart('SAC_RS@3x500', 'VANILLA', ['SAC_VANILLA', 'SAC_VANILLA@3x500']) == 'SAC_VANILLA@3x500'
    assert counterpart('SAC_RS@3x500', 'VANILLA', ['SAC_VANILLA']) == 'SAC_VANILLA'
    assert counterpart('PPO_RS', 'VANILLA', ['SAC_VANILLA']) is None


def test_every_figure_carries_its_budget_and_seeds():
    import pandas as pd
    from launchers.report import _budget
    runs = pd.DataFrame(dict(n_epochs=[5, 5, 5], n_steps_per_epoch=[5000] * 3, seed=[0, 1, 2]))
    assert _budget(runs) == 'budget 5 x 5000 steps, seeds 0-2 (3)'
    mixed = pd.DataFrame(dict(n_epochs=[5, 2], n_steps_per_epoch=[5000, 20000], seed=[0, 3]))
    assert _budget(mixed) == 'budget 2 x 20000 / 5 x 5000 steps, seeds 0, 3 (2)'
