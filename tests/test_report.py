"""``launchers.report`` on synthetic runs with known values: curves, normalization (oracle, declared, left out),
rliable aggregates, run clocks, bad files."""
import json
import math

import pandas as pd
import pytest

from launchers.report import cli as report
from launchers.report.runs import load_runs
from launchers.report.aggregate import improvement_table, performance_profiles, variant_summary
from launchers.report.stats import (counterpart, curves, label_order, normalized_returns, time_notes,
                                    time_table)

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


def test_curves_mean_and_a_bootstrap_interval_inside_the_seeds_returns(tmp_path):
    for seed, final in enumerate((1., 2., 9.)):
        write_run(tmp_path, 'A-v0', 'SAC_RS', seed, [0., final])
    write_run(tmp_path, 'B-v0', 'SAC_RS', 0, [0., 5.])
    table = curves(load_runs([str(tmp_path)]).progress)
    last = table[(table['task'] == 'A-v0') & (table['steps'] == 1000) & (table['evaluation'] == 'stochastic')].iloc[0]
    assert last['R_mean'] == pytest.approx(4.) and last['R_n'] == 3
    assert 1. <= last['R_low'] < 4. < last['R_high'] <= 9.   # a t-interval would reach 4 -+ 10.4
    first = table[(table['task'] == 'A-v0') & (table['steps'] == 0) & (table['evaluation'] == 'deterministic')]
    assert tuple(first[['R_mean', 'R_low', 'R_high']].iloc[0]) == (1., 1., 1.)  # equal values: the value itself
    single = table[(table['task'] == 'B-v0') & (table['steps'] == 1000)].iloc[0]
    assert single['R_n'] == 1 and math.isnan(single['R_low']) and math.isnan(single['R_high'])
    again = curves(load_runs([str(tmp_path)]).progress)
    pd.testing.assert_frame_equal(table, again)   # seeded: the same runs give the same intervals


def test_normalized_returns_against_the_oracle_never_the_best_variant(results):
    runs, references, notes = normalized_returns(load_runs([str(results)]).runs)
    sac = runs[runs['family'] == 'SAC'].set_index(['label', 'seed'])['normalized']
    assert sac['SAC_RS', 0] == pytest.approx(0.8) and sac['SAC_RS', 1] == pytest.approx(0.6)
    assert sac['SAC_VANILLA', 0] == pytest.approx(0.5) and sac['SAC_ORACLE', 1] == pytest.approx(1.)
    td3 = runs[runs['family'] == 'TD3']
    assert td3['normalized'].isna().all() and td3['normalized_deterministic'].isna().all()
    reference = references.set_index(['family', 'evaluation'])
    assert reference.loc[('SAC', 'stochastic'), 'reference'] == 'SAC_ORACLE'
    assert reference.loc[('SAC', 'stochastic'), 'kind'] == 'oracle'
    assert reference.loc[('TD3', 'stochastic'), 'kind'] == 'none'
    assert not reference.loc[('TD3', 'stochastic'), 'included']
    assert notes == [f'grid grid, TD3 on A-v0 ({evaluation}): left out of the normalized aggregate: no oracle ran '
                     'and no reference is declared for the task' for evaluation in ('stochastic', 'deterministic')]


def test_a_task_without_an_oracle_uses_its_declared_reference(tmp_path):
    # a run that recorded no horizon ran at the task's horizon of its time (PointMassMemory-v0: 100, reference 34.04)
    write_run(tmp_path, 'PointMassMemory-v0', 'SAC_RS', 0, [4.04, 20., 19.04], deterministic=[4.04, 20., 19.04])
    runs, references, notes = normalized_returns(load_runs([str(tmp_path)]).runs)
    assert notes == [] and runs['normalized'].iloc[0] == pytest.approx(0.5)   # (19.04 - 4.04) / (34.04 - 4.04)
    assert set(references['kind']) == {'declared'} and 'scripted oracle' in references['reference'].iloc[0]
    # the horizon the run used (args.json's horizon_used, the task's 1000 now): the reference at that horizon
    recorded = tmp_path / 'recorded'
    folder = write_run(recorded, 'PointMassMemory-v0', 'SAC_RS', 0, [8.01, 500., 433.01],
                       deterministic=[8.01, 500., 433.01])
    content = json.loads((folder / 'args.json').read_text())
    (folder / 'args.json').write_text(json.dumps(dict(content, horizon_used=1000)))
    runs, _, notes = normalized_returns(load_runs([str(recorded)]).runs)
    assert notes == [] and runs['horizon'].iloc[0] == 1000
    assert runs['normalized'].iloc[0] == pytest.approx(0.5)   # (433.01 - 8.01) / (858.01 - 8.01)
    write_run(tmp_path, 'PointMassMemory-v0', 'SAC_VANILLA', 0, [4., 5., 6.])
    other_horizon = tmp_path / 'grid_2024-01-01_12-00-00' / 'PointMassMemory-v0' / 'SAC_VANILLA' / '0' / 'args.json'
    content = json.loads(other_horizon.read_text())
    content['arguments']['horizon'] = 500  # no reference is declared at this horizon
    other_horizon.write_text(json.dumps(content))
    runs, _, notes = normalized_returns(load_runs([str(tmp_path)]).runs)
    assert runs['normalized'].isna().all() and 'no oracle ran and no reference is declared' in notes[0]


@pytest.mark.parametrize('oracle_final, why', [
    (10.3, 'the reference (10.3) is not above the start (12.3)'),        # the oracle ended below its start: a flip
    (12.4, 'the reference (12.4) is less than 10% of max(|R_start|, |R_ref|) above the start (12.3)'),  # near 0
])
def test_a_reference_not_clearly_above_the_start_leaves_the_task_out(tmp_path, oracle_final, why):
    write_run(tmp_path, 'A-v0', 'SAC_ORACLE', 0, [12.3, 11., oracle_final], deterministic=[12.3, 11., oracle_final])
    write_run(tmp_path, 'A-v0', 'SAC_RS', 0, [12.3, 10., 8.96], deterministic=[12.3, 10., 8.96])
    write_run(tmp_path, 'B-v0', 'SAC_ORACLE', 0, [0., 5., 10.])
    write_run(tmp_path, 'B-v0', 'SAC_RS', 0, [0., 5., 6.])
    runs, references, notes = normalized_returns(load_runs([str(tmp_path)]).runs)
    by_task = runs.set_index(['task', 'label'])['normalized']
    assert by_task[['A-v0']].isna().all(), 'no score that flips sign or blows up'
    assert by_task['B-v0', 'SAC_RS'] == pytest.approx(0.6)
    assert notes == [f'grid grid, SAC on A-v0 (stochastic): left out of the normalized aggregate: {why}',
                     f'grid grid, SAC on A-v0 (deterministic): left out of the normalized aggregate: {why}']
    summary = variant_summary(runs, reps=200).set_index('label')
    assert summary.loc['SAC_RS', 'normalized_tasks'] == 1 and summary.loc['SAC_RS', 'normalized_iqm'] == 0.6


def test_run_clocks_as_median_and_range_and_the_factor_vs_vanilla(results):
    write_run(results, 'A-v0', 'SAC_RS', 2, [2., 5., 9.], seconds_per_1M=800.)
    table = time_table(load_runs([str(results)]).runs).set_index(['task', 'label'])
    rs = table.loc[('A-v0', 'SAC_RS')]
    assert [rs['time_median'], rs['time_min'], rs['time_max']] == pytest.approx([200., 200., 800.])
    assert rs['time_n'] == 3
    assert rs['factor'] == pytest.approx(2.) and math.isnan(rs['benchmark_factor'])
    assert table.loc[('A-v0', 'SAC_ORACLE'), 'factor'] == pytest.approx(1.1)
    assert table.loc[('A-v0', 'TD3_RS'), 'factor'] == pytest.approx(1.5)
    assert table.loc[('all tasks', 'TD3_RS'), 'vanilla'] == 'TD3_VANILLA'
    assert table.loc[('all tasks', 'SAC_RS'), 'factor'] == pytest.approx(2.)


def test_runs_that_shared_cores_and_factors_the_benchmark_contradicts_are_noted(results):
    for progress in results.glob('*/A-v0/SAC_*/*/progress.csv'):
        pd.read_csv(progress).assign(load_1m=3.9).to_csv(progress, index=False)
    for args in results.glob('*/A-v0/SAC_*/*/args.json'):
        args.write_text(json.dumps(dict(json.loads(args.read_text()), cpu_count=2, torch_threads=1)))
    runs = load_runs([str(results)]).runs
    benchmark = dict(off_policy=dict(envs={'A-v0': dict(ratios={'SAC_RS/SAC_VANILLA': dict(ratio_of_medians=1.2)})}))
    table = time_table(runs, benchmark)
    assert table.set_index(['task', 'label']).loc[('A-v0', 'SAC_RS'), 'benchmark_factor'] == 1.2
    notes = time_notes(runs, table)
    assert notes[0] == ('run clocks: 4 of 10 runs recorded no load average; whether they shared their cores is not '
                        'known')
    assert notes[1].startswith('run clocks: 6 of 10 runs ran on a machine with more work than cores (median load 3.9 '
                               'on 2 cores)')
    assert notes[2] == ('run clocks vs benchmark: SAC_RS on A-v0 (grid grid) is 2.00x SAC_VANILLA by run clocks, '
                        '1.20x by the benchmark')


def test_aggregates_from_rliable_stay_inside_the_scores(results):
    write_run(results, 'A-v0', 'SAC_BPTT5', 0, [2., 4., 9.])
    write_run(results, 'A-v0', 'SAC_BPTT5', 1, [2., 4., 5.])
    runs, _, _ = normalized_returns(load_runs([str(results)]).runs)
    summary = variant_summary(runs, reps=300).set_index('label')
    rs = summary.loc['SAC_RS']
    assert (rs['normalized_iqm'], rs['normalized_tasks'], rs['normalized_seeds']) == (pytest.approx(0.7), 1, 2)
    assert 0.6 <= rs['normalized_low'] <= 0.7 <= rs['normalized_high'] <= 0.8
    assert [rs['time_median'], rs['time_min'], rs['time_max']] == pytest.approx([200.] * 3)
    improvements = improvement_table(runs, reps=100).set_index(['evaluation', 'label', 'twin'])
    assert set(improvements.loc['stochastic'].index) == {('SAC_RS', 'SAC_BPTT5'), ('SAC_RS', 'SAC_VANILLA'),
                                                          ('TD3_RS', 'TD3_VANILLA')}
    # RS (10, 8) vs BPTT5 (9, 5): 3 of the 4 pairs are won
    assert improvements.loc[('stochastic', 'SAC_RS', 'SAC_BPTT5'), 'p'] == pytest.approx(0.75)
    assert improvements.loc[('stochastic', 'SAC_RS', 'SAC_VANILLA'), 'p'] == 1.
    assert ((improvements['low'] >= 0.) & (improvements['high'] <= 1.)).all()
    profile = performance_profiles(runs, 'normalized', reps=100)
    assert ((profile['low'] >= 0.) & (profile['high'] <= 1.) & (profile['low'] <= profile['fraction'])
            & (profile['fraction'] <= profile['high'])).all()
    rs_profile = profile[profile['label'] == 'SAC_RS'].set_index('tau')['fraction']
    assert rs_profile.iloc[0] == 1. and rs_profile.iloc[-1] == 0.


def test_report_writes_every_file_and_the_known_numbers(results, tmp_path, capsys):
    out = tmp_path / 'report'
    assert report.main([str(results), '--out', str(out), '--reps', '200']) == 0
    assert 'report.md' in capsys.readouterr().out
    normalized = pd.read_csv(out / 'table_normalized.csv').set_index('label')
    assert normalized.loc['SAC_RS', 'normalized_iqm'] == pytest.approx(0.7)
    assert 0.6 <= normalized.loc['SAC_RS', 'normalized_low'] and normalized.loc['SAC_RS', 'normalized_high'] <= 0.8
    assert normalized.loc['SAC_ORACLE', ['normalized_iqm', 'normalized_low', 'normalized_high']].tolist() == [1.] * 3
    assert normalized.loc['SAC_RS', 'time_median'] == pytest.approx(200.)
    for name in ('summary_grid.png', 'profile_grid.png', 'curves_grid_A-v0.png', 'table_time.md', 'table_time.csv',
                 'table_improvement.md', 'runs.csv'):
        assert (out / name).exists()
    text = (out / 'report.md').read_text()
    assert '(summary_grid.png)' in text and '(R - R_start) / (R_ref - R_start)' in text
    assert 'dims.png (Figure 13): no POMDP locomotion task' in text
    assert '| SAC_RS | 0-1 | 2 | 2 x 1000 |' in text
    assert 'TD3 on A-v0 (stochastic): left out of the normalized aggregate' in text
    assert f'{results} --out {out} --reps 200`' in text and 'Written by `' in text


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
    assert report.main([str(results), '--out', str(out), '--reps', '50']) == 0
    err = capsys.readouterr().err
    text = (out / 'report.md').read_text()
    for folder in bad.values():
        assert str(folder) in err and str(folder) in text
    assert 'no column R_mean' in err and 'not a readable' in err and 'missing' in err
    assert 'SAC_BPTT5' not in pd.read_csv(out / 'runs.csv')['label'].tolist()


def test_different_budgets_are_split_with_a_note(results, tmp_path, capsys):
    write_run(results, 'A-v0', 'SAC_RS', 2, [2., 3., 4., 5.], steps_per_epoch=500)
    out = tmp_path / 'report'
    assert report.main([str(results), '--out', str(out), '--reps', '50']) == 0
    assert 'runs of different budgets (2x1000, 3x500)' in capsys.readouterr().out
    labels = set(pd.read_csv(out / 'runs.csv')['label'])
    assert {'SAC_RS@2x1000', 'SAC_RS@3x500', 'SAC_VANILLA'} <= labels and 'SAC_RS' not in labels
    assert 'SAC_RS@3x500' in (out / 'report.md').read_text()


def test_unfinished_runs_are_used_to_their_last_epoch_and_flagged(results, tmp_path):
    folder = write_run(results, 'A-v0', 'SAC_RS', 2, [2., 4.], n_epochs=2)
    out = tmp_path / 'report'
    assert report.main([str(results), '--out', str(out), '--reps', '50']) == 0
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
    from launchers.report.cli import _budget
    runs = pd.DataFrame(dict(n_epochs=[5, 5, 5], n_steps_per_epoch=[5000] * 3, seed=[0, 1, 2]))
    assert _budget(runs) == 'budget 5 x 5000 steps, seeds 0-2 (3)'
    mixed = pd.DataFrame(dict(n_epochs=[5, 2], n_steps_per_epoch=[5000, 20000], seed=[0, 3]))
    assert _budget(mixed) == 'budget 2 x 20000 / 5 x 5000 steps, seeds 0, 3 (2)'
