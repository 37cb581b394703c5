"""What a launched grid holds and where each of its runs stands.

Every launch writes ``<experiment folder>/grid.json``: the grid, the mode, every run (task, label, seed, folder,
the epochs it needs) and, on SLURM, the job of each run. ``--status FOLDER`` reads it back and prints one line
per run: ``done``, ``running``/``pending`` (still in the SLURM queue), ``FAILED`` (``error.txt``, or a job that
ended without finishing its run: the job's state while SLURM still knows it and the last line of its error log) or
``MISSING`` (nothing written). The exit status is 1 when a run failed or is missing.

"""
import glob
import json
import os
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from launchers.grids.slurm import JobRuns, job_state, queued_states
from mushroom_s2pg.utils import read_progress

__all__ = ['MANIFEST_FILE', 'GridRun', 'GridManifest', 'run_status', 'print_status', 'assign_jobs']

MANIFEST_FILE = 'grid.json'


@dataclass
class GridRun:
    """One run of a grid; ``job`` is its SLURM task (``JOBID`` or ``JOBID_INDEX``), None when local."""
    env_id: str
    label: str
    seed: int
    run_dir: str
    n_epochs: int
    job: Optional[str] = None


@dataclass
class GridManifest:
    """The content of ``grid.json``."""
    grid: str
    mode: str
    runs: List[GridRun] = field(default_factory=list)
    slurm_logs: Optional[str] = None   # experiment-launcher's folder of the jobs' logs

    def write(self, folder: str) -> str:
        path = os.path.join(folder, MANIFEST_FILE)
        tmp = path + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(asdict(self), f, indent=2)
        os.replace(tmp, path)
        return path

    @classmethod
    def read(cls, folder: str) -> 'GridManifest':
        """
        Raises:
            FileNotFoundError: when ``folder`` has no ``grid.json`` (the message names it).

        """
        path = os.path.join(folder, MANIFEST_FILE)
        if not os.path.isfile(path):
            raise FileNotFoundError(f'{path} does not exist: --status takes the experiment folder that the launch '
                                    'printed ("results in ...")')
        with open(path) as f:
            content = json.load(f)
        return cls(content['grid'], content['mode'], [GridRun(**run) for run in content['runs']],
                   content.get('slurm_logs'))


def _last_line(path: Optional[str]) -> str:
    """The last line of a file that is not the job script's own ``[slurm]`` note (e.g. a traceback's error)."""
    if not path or not os.path.isfile(path):
        return ''
    with open(path, errors='replace') as f:
        lines = [line.strip() for line in f.read().splitlines() if line.strip() and not line.startswith('[slurm]')]
    return lines[-1] if lines else ''


def run_status(run: GridRun, queued: Dict[str, str], slurm_logs: Optional[str] = None) -> Tuple[str, str]:
    """
    Returns:
        ``(status, detail)`` of one run: status one of ``done``, ``running``, ``pending``, ``FAILED``, ``MISSING``.

    """
    n_epochs = run.n_epochs
    progress = os.path.join(run.run_dir, 'progress.csv')
    rows = read_progress(progress) if os.path.isfile(progress) else []
    last = rows[-1] if rows else {}
    if last.get('epoch') == n_epochs:
        return 'done', f'epoch {n_epochs}  R_mean {last["R_mean"]:.2f}'
    error = os.path.join(run.run_dir, 'error.txt')
    if os.path.isfile(error):
        return 'FAILED', _last_line(error)
    where = f'epoch {last["epoch"]} of {n_epochs}' if rows else 'no epoch yet'
    if run.job is not None:
        state = queued.get(run.job) or queued.get(run.job.split('_')[0])
        if state is not None:
            return ('pending' if state == 'PENDING' else 'running'), f'job {run.job} {state}, {where}'
        slurm = job_state(run.job) or 'no longer known to SLURM'
        log = _last_line(_job_log(slurm_logs, run.job))
        return 'FAILED', f'job {run.job} ended ({slurm}) at {where}' + (f'; its log: {log}' if log else '')
    if not rows:
        return 'MISSING', 'nothing written'
    return 'FAILED', f'not finished: {where}'


def print_status(folder: str) -> int:
    """Print the status of every run of the grid in ``folder``; 1 when a run failed or is missing, else 0."""
    manifest = GridManifest.read(folder)
    jobs = sorted({run.job.split('_')[0] for run in manifest.runs if run.job})
    queued = queued_states(jobs)
    counts: Dict[str, int] = {}
    width = max([len(run.label) for run in manifest.runs] + [12])
    for run in manifest.runs:
        status, detail = run_status(run, queued, manifest.slurm_logs)
        counts[status] = counts.get(status, 0) + 1
        print(f'  {run.env_id:20s} {run.label:{width}s} seed {run.seed}: {status:8s} {detail}')
    summary = ', '.join(f'{n} {status}' for status, n in sorted(counts.items()))
    print(f'[status] {manifest.grid} ({manifest.mode}) in {folder}: {len(manifest.runs)} runs: {summary}')
    return 1 if counts.get('FAILED') or counts.get('MISSING') else 0


def _job_log(log_dir: Optional[str], job: str) -> Optional[str]:
    """The error log that experiment-launcher names ``%A_%a.err``: ``<job>_<index>.err`` for an array task."""
    if log_dir is None:
        return None
    job_id, _, index = job.partition('_')
    matches = sorted(glob.glob(os.path.join(log_dir, f'{job_id}_{index or "*"}.err')))
    return matches[0] if matches else None


def assign_jobs(runs: Sequence[GridRun], jobs: Sequence[Tuple[str, JobRuns]]) -> None:
    """Set ``job`` of each run from the submitted batch files, given as ``(job id, JobRuns)`` pairs."""
    by_folder = {os.path.normpath(run.run_dir): run for run in runs}
    for job_id, job_runs in jobs:
        for i, results_dir in enumerate(job_runs.results_dirs):
            if job_runs.array_seeds is not None:
                for index, seed in enumerate(job_runs.array_seeds):
                    run = by_folder.get(os.path.normpath(os.path.join(results_dir, str(seed))))
                    if run is not None:
                        run.job = f'{job_id}_{index}'
            else:
                run = by_folder.get(os.path.normpath(os.path.join(results_dir, str(job_runs.seeds[i]))))
                if run is not None:
                    run.job = job_id
