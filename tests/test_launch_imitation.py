"""The imitation grid: entries, per-entry budgets, expert files, a local --test of every entry on Atlas.carry."""
import shutil

import pytest

from imitation_helpers import ensure_mini_data
from launchers.grids import imitation as launch_imitation
from launchers.grids.runner import grid_experiments, parse_args
from mushroom_s2pg.utils import read_progress


@pytest.fixture(scope='module')
def expert_dir(tmp_path_factory):
    """An expert directory with a small perfect-format Atlas.carry file (actions included)."""
    ensure_mini_data()
    from test_lsiq import _atlas_perfect_file
    folder = tmp_path_factory.mktemp('expert')
    _atlas_perfect_file(folder / 'Atlas.carry.perfect.npz')
    return folder


def test_entries_and_budgets_follow_the_paper():
    spec = launch_imitation.SPEC
    assert spec.labels == ('GAIL_RS', 'GAIL_BPTT5', 'GAIL_VANILLA', 'LSIQ_RS', 'LSIQ_BPTT5', 'LSIQ_VANILLA')
    assert spec.n_seeds == 10 and spec.imitates
    assert spec.settings(False, spec.entry('GAIL_RS'))['n_steps_per_epoch'] == 100000
    assert spec.settings(False, spec.entry('LSIQ_RS'))['n_steps_per_epoch'] == 5000
    assert spec.settings(True, spec.entry('LSIQ_RS'))['n_steps_per_epoch'] == spec.test_settings['n_steps_per_epoch']


def test_expert_files_are_used_where_they_exist(expert_dir, tmp_path):
    args = parse_args(launch_imitation.SPEC, ['--local', '--expert_dir', str(expert_dir), '--algorithms', 'GAIL_RS',
                                              'LSIQ_RS'])
    experiments = {(e['env_id__'], e['variant__']): e for e in grid_experiments(launch_imitation.SPEC, args, True)}
    atlas = experiments[('Atlas.carry', 'LSIQ_RS')]
    assert atlas['expert_data'].endswith('Atlas.carry.perfect.npz') and atlas['n_steps_per_epoch'] == 5000
    assert 'expert_data' not in experiments[('HumanoidTorque4Ages.walk.all', 'GAIL_RS')]


def test_lsiq_without_expert_actions_stops_before_launching(tmp_path, capsys):
    with pytest.raises(SystemExit):
        launch_imitation.main(['--test', '--envs', 'Atlas.carry', '--algorithms', 'LSIQ_RS', '--expert_dir',
                               str(tmp_path / 'none'), '--base_dir', str(tmp_path / 'runs')])
    assert 'no actions' in capsys.readouterr().err and not (tmp_path / 'runs').exists()


def test_local_test_run_of_every_entry(expert_dir, tmp_path):
    status = launch_imitation.main(['--test', '--envs', 'Atlas.carry', '--expert_dir', str(expert_dir),
                                    '--base_dir', str(tmp_path), '--no_timestamp'])
    assert status == 0
    progress = sorted(tmp_path.rglob('progress.csv'))
    assert len(progress) == 6
    for path in progress:
        assert [row['epoch'] for row in read_progress(str(path))] == [0, 1]
    shutil.rmtree(tmp_path)
