"""Run an experiment grid: its selected runs through experiment-launcher, locally or on SLURM.

A grid module (``launchers/grids/memory.py``, ...) declares a :class:`GridSpec` (``launchers/grids/spec.py``)
and sets ``main = make_main(SPEC)``. The command line is ``launchers/grids/cli.py``; this module builds the
``experiment_launcher.Launcher`` (one experiment per (task, entry), run by local joblib workers or as SLURM
batch files, one job array over the seeds per experiment; ``launchers/grids/submission.py``), shows a dry run,
writes ``grid.json`` and prints where each run stands (``launchers/grids/status.py``: after local runs, and for
``--status``).

Result folders: ``<base_dir>/<exp_name>[_test][_<timestamp>]/<env_id>/<label>/<seed>/``. The folder
is named after the entry label, so that ``SAC_BPTT5`` and ``SAC_BPTT32`` (both the registered
``SAC_BPTT``) do not collide: experiment-launcher names folders after the keyword arguments that
end in ``__`` (``env_id__``, ``variant__``) and passes every argument, without the underscores, to
``launchers.run.experiment.experiment`` (which records ``variant`` in ``args.json``).

"""
import argparse
import json
import os
import shlex
import sys
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from experiment_launcher import Launcher

from launchers import command_line
from launchers.run.config import ExperimentConfigError, RunConfig
from launchers.grids.cli import build_parser, entry_hyperparameters, n_seeds, parse_args, run_configs, run_settings
from launchers.grids.submission import SubmissionError, submit_grid
from launchers.grids.spec import TEST_HYPERPARAMETERS, TEST_SETTINGS, GridEntry, GridSpec, paper_variants
from launchers.grids.status import GridManifest, GridRun, print_status

__all__ = ['GridEntry', 'GridSpec', 'paper_variants', 'build_parser', 'parse_args', 'run_settings',
           'entry_hyperparameters', 'grid_experiments', 'grid_runs', 'build_launcher', 'run_grid',
           'make_main', 'EXPERIMENT_MODULE', 'TEST_SETTINGS', 'TEST_HYPERPARAMETERS']

EXPERIMENT_MODULE = 'launchers.run.experiment'

Run = Tuple[str, str, int, str]  # (env_id, label, seed, run folder)


# ------------------------------------------------------------------------------------------------
# Experiments and runs
# ------------------------------------------------------------------------------------------------
def _launcher_experiment(config: RunConfig, local: bool) -> Dict[str, Any]:
    """The ``Launcher.add_experiment`` keyword arguments of one (task, entry)."""
    experiment: Dict[str, Any] = dict(env_id__=config.env_id, variant__=config.variant, algorithm=config.algorithm,
                                      n_epochs=config.n_epochs, n_steps_per_epoch=config.n_steps_per_epoch,
                                      n_eval_episodes=config.n_eval_episodes)
    if config.horizon is not None:
        experiment['horizon'] = config.horizon
    experiment.update(n_threads=config.n_threads, quiet=config.quiet)
    if config.device != 'cpu':
        experiment['device'] = config.device
    # the task options given (random_mass, hide_actuator_forces, normalize_observation, progress_reward)
    experiment.update({name: value for name, value in config.task_options.items() if name != 'dataset_path'})
    if config.expert_data is not None:
        experiment['expert_data'] = config.expert_data
    if config.overrides:
        text = json.dumps(config.overrides, sort_keys=True, separators=(',', ':'))
        experiment['hyperparameters'] = text if local else shlex.quote(text)
    return experiment


def grid_experiments(spec: GridSpec, args: argparse.Namespace, local: bool) -> List[Dict[str, Any]]:
    """
    The experiments of the selected grid, one per (task, entry), as ``Launcher.add_experiment``
    keyword arguments: ``env_id__`` and ``variant__`` (the label) name the result folders, the
    registered ``algorithm`` and the entry's ``hyperparameters`` (JSON) define the run.

    Args:
        spec (GridSpec): the grid;
        args (argparse.Namespace): the parsed arguments (:func:`parse_args`);
        local (bool): whether the runs are local (else SLURM: the hyperparameter JSON is then quoted
            for the shell of the batch files).

    Returns:
        The experiments.

    """
    return [_launcher_experiment(config, local) for config in run_configs(spec, args)]


def build_launcher(spec: GridSpec, args: argparse.Namespace, local: bool) -> Launcher:
    """
    Build the ``Launcher`` and add the experiments of :func:`grid_experiments`.

    Args:
        spec (GridSpec): the grid;
        args (argparse.Namespace): the parsed arguments;
        local (bool): whether the runs are local (else SLURM).

    Returns:
        The launcher.

    """
    launcher = Launcher(
        exp_name=args.exp_name + ('_test' if args.test else ''),
        exp_file=EXPERIMENT_MODULE,
        n_seeds=n_seeds(spec, args),
        start_seed=args.start_seed,
        n_cores=args.n_cores,
        memory_per_core=args.memory_per_core,
        **args.time,
        project_name=args.project_name,
        base_dir=os.path.abspath(args.base_dir),
        n_exps_in_parallel=args.n_exps_in_parallel,
        conda_env=args.conda_env,
        gres=args.gres,
        constraint=args.constraint,
        partition=args.partition,
        use_job_array_seeds=not args.no_job_array,
        use_timestamp=not (args.no_timestamp or args.resume),
        compact_dirs=True,
        check_results_directories=not args.resume,
    )
    for experiment in grid_experiments(spec, args, local):
        launcher.add_experiment(**experiment)
    return launcher


def grid_runs(spec: GridSpec, args: argparse.Namespace, launcher: Launcher, local: bool) -> List[Run]:
    """
    Returns:
        The runs of the selected grid as (env_id, label, seed, run folder).

    """
    root = launcher.log_dir(local=local)
    return [(env_id, label, seed, os.path.join(root, env_id, label, str(seed)))
            for env_id in args.envs for label in args.algorithms
            for seed in range(args.start_seed, args.start_seed + n_seeds(spec, args))]


# ------------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------------
def _print_local_commands(spec: GridSpec, args: argparse.Namespace, runs: Sequence[Run]) -> None:
    experiments = {(exp['env_id__'], exp['variant__']): exp for exp in grid_experiments(spec, args, local=True)}
    for env_id, label, seed, run_dir in runs:
        arguments = [f'--{key.rstrip("_")}={value}' for key, value in experiments[env_id, label].items()]
        print('  ' + command_line(EXPERIMENT_MODULE, *arguments, f'--seed={seed}',
                                  f'--results_dir={os.path.dirname(run_dir)}'))


def _make_launcher(spec: GridSpec, args: argparse.Namespace, parser: argparse.ArgumentParser,
                   local: bool) -> Launcher:
    """:func:`build_launcher`, with its errors as command-line errors (status 2)."""
    if not local and args.conda_env is None:
        interpreter_dir = os.path.dirname(sys.executable)
        if os.path.exists(os.path.join(interpreter_dir, 'python3')):
            os.environ['PATH'] = interpreter_dir + os.pathsep + os.environ.get('PATH', '')
    try:
        return build_launcher(spec, args, local)
    except FileExistsError as error:
        message = (f'the experiment folder {error.filename} exists already: use another --exp_name or drop '
                   '--no_timestamp, or continue it with --resume')
    except OSError as error:  # e.g. a read-only place, or a path below a file
        message = f'--base_dir {args.base_dir}: cannot create {error.filename} ({error.strerror or error})'
    except Exception as error:  # e.g. conda_env without a conda installation
        message = str(error)
    parser.error(message)


def _check_grid_data(spec: GridSpec, args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """The expert data of the selected runs, read once per (task, algorithm) before anything is launched."""
    for config in run_configs(spec, args):
        try:
            config.check_data()
        except ExperimentConfigError as error:
            parser.error(f'{config.variant} on {config.env_id}: {error}')


def run_grid(spec: GridSpec, argv: Optional[Sequence[str]] = None) -> int:
    """
    Parse the command line and launch (or, with ``--dry_run``, show) the selected grid, or with ``--status`` print
    where its runs stand.

    Args:
        spec (GridSpec): the grid;
        argv (Sequence[str], None): the arguments (None: ``sys.argv[1:]``).

    Returns:
        The exit status: 0, or 1 when a local run did not finish (``--status``: a run failed or is missing) or a
        SLURM submission failed.

    """
    parser = build_parser(spec)
    args = parse_args(spec, argv, parser)
    if args.status is not None:
        try:
            return print_status(args.status)
        except FileNotFoundError as error:
            parser.error(str(error))
    mode = args.mode or 'local'
    local = mode == 'local'
    _check_grid_data(spec, args, parser)
    new_folders = _missing_folders(args.base_dir)   # what a dry run must leave as it found it
    launcher = _make_launcher(spec, args, parser, local)
    runs = grid_runs(spec, args, launcher, local)
    folder = launcher.log_dir(local=local)
    print(f'[launch] {spec.name}: {len(runs)} runs ({len(args.envs)} tasks x {len(args.algorithms)} entries x '
          f'{n_seeds(spec, args)} seeds), {run_settings(spec, args)}, random_mass {args.random_mass}, mode {mode}'
          f'{" (dry run)" if args.dry_run else ""}; results in {folder}')

    if args.dry_run and local:
        _print_local_commands(spec, args, runs)
        _remove_empty([folder] + new_folders)  # created by the Launcher; empty in a dry run
        return 0

    manifest = GridManifest(spec.name, mode, [GridRun(env_id, label, seed, run_dir,
                                                      run_settings(spec, args, spec.entry(label))['n_epochs'])
                                              for env_id, label, seed, run_dir in runs])
    status_command = command_line(spec.module, '--status', os.path.abspath(folder))
    if not local:
        try:
            submit_grid(launcher, manifest, args.start_seed, n_seeds(spec, args), args.requeue_grace, args.dry_run,
                        status_command)
        except SubmissionError as error:
            print(f'[launch] ERROR: {error}', file=sys.stderr)
            return 1
        if not args.dry_run:
            _print_report_command(folder, 'when the jobs have finished, figures and tables')
        return 0

    manifest.write(folder)
    launcher.run(local=True, test=False, sequential=args.n_exps_in_parallel == 1)
    failed = print_status(folder)
    _print_report_command(folder, 'figures and tables')
    return failed


def _missing_folders(path: str) -> List[str]:
    """``path`` and its parents that do not exist yet, deepest first."""
    missing, path = [], os.path.abspath(path)
    while not os.path.exists(path) and os.path.dirname(path) != path:
        missing.append(path)
        path = os.path.dirname(path)
    return missing


def _remove_empty(folders: Sequence[str]) -> None:
    """Remove each of ``folders`` (in order) that exists and is empty."""
    for folder in folders:
        try:
            os.rmdir(folder)
        except OSError:
            pass


def _print_report_command(results_dir: str, when: str) -> None:
    """The command that turns the grid's results folder into figures and tables (``python -m launchers.report``)."""
    results_dir = os.path.abspath(results_dir)
    command = command_line('launchers.report', results_dir, '--out', os.path.join(results_dir, 'report'))
    print(f'[launch] {when}: {command}')


def make_main(spec: GridSpec) -> Callable[[Optional[Sequence[str]]], int]:
    """
    Args:
        spec (GridSpec): the grid.

    Returns:
        ``main(argv=None) -> int``, the command-line entry point of the grid's launch file (with
        ``main.spec`` and ``main.build_parser()``).

    """
    def main(argv: Optional[Sequence[str]] = None) -> int:
        return run_grid(spec, argv)

    main.__doc__ = f'Command-line entry point of grid {spec.name!r} (see ``launchers.grids.runner.run_grid``).'
    main.spec = spec  # type: ignore[attr-defined]
    main.build_parser = lambda: build_parser(spec)  # type: ignore[attr-defined]
    return main
