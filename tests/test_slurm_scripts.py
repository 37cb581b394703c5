"""The batch files the grids submit and the status of a grid's runs, without a SLURM cluster: the rewritten job
script runs under bash with stand-in runs, the status reads hand-made run folders."""
import json
import os
import signal
import subprocess
import time

import pytest

from launchers.grids import memory as launch_memory
from launchers.grids.status import GridManifest, GridRun, assign_jobs
from launchers.grids.slurm import JobRuns, honest_job_script, job_runs

# The shape of experiment-launcher 3.3's batch file (its header, command lines and final wait).
GENERATED = '''#!/usr/bin/env bash
#SBATCH -J memory
#SBATCH -a 0-1
#SBATCH -t 1-00:00:00
#SBATCH --ntasks 1
echo "Starting Job $SLURM_JOB_ID, Index $SLURM_ARRAY_TASK_ID"
{runs}
wait # This will wait until both scripts finish
echo "########################################################################"
echo "...done."
'''


def _script(tmp_path, *runs):
    path = tmp_path / 'job.sh'
    path.write_text(honest_job_script(GENERATED.format(runs='\n'.join(f'{run} &' for run in runs))))
    return path


def test_the_rewritten_script_asks_for_requeue_and_signals_and_is_idempotent():
    text = honest_job_script(GENERATED.format(runs='true &'))
    assert '#SBATCH --requeue' in text and '#SBATCH --signal=B:USR1@120' in text and '--open-mode=append' in text
    assert text.index('#SBATCH -t') < text.index('#SBATCH --requeue')
    assert 'wait # This will wait' not in text and '...done.' not in text
    assert honest_job_script(text) == text
    with pytest.raises(ValueError, match='not an experiment-launcher batch file'):
        honest_job_script('#!/bin/bash\necho hi\n')


@pytest.mark.parametrize('runs, expected', [(('true', 'true'), 0), (('true', 'sh -c "exit 3"'), 3),
                                            (('sh -c "exit 5"', 'sh -c "exit 3"'), 5), (('sh -c "exit 143"',), 143)])
def test_the_job_fails_with_the_status_of_a_failing_run(tmp_path, runs, expected):
    result = subprocess.run(['bash', str(_script(tmp_path, *runs))], capture_output=True, text=True, timeout=30)
    assert result.returncode == expected, result.stderr
    if expected not in (0, 143):
        assert f'failed with status {expected}' in result.stderr


def test_sigterm_reaches_the_runs_and_the_job_waits_for_them(tmp_path):
    marker = tmp_path / 'stopped'
    run = f'bash -c \'trap "sleep 0.3; touch {marker}; exit 143" TERM; sleep 30 & wait\''
    job = subprocess.Popen(['bash', str(_script(tmp_path, run))], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.)
    job.send_signal(signal.SIGTERM)
    assert job.wait(timeout=10) == 143
    assert marker.exists(), 'the job ended only after its run had stopped'


def test_job_runs_are_read_from_the_command_lines():
    array = job_runs(GENERATED.format(runs='python3 x.py --seed $((2 + $SLURM_ARRAY_TASK_ID)) --results_dir /r/A/B'),
                     start_seed=2, n_seeds=2)
    assert array == JobRuns(['/r/A/B'], [2, 3], [None])
    plain = job_runs('python3 x.py --results_dir /r/A/B --seed 7 &\npython3 x.py --results_dir /r/A/C --seed 8 &',
                     start_seed=0, n_seeds=1)
    assert plain.array_seeds is None and plain.seeds == [7, 8]
    runs = [GridRun('A', 'B', 2, '/r/A/B/2', 1), GridRun('A', 'B', 3, '/r/A/B/3', 1), GridRun('A', 'C', 8, '/r/A/C/8', 1)]
    assign_jobs(runs, [('41', array), ('42', plain)])
    assert [run.job for run in runs] == ['41_0', '41_1', '42']


def _progress(run_dir, epochs):
    os.makedirs(run_dir, exist_ok=True)
    with open(os.path.join(run_dir, 'progress.csv'), 'w') as f:
        f.write('epoch,steps,time_s,R_mean\n' + ''.join(f'{e},{e * 10},1.0,{e}.5\n' for e in range(epochs + 1)))


def test_status_lists_done_failed_unfinished_and_missing_runs(tmp_path, capsys):
    runs = [GridRun('PointMassMemory-v0', label, 0, str(tmp_path / label / '0'), 3)
            for label in ('DONE', 'NAN', 'HALF', 'NONE')]
    _progress(runs[0].run_dir, 3)
    _progress(runs[1].run_dir, 1)
    with open(os.path.join(runs[1].run_dir, 'error.txt'), 'w') as f:
        f.write('Training stopped in epoch 2: non-finite loss\n')
    _progress(runs[2].run_dir, 2)
    GridManifest('memory', 'local', runs).write(str(tmp_path))
    assert json.load(open(tmp_path / 'grid.json'))['runs'][0]['label'] == 'DONE'
    assert launch_memory.main(['--status', str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert 'done' in lines[0] and 'R_mean 3.50' in lines[0]
    assert 'FAILED' in lines[1] and 'non-finite loss' in lines[1]
    assert 'FAILED' in lines[2] and 'epoch 2 of 3' in lines[2]
    assert 'MISSING' in lines[3]
    assert '1 MISSING' in lines[4] and '2 FAILED' in lines[4] and '1 done' in lines[4]


def test_status_of_a_folder_without_a_grid_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as error:
        launch_memory.main(['--status', str(tmp_path)])
    assert error.value.code == 2 and 'grid.json' in capsys.readouterr().err
