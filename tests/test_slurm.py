"""The grids on a real single-node SLURM (``launchers/grids/local_slurm.sh``): jobs that run to the end, a crash
that is reported as one, a refused submission, and a run requeued in the middle of an epoch that ends as if never
stopped.

Marker ``slurm`` (``make test-slurm``); the fixture starts the local cluster (installing it as root when missing) and
stops it again if it was not running before. About 3 minutes on 2 cores.

"""
import os
import subprocess
import time

import pytest

from launchers.report import cli as report
from launchers.grids import memory as launch_memory
from launchers.grids.status import GridManifest
from launchers.run.training import CLOCK_COLUMNS
from mushroom_s2pg.utils import read_progress

pytestmark = pytest.mark.slurm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCAL_SLURM = os.path.join(ROOT, 'launchers', 'grids', 'local_slurm.sh')


def _slurm_running() -> bool:
    status = subprocess.run([LOCAL_SLURM, 'status'], capture_output=True, text=True).stdout
    return 'slurmctld: running' in status and 'slurmd: running' in status


@pytest.fixture(scope='module')
def slurm():
    was_running = _slurm_running()
    subprocess.run([LOCAL_SLURM, 'start'], check=True, timeout=600)
    conf = subprocess.run([LOCAL_SLURM, 'conf'], capture_output=True, text=True, check=True).stdout.strip()
    patch = pytest.MonkeyPatch()
    patch.setenv('SLURM_CONF', conf)
    yield conf
    patch.undo()
    if not was_running:
        subprocess.run([LOCAL_SLURM, 'stop'], check=True)


def _wait(condition, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f'timed out after {timeout} s waiting for {what}')


def _queue_empty(jobs):
    ids = ','.join(sorted({job.split('_')[0] for job in jobs}))
    result = subprocess.run(['squeue', '-h', '-j', ids], capture_output=True, text=True)
    return result.returncode == 0 and not result.stdout.strip()


def _launch(argv, capsys):
    status = launch_memory.main(argv)
    output = capsys.readouterr()
    return status, output.out + output.err


def _experiment_folder(output):
    return next(line.split('results in ')[-1].strip() for line in output.splitlines() if 'results in ' in line)


def _scontrol(job):
    return subprocess.run(['scontrol', 'show', 'job', job], capture_output=True, text=True).stdout


def test_a_test_grid_runs_every_job_array_to_the_end_and_reports(slurm, tmp_path, capsys):
    status, output = _launch(['--slurm', '--test', '--base_dir', str(tmp_path), '--envs', 'PointMassMemory-v0',
                              '--algorithms', 'SAC_RS', 'SAC_VANILLA', '--n_seeds', '2'], capsys)
    assert status == 0, output
    assert 'queue:  squeue -j' in output and '--status' in output
    folder = _experiment_folder(output)
    manifest = GridManifest.read(folder)
    assert len(manifest.runs) == 4 and all(run.job for run in manifest.runs)
    _wait(lambda: _queue_empty([run.job for run in manifest.runs]), 300, 'the jobs to end')
    for run in manifest.runs:
        assert 'JobState=COMPLETED' in _scontrol(run.job) and 'ExitCode=0:0' in _scontrol(run.job)
    assert launch_memory.main(['--status', folder]) == 0
    assert capsys.readouterr().out.count('done') >= 4
    out = tmp_path / 'report'
    assert report.main([folder, '--out', str(out)]) == 0
    assert (out / 'report.md').exists() and list(out.glob('curves_*.png'))


def test_a_crashing_run_fails_its_job_and_the_status_names_it(slurm, tmp_path, capsys):
    # a file where the run folder must go: the run stops with an error when it creates the folder
    blocked = tmp_path / 'memory_test' / 'PointMassMemory-v0' / 'SAC_VANILLA'
    blocked.mkdir(parents=True)
    (blocked / '0').write_text('not a folder')
    status, output = _launch(['--slurm', '--test', '--base_dir', str(tmp_path), '--no_timestamp', '--resume',
                              '--envs', 'PointMassMemory-v0', '--algorithms', 'SAC_VANILLA'], capsys)
    assert status == 0, output
    folder = _experiment_folder(output)
    job = GridManifest.read(folder).runs[0].job
    _wait(lambda: _queue_empty([job]), 120, 'the job to end')
    state = _scontrol(job)
    assert 'JobState=FAILED' in state and 'ExitCode=0:0' not in state
    assert launch_memory.main(['--status', folder]) == 1
    status_output = capsys.readouterr().out
    assert 'FAILED' in status_output and f'job {job}' in status_output
    assert 'cannot create the run folder' in status_output, 'the status names the error of the log'


def test_a_refused_submission_is_an_error(slurm, tmp_path, capsys):
    status, output = _launch(['--slurm', '--test', '--base_dir', str(tmp_path), '--partition', 'nope',
                              '--envs', 'PointMassMemory-v0', '--algorithms', 'SAC_RS'], capsys)
    assert status == 1
    assert 'sbatch' in output and 'failed' in output and 'partition' in output.lower()


def _budget(base_dir):
    return ['--base_dir', str(base_dir), '--no_timestamp', '--envs', 'PointMassMemory-v0', '--algorithms', 'SAC_RS',
            '--n_seeds', '1', '--n_epochs', '4', '--n_steps_per_epoch', '400', '--n_eval_episodes', '2',
            '--hyperparameters', '{"initial_replay_size": 64, "warmup_transitions": 64, "batch_size": 32}']


def test_a_run_requeued_mid_epoch_resumes_and_ends_as_an_uninterrupted_one(slurm, tmp_path, capsys):
    status, output = _launch(['--local'] + _budget(tmp_path / 'local'), capsys)
    assert status == 0, output
    expected = read_progress(str(tmp_path / 'local' / 'memory' / 'PointMassMemory-v0' / 'SAC_RS' / '0'
                                 / 'progress.csv'))

    status, output = _launch(['--slurm'] + _budget(tmp_path / 'slurm'), capsys)
    assert status == 0, output
    run = GridManifest.read(_experiment_folder(output)).runs[0]
    progress = os.path.join(run.run_dir, 'progress.csv')
    _wait(lambda: os.path.exists(progress) and len(read_progress(progress)) >= 3, 240, 'epoch 2')
    time.sleep(1.)   # in epoch 3
    subprocess.run(['scontrol', 'requeue', run.job], check=True)
    _wait(lambda: 'Restarts=1' in _scontrol(run.job), 60, 'the requeue')
    _wait(lambda: _queue_empty([run.job]), 300, 'the requeued job to end')
    assert 'JobState=COMPLETED' in _scontrol(run.job)
    log = open(os.path.join(run.run_dir, '..', '..', '..', 'slurm_logs', f'{run.job}.out')).read()
    assert 'stopped by SIGTERM' in log and 'resuming after epoch 2' in log

    rows = read_progress(progress)
    assert [row['epoch'] for row in rows] == [0, 1, 2, 3, 4], 'nothing lost, nothing twice'
    drop_clock = [{key: value for key, value in row.items() if key not in CLOCK_COLUMNS} for row in rows]
    assert drop_clock == [{key: value for key, value in row.items() if key not in CLOCK_COLUMNS} for row in expected]


def test_a_run_near_its_time_limit_requeues_itself_and_finishes(slurm, tmp_path, capsys):
    # a 1-minute limit, SIGUSR1 20 s after the start: the run needs more than one job's time and resumes each time
    argv = ['--slurm', '--time', '00:01:00', '--requeue_grace', '40'] + _budget(tmp_path)
    argv[argv.index('--n_epochs') + 1] = '6'
    status, output = _launch(argv, capsys)
    assert status == 0, output
    run = GridManifest.read(_experiment_folder(output)).runs[0]
    _wait(lambda: _queue_empty([run.job]), 540, 'the job to end after its requeues')
    state = _scontrol(run.job)
    assert 'JobState=COMPLETED' in state and 'Restarts=0' not in state, state
    log = open(os.path.join(run.run_dir, '..', '..', '..', 'slurm_logs', f'{run.job}.out')).read()
    assert 'time limit near: requeueing' in log
    assert [row['epoch'] for row in read_progress(os.path.join(run.run_dir, 'progress.csv'))] == list(range(7))
