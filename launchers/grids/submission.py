"""Submitting a grid to SLURM: experiment-launcher writes the batch files, :mod:`launchers.grids.slurm` rewrites and
submits them, and ``grid.json`` records which job runs which run (``launchers/grids/status.py``)."""
import io
import os
import shlex
from contextlib import redirect_stdout
from typing import List, Tuple

from experiment_launcher import Launcher

from launchers.grids.status import GridManifest, assign_jobs
from launchers.grids.slurm import JobRuns, SubmissionError, honest_job_script, job_runs, submit

__all__ = ['write_job_scripts', 'submit_grid', 'SubmissionError']


def write_job_scripts(launcher: Launcher, grace_s: int) -> List[str]:
    """Let experiment-launcher write its batch files without submitting them, rewrite each; their paths."""
    printed = io.StringIO()
    with redirect_stdout(printed):
        launcher.run(local=False, test=True)
    scripts = [line.split(' ', 1)[1].strip() for line in printed.getvalue().splitlines() if line.startswith('sbatch ')]
    for script in scripts:
        with open(script) as f:
            text = honest_job_script(f.read(), grace_s)
        with open(script, 'w') as f:
            f.write(text)
    return scripts


def submit_grid(launcher: Launcher, manifest: GridManifest, start_seed: int, n_seeds: int, grace_s: int,
                dry_run: bool, status_command: str) -> None:
    """
    Write, rewrite and (unless ``dry_run``) submit the grid's batch files; write ``grid.json`` with the jobs.

    Raises:
        SubmissionError: when sbatch refuses a file; ``grid.json`` then lists the jobs submitted before it.

    """
    folder = launcher.log_dir(local=False)
    manifest.slurm_logs = os.path.join(folder, 'slurm_logs')
    scripts = write_job_scripts(launcher, grace_s)
    if dry_run:
        for script in scripts:
            print(f'sbatch {script}')
        return
    jobs: List[Tuple[str, JobRuns]] = []
    try:
        for script in scripts:
            with open(script) as f:
                runs = job_runs(f.read(), start_seed, n_seeds)
            job_id = submit(script)
            jobs.append((job_id, runs))
            print(f'[launch] job {job_id}: {os.path.basename(script)} ({len(runs.results_dirs)} x '
                  f'{n_seeds if runs.array_seeds is not None else 1} runs)', flush=True)
    finally:
        assign_jobs(manifest.runs, jobs)
        manifest.write(folder)
    ids = ','.join(job_id for job_id, _ in jobs)
    print(f'[launch] submitted {len(jobs)} jobs; SLURM files and logs in {folder}')
    print(f'[launch] queue:  {shlex.join(["squeue", "-j", ids])}')
    print(f'[launch] status: {status_command}')
