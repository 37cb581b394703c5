"""SLURM batch files that tell the truth, their submission, and the queue's view of them.

experiment-launcher writes one batch file per group of experiments; it ends in a bare ``wait``, so a job whose run
crashed ends COMPLETED with exit code 0, and it submits with ``os.system``, so a failed ``sbatch`` goes unnoticed.
The grids therefore let it write the files (``Launcher.run(local=False, test=True)``), rewrite them here, and submit
them themselves:

- :func:`honest_job_script` makes a job wait for each of its runs and fail with the first failing run's status; it
  asks for ``--requeue``, appends to its logs across restarts, and passes SIGTERM (preemption, ``scontrol requeue``,
  ``scancel``, the time limit) and SIGUSR1 (``--signal=B:USR1@GRACE`` before the time limit) on to the runs, which
  stop at once with their last epoch kept (``launchers/run/preemption.py``). After SIGUSR1 the job requeues itself, so a
  run that reaches its time limit continues in a new job.
- :func:`submit` runs ``sbatch --parsable`` and returns the job id, or raises :class:`SubmissionError` with sbatch's
  own message.

"""
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Dict, Optional, Sequence

__all__ = ['SubmissionError', 'JobRuns', 'honest_job_script', 'job_runs', 'submit', 'queued_states', 'job_state',
           'REQUEUE_GRACE_S']

#: Seconds before the time limit at which SLURM sends SIGUSR1 to the batch shell (``--signal=B:USR1@...``).
REQUEUE_GRACE_S = 120

_WAIT_LINE = re.compile(r'^wait\b.*$', re.MULTILINE)
_TIME_LINE = re.compile(r'^#SBATCH -t .*$', re.MULTILINE)
_MARK = '# mushroom-s2pg:'

_WAIT_BLOCK = f'''{_MARK} wait for every run; the job fails with the status of a run that fails. SIGTERM and
# SIGUSR1 are passed on to the runs, which stop at once and keep their last epoch; after SIGUSR1 (the time limit is
# near) the job requeues itself and its runs resume where they stopped.
runs=$(jobs -p)
signalled=""
on_signal() {{ signalled=$1; kill -TERM $runs 2>/dev/null || true; }}
trap 'on_signal USR1' USR1
trap 'on_signal TERM' TERM
status=0
stopped=""
for run in $runs; do
    rc=0; wait "$run" || rc=$?
    while kill -0 "$run" 2>/dev/null; do rc=0; wait "$run" || rc=$?; done   # a trapped signal ended the wait
    if [ -n "$signalled" ]; then last=0; wait "$run" || last=$?; [ "$last" -eq 127 ] || rc=$last; fi
    if [ "$rc" -eq 143 ]; then stopped=1; elif [ "$rc" -ne 0 ] && [ "$status" -eq 0 ]; then status=$rc; fi
done
if [ "$status" -ne 0 ]; then
    echo "[slurm] a run of job $SLURM_JOB_ID failed with status $status" >&2
    exit $status
fi
if [ "$signalled" = USR1 ]; then
    echo "[slurm] time limit near: requeueing job $SLURM_JOB_ID; its runs resume from their checkpoints"
    scontrol requeue "$SLURM_JOB_ID"
    exit 0
fi
if [ -n "$stopped" ]; then exit 143; fi   # stopped by a signal: requeued or cancelled by SLURM, or by hand
exit 0'''


class SubmissionError(RuntimeError):
    """``sbatch`` refused a batch file or could not be run; the message has its output."""


def honest_job_script(text: str, grace_s: int = REQUEUE_GRACE_S) -> str:
    """
    Rewrite an experiment-launcher batch file (see the module): the job fails when a run fails, is requeued after
    preemption or before its time limit, and passes the stopping signals on to its runs. Idempotent.

    Raises:
        ValueError: for a text without the ``#SBATCH -t`` line or the final ``wait`` of experiment-launcher.

    """
    if _MARK in text:
        return text
    if not _TIME_LINE.search(text) or not _WAIT_LINE.search(text):
        raise ValueError('not an experiment-launcher batch file: no "#SBATCH -t" line or no final "wait"')
    options = f'\n#SBATCH --requeue\n#SBATCH --open-mode=append\n#SBATCH --signal=B:USR1@{int(grace_s)}'
    text = _TIME_LINE.sub(lambda match: match.group(0) + options, text, count=1)
    head = text[:list(_WAIT_LINE.finditer(text))[-1].start()]   # the block replaces the final wait and what follows
    return head + _WAIT_BLOCK + '\n'


@dataclass(frozen=True)
class JobRuns:
    """The runs of one batch file: their results folders (``<root>/<env_id>/<label>``) and seeds."""
    results_dirs: Sequence[str]
    array_seeds: Optional[Sequence[int]]   # seeds of the array tasks (index = position), or None without arrays
    seeds: Sequence[Optional[int]]         # the seed of each command without arrays


def job_runs(text: str, start_seed: int, n_seeds: int) -> JobRuns:
    """Which runs a batch file starts, read from its command lines (``--results_dir`` and ``--seed``)."""
    results_dirs = re.findall(r'--results_dir (\S+)', text)
    if '$SLURM_ARRAY_TASK_ID' in text:
        return JobRuns(results_dirs, list(range(start_seed, start_seed + n_seeds)), [None] * len(results_dirs))
    seeds = [int(seed) for seed in re.findall(r'--seed (\d+)', text)]
    return JobRuns(results_dirs, None, seeds)


def submit(script: str) -> str:
    """
    Submit a batch file with ``sbatch --parsable``.

    Returns:
        The job id.

    Raises:
        SubmissionError: when sbatch is missing or refuses the file (its message is included).

    """
    if shutil.which('sbatch') is None:
        raise SubmissionError('sbatch is not on the PATH: --slurm needs a SLURM installation '
                              '(launchers/grids/local_slurm.sh start sets one up on this machine)')
    result = subprocess.run(['sbatch', '--parsable', script], capture_output=True, text=True)
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip()
        raise SubmissionError(f'sbatch {script} failed (status {result.returncode}): {message}')
    return result.stdout.strip().split(';')[0]


def queued_states(job_ids: Sequence[str]) -> Dict[str, str]:
    """
    The state of each task still known to the queue (``squeue``): ``{'123_4': 'RUNNING', '125': 'PENDING'}``;
    pending array tasks are expanded. Empty when squeue is not available.

    """
    if not job_ids or shutil.which('squeue') is None:
        return {}
    result = subprocess.run(['squeue', '-h', '-r', '-j', ','.join(job_ids), '-o', '%i %T'], capture_output=True,
                            text=True)
    states: Dict[str, str] = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2:
            states[parts[0]] = parts[1]
    return states


def job_state(job_id: str) -> Optional[str]:
    """``JobState`` and ``ExitCode`` of a job from ``scontrol show job`` (known until ``MinJobAge`` after its end)."""
    if shutil.which('scontrol') is None:
        return None
    result = subprocess.run(['scontrol', 'show', 'job', job_id], capture_output=True, text=True)
    state = re.search(r'JobState=(\S+)', result.stdout)
    code = re.search(r'\bExitCode=(\S+)', result.stdout)
    if state is None:
        return None
    return state.group(1) + (f' (exit {code.group(1)})' if code else '')
