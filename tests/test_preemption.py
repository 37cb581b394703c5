"""One process per run folder (the run lock) and runs that stop on SIGTERM and resume exactly, with real processes."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from launchers.run.experiment import RunLockedError, experiment
from launchers.run.training import CLOCK_COLUMNS
from launchers.run.preemption import PREEMPTED_EXIT_CODE, Preempted, deferred, preemptible
from launchers.run.lock import LOCK_FILE, RunLock
from mushroom_s2pg.utils import read_progress

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HYPERPARAMETERS = json.dumps(dict(initial_replay_size=64, warmup_transitions=64, batch_size=32, max_replay_size=4000))
# SAC_RS on the short-memory pendulum, 4 epochs of 400 steps (2 episodes of 200): about 10 s per run
ARGUMENTS = ['--env_id', 'PendulumPOMDP-v1', '--algorithm', 'SAC_RS', '--n_epochs', '4', '--n_steps_per_epoch', '400',
             '--n_eval_episodes', '1', '--seed', '3', '--quiet', 'true', '--hyperparameters', HYPERPARAMETERS]


def _env():
    return dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''), PYTHONUNBUFFERED='1')


def _experiment(results_dir, *extra):
    return subprocess.Popen([sys.executable, '-m', 'launchers.run.experiment', *ARGUMENTS, '--results_dir',
                             str(results_dir), *extra], cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _hold_lock(run_dir):
    """A process that takes the run folder's lock and sleeps."""
    code = (f'import time; from launchers.run.lock import RunLock; lock = RunLock({str(run_dir)!r}).acquire(); '
            'print("held", flush=True); time.sleep(60)')
    holder = subprocess.Popen([sys.executable, '-c', code], cwd=ROOT, env=_env(), stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == 'held'
    return holder


def _without_time(rows):
    return [{key: value for key, value in row.items() if key not in CLOCK_COLUMNS} for row in rows]


def test_a_second_process_is_refused_and_a_killed_holder_leaves_no_stale_lock(tmp_path):
    run_dir = tmp_path / '0'
    run_dir.mkdir()
    holder = _hold_lock(run_dir)
    try:
        with pytest.raises(RunLockedError) as error:
            RunLock(str(run_dir)).acquire()
        assert str(run_dir) in str(error.value) and f'{holder.pid}@' in str(error.value)
    finally:
        holder.kill()   # SIGKILL: no clean-up in the holder
        holder.wait()
    assert (run_dir / LOCK_FILE).exists(), 'the file stays behind'
    with RunLock(str(run_dir)) as lock:
        assert lock.held


def test_experiment_on_a_held_folder_stops_before_writing(tmp_path):
    run_dir = tmp_path / '0'
    run_dir.mkdir()
    holder = _hold_lock(run_dir)
    try:
        with pytest.raises(RunLockedError, match='in use by another process'):
            experiment(env_id='PendulumPOMDP-v1', algorithm='SAC_VANILLA', n_epochs=1, n_steps_per_epoch=50,
                       n_eval_episodes=1, seed=0, results_dir=str(tmp_path), quiet=True)
        assert sorted(os.listdir(run_dir)) == [LOCK_FILE]
        command = _experiment(tmp_path, '--seed', '0')
        output, _ = command.communicate(timeout=120)
        assert command.returncode == 2 and 'is in use by another process' in output
    finally:
        holder.kill()
        holder.wait()


def test_deferred_sections_hold_a_signal_until_they_end():
    with preemptible():
        with pytest.raises(Preempted, match='SIGUSR1'):
            with deferred():
                os.kill(os.getpid(), signal.SIGUSR1)
                time.sleep(0.05)
                finished = True
        assert finished
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_sigterm_mid_epoch_stops_the_run_and_the_same_command_resumes_it_exactly(tmp_path):
    uninterrupted = _experiment(tmp_path / 'uninterrupted')
    output, _ = uninterrupted.communicate(timeout=300)
    assert uninterrupted.returncode == 0, output

    interrupted = _experiment(tmp_path / 'interrupted')
    progress = tmp_path / 'interrupted' / '3' / 'progress.csv'
    deadline = time.time() + 240
    while not (progress.exists() and len(read_progress(str(progress))) >= 3) and time.time() < deadline:
        time.sleep(0.05)   # wait for epoch 2's row: the run is then in epoch 3
    time.sleep(0.5)
    started = time.time()
    interrupted.send_signal(signal.SIGTERM)
    output, _ = interrupted.communicate(timeout=60)
    assert interrupted.returncode == PREEMPTED_EXIT_CODE, output
    assert time.time() - started < 5, 'a run stops within the grace period'
    assert 'stopped by SIGTERM' in output and 'resumes after epoch 2' in output

    resumed = _experiment(tmp_path / 'interrupted')
    output, _ = resumed.communicate(timeout=300)
    assert resumed.returncode == 0 and 'resuming after epoch 2' in output, output
    expected = read_progress(str(tmp_path / 'uninterrupted' / '3' / 'progress.csv'))
    assert [row['epoch'] for row in expected] == [0, 1, 2, 3, 4]
    assert _without_time(read_progress(str(progress))) == _without_time(expected)
