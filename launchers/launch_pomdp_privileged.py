"""Launch the paper's POMDP grid with privileged critics: 5 tasks x SAC/TD3 algorithms x 25 seeds.

Every registered ``SAC_*`` and ``TD3_*`` algorithm is part of the grid (S2PG's SAC_RS and TD3_RS
and the baselines: BPTT, window, vanilla, oracle), on the five POMDP locomotion tasks, with the
paper's 200 epochs x 10k steps and 10 evaluation episodes per epoch. The runs are sent through
experiment-launcher's ``Launcher``: to local joblib workers, or as SLURM batch files (one job array
over the seeds per configuration).

Examples::

    python -m launchers.launch_pomdp_privileged --test                  # tiny grid, locally, checked
    python -m launchers.launch_pomdp_privileged --local --dry_run       # print the runs, run nothing
    python -m launchers.launch_pomdp_privileged --slurm --partition gpu --time 2-00:00:00 --dry_run
    python -m launchers.launch_pomdp_privileged --slurm --algorithms SAC_RS TD3_RS --n_seeds 5

Results: ``<base_dir>/<exp_name>_<timestamp>/<env_id>/<algorithm>/<seed>/progress.csv`` (see
``launchers/experiment.py`` for the files of a run); SLURM files and logs go to ``slurm_files/``
and ``slurm_logs/`` of the experiment folder.

"""
import argparse
import json
import os
import shlex
import sys
import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple

if __name__ == '__main__' and not __package__:  # ``python launchers/launch_pomdp_privileged.py``
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

warnings.filterwarnings('ignore', message='.*DISPLAY environment variable.*')

from experiment_launcher import Launcher, is_local  # noqa: E402

from environments import POMDP_ENV_IDS  # noqa: E402
from mushroom_s2pg.algorithms import available_algorithms, hyperparameter_names  # noqa: E402

__all__ = ['grid_algorithms', 'build_parser', 'build_launcher', 'grid_experiments', 'grid_runs', 'main', 'PAPER_SETTINGS',
           'TEST_SETTINGS', 'TEST_HYPERPARAMETERS']

EXPERIMENT_MODULE = 'launchers.experiment'

#: The paper's training budget per run (REFERENCE section 3): 200 epochs x 10k steps = 2M steps.
PAPER_SETTINGS: Dict[str, Any] = dict(n_epochs=200, n_steps_per_epoch=10000, n_eval_episodes=10)

#: The tiny budget of ``--test``.
TEST_SETTINGS: Dict[str, Any] = dict(n_epochs=1, n_steps_per_epoch=200, n_eval_episodes=1, horizon=50)

#: Hyperparameters of ``--test`` (each algorithm gets those it has).
TEST_HYPERPARAMETERS: Dict[str, Any] = dict(initial_replay_size=64, warmup_transitions=100, batch_size=32,
                                            max_replay_size=2000)

_GRID_PREFIXES = ('SAC_', 'TD3_')


def grid_algorithms() -> Tuple[str, ...]:
    """
    Returns:
        The registered algorithms of the privileged grid: every ``SAC_*`` and ``TD3_*`` name, in
        registry order (baselines added to the registry join automatically).

    """
    return tuple(name for name in available_algorithms() if name.startswith(_GRID_PREFIXES))


def _duration(text: str) -> Dict[str, int]:
    """Parse a SLURM time limit ``D-HH:MM:SS``, ``HH:MM:SS``, ``HH:MM`` or hours ``H``."""
    try:
        days, _, clock = text.rpartition('-')
        parts = [int(p) for p in clock.split(':')]
        if len(parts) == 1:
            parts = parts + [0, 0]
        elif len(parts) == 2:
            parts = parts + [0]
        if len(parts) != 3 or min(parts) < 0:
            raise ValueError
        hours, minutes, seconds = parts
        return dict(days=int(days) if days else 0, hours=hours, minutes=minutes, seconds=seconds)
    except ValueError:
        raise argparse.ArgumentTypeError(f'invalid time {text!r}: use D-HH:MM:SS, HH:MM:SS, HH:MM or hours') from None


def build_parser() -> argparse.ArgumentParser:
    """
    Returns:
        The command-line parser of the launcher.

    """
    parser = argparse.ArgumentParser(
        prog='python -m launchers.launch_pomdp_privileged', formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__.split('\n\n')[0] + '\n\n'
        f'tasks: {", ".join(POMDP_ENV_IDS)}\nalgorithms: {", ".join(grid_algorithms())}',
        epilog='Where to run: --local (joblib) or --slurm (sbatch); by default SLURM when sbatch is on the PATH.')
    where = parser.add_mutually_exclusive_group()
    where.add_argument('--local', dest='mode', action='store_const', const='local', help='run with local joblib workers')
    where.add_argument('--slurm', dest='mode', action='store_const', const='slurm', help='submit SLURM batch jobs')
    parser.add_argument('--test', action='store_true',
                        help=f'run a tiny grid locally ({TEST_SETTINGS}, 1 seed) and check every run finished')
    parser.add_argument('--dry_run', action='store_true',
                        help='print the runs (local) or write the SLURM files and print the sbatch commands, '
                             'without running or submitting anything')

    grid = parser.add_argument_group('grid')
    grid.add_argument('--envs', nargs='+', default=list(POMDP_ENV_IDS), metavar='ENV_ID',
                      help='tasks (default: the five POMDP tasks)')
    grid.add_argument('--algorithms', nargs='+', default=list(grid_algorithms()), metavar='ALGORITHM',
                      help='algorithms (default: every registered SAC_*/TD3_* algorithm)')
    grid.add_argument('--n_seeds', type=int, default=None, help='seeds per configuration (default: 25, --test: 1)')
    grid.add_argument('--start_seed', type=int, default=0, help='first seed (default: 0)')
    grid.add_argument('--n_epochs', type=int, default=None, help='epochs (default: 200)')
    grid.add_argument('--n_steps_per_epoch', type=int, default=None, help='steps per epoch (default: 10000)')
    grid.add_argument('--n_eval_episodes', type=int, default=None, help='evaluation episodes (default: 10)')
    grid.add_argument('--random_mass', action='store_true', help='randomise the body masses (robust tasks)')
    grid.add_argument('--hyperparameters', default='',
                      help='JSON object of hyperparameter overrides for every algorithm (each must accept them)')
    grid.add_argument('--exp_name', default='pomdp_privileged', help='experiment name (default: pomdp_privileged)')
    grid.add_argument('--base_dir', default='./logs', help='results base folder (default: ./logs)')
    grid.add_argument('--no_timestamp', action='store_true', help='do not append a timestamp to the experiment name')

    resources = parser.add_argument_group('resources')
    resources.add_argument('--n_exps_in_parallel', type=int, default=1,
                           help='local: joblib workers; SLURM: runs per batch file (default: 1)')
    resources.add_argument('--n_cores', type=int, default=1, help='cores (and torch threads) per run (default: 1)')
    resources.add_argument('--memory_per_core', type=int, default=4000, help='SLURM memory per core in MB (default: 4000)')
    resources.add_argument('--time', type=_duration, default=_duration('2-00:00:00'),
                           help='SLURM time limit, D-HH:MM:SS (default: 2-00:00:00)')
    resources.add_argument('--partition', default=None, help='SLURM partition')
    resources.add_argument('--project_name', default=None, help='SLURM account (-A)')
    resources.add_argument('--gres', default=None, help='SLURM --gres')
    resources.add_argument('--constraint', default=None, help='SLURM --constraint')
    resources.add_argument('--conda_env', default=None,
                           help='conda environment activated in the jobs (needs ~/miniconda3 or ~/anaconda3); '
                                'without it the jobs run the python3 found first on the PATH, and the folder of '
                                'this interpreter is put first on the PATH that sbatch passes on')
    resources.add_argument('--no_job_array', action='store_true',
                           help='one SLURM job per run instead of a job array over the seeds')
    return parser


def _validate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    unknown_envs = [env for env in args.envs if env not in POMDP_ENV_IDS]
    if unknown_envs:
        parser.error(f'unknown task(s) {unknown_envs}; valid: {", ".join(POMDP_ENV_IDS)}')
    valid_algorithms = available_algorithms()
    unknown_algorithms = [name for name in args.algorithms if name not in valid_algorithms]
    if unknown_algorithms:
        parser.error(f'unknown algorithm(s) {unknown_algorithms}; valid: {", ".join(valid_algorithms)}')
    if args.hyperparameters:
        try:
            overrides = json.loads(args.hyperparameters)
        except json.JSONDecodeError as error:
            parser.error(f'--hyperparameters is not valid JSON: {error}')
        if not isinstance(overrides, dict):
            parser.error('--hyperparameters must be a JSON object')
        for name in args.algorithms:
            unknown = sorted(set(overrides) - set(hyperparameter_names(name)))
            if unknown:
                parser.error(f'hyperparameter(s) {unknown} unknown to {name}; valid: '
                             f'{", ".join(hyperparameter_names(name))}')
    for name in ('n_seeds', 'n_epochs', 'n_steps_per_epoch', 'n_eval_episodes'):
        value = getattr(args, name)
        if value is not None and value < (0 if name == 'n_epochs' else 1):
            parser.error(f'--{name} must be positive, got {value}')
    if args.n_exps_in_parallel < 1 or args.n_cores < 1:
        parser.error('--n_exps_in_parallel and --n_cores must be >= 1')


def _settings(args: argparse.Namespace) -> Dict[str, Any]:
    settings = dict(TEST_SETTINGS if args.test else PAPER_SETTINGS)
    for name in ('n_epochs', 'n_steps_per_epoch', 'n_eval_episodes'):
        if getattr(args, name) is not None:
            settings[name] = getattr(args, name)
    return settings


def _hyperparameters(args: argparse.Namespace, algorithm: str) -> Dict[str, Any]:
    overrides: Dict[str, Any] = dict()
    if args.test:
        valid = hyperparameter_names(algorithm)
        overrides.update({key: value for key, value in TEST_HYPERPARAMETERS.items() if key in valid})
    if args.hyperparameters:
        overrides.update(json.loads(args.hyperparameters))
    return overrides


def build_launcher(args: argparse.Namespace, local: bool) -> Launcher:
    """
    Build the ``Launcher`` and add one experiment per (task, algorithm).

    Args:
        args (argparse.Namespace): the parsed arguments;
        local (bool): whether the runs are local (else SLURM).

    Returns:
        The launcher, with the experiments of :func:`grid_experiments` added.

    """
    n_seeds = args.n_seeds if args.n_seeds is not None else (1 if args.test else 25)
    launcher = Launcher(
        exp_name=args.exp_name + ('_test' if args.test else ''),
        exp_file=EXPERIMENT_MODULE,
        n_seeds=n_seeds,
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
        use_timestamp=not args.no_timestamp,
        compact_dirs=True,
    )
    for experiment in grid_experiments(args, local):
        launcher.add_experiment(**experiment)
    return launcher


def grid_experiments(args: argparse.Namespace, local: bool) -> List[Dict[str, Any]]:
    """
    The experiments of the grid, one per (task, algorithm), as ``Launcher.add_experiment`` keyword
    arguments (``env_id__`` and ``algorithm__`` name the result folders).

    Args:
        args (argparse.Namespace): the parsed arguments;
        local (bool): whether the runs are local (else SLURM: the hyperparameter JSON is then quoted
            for the shell of the batch files).

    Returns:
        The experiments.

    """
    settings = _settings(args)
    experiments = []
    for env_id in args.envs:
        for algorithm in args.algorithms:
            experiment = dict(env_id__=env_id, algorithm__=algorithm, **settings, n_threads=args.n_cores,
                              quiet=True)
            if args.random_mass:
                experiment['random_mass'] = True
            overrides = _hyperparameters(args, algorithm)
            if overrides:
                text = json.dumps(overrides, sort_keys=True, separators=(',', ':'))
                experiment['hyperparameters'] = text if local else shlex.quote(text)
            experiments.append(experiment)
    return experiments


def grid_runs(args: argparse.Namespace, launcher: Launcher, local: bool) -> List[Tuple[str, str, int, str]]:
    """
    Returns:
        The runs of the grid as (env_id, algorithm, seed, run folder).

    """
    n_seeds = args.n_seeds if args.n_seeds is not None else (1 if args.test else 25)
    root = launcher.log_dir(local=local)
    return [(env_id, algorithm, seed, os.path.join(root, env_id, algorithm, str(seed)))
            for env_id in args.envs for algorithm in args.algorithms
            for seed in range(args.start_seed, args.start_seed + n_seeds)]


def _check_runs(runs: Sequence[Tuple[str, str, int, str]], n_epochs: int) -> int:
    """Print one line per run (last epoch, R_mean or the error); return the number of unfinished runs."""
    from mushroom_s2pg.utils import read_progress

    failed = 0
    for env_id, algorithm, seed, run_dir in runs:
        progress = os.path.join(run_dir, 'progress.csv')
        error = os.path.join(run_dir, 'error.txt')
        rows = read_progress(progress) if os.path.exists(progress) else []
        done = bool(rows) and rows[-1].get('epoch') == n_epochs
        if done:
            status = f'ok      epoch {rows[-1]["epoch"]}  R_mean {rows[-1]["R_mean"]:.2f}'
        elif os.path.exists(error):
            with open(error) as f:
                status = 'FAILED  ' + f.read().strip()
        else:
            status = 'FAILED  no complete progress.csv (see the traceback above)'
        failed += not done
        print(f'  {env_id:20s} {algorithm:12s} seed {seed}: {status}')
    return failed


def main(argv: Optional[Sequence[str]] = None) -> int:
    """
    Command-line entry point.

    Args:
        argv (Sequence[str], None): the arguments (None: ``sys.argv[1:]``).

    Returns:
        The exit status: 0, or 1 when a ``--test`` run did not finish.

    """
    parser = build_parser()
    args = parser.parse_args(argv)
    _validate(args, parser)

    if args.test and args.mode == 'slurm':
        parser.error('--test runs locally; it cannot be combined with --slurm')
    mode = args.mode or ('local' if args.test or is_local() else 'slurm')
    local = mode == 'local'

    if not local and args.conda_env is None:
        interpreter_dir = os.path.dirname(sys.executable)
        if os.path.exists(os.path.join(interpreter_dir, 'python3')):
            os.environ['PATH'] = interpreter_dir + os.pathsep + os.environ.get('PATH', '')

    try:
        launcher = build_launcher(args, local)
    except Exception as error:  # e.g. conda_env without a conda installation
        parser.error(str(error))
    runs = grid_runs(args, launcher, local)
    settings = _settings(args)
    print(f'[launch] {len(runs)} runs ({len(args.envs)} tasks x {len(args.algorithms)} algorithms x '
          f'{len(runs) // max(1, len(args.envs) * len(args.algorithms))} seeds), {settings}, mode {mode}'
          f'{" (dry run)" if args.dry_run else ""}; results in {launcher.log_dir(local=local)}')

    if args.dry_run and local:
        experiments = {(exp['env_id__'], exp['algorithm__']): exp for exp in grid_experiments(args, local)}
        for env_id, algorithm, seed, run_dir in runs:
            experiment = experiments[env_id, algorithm]
            arguments = [f'--{key.rstrip("_")}={value}' for key, value in experiment.items()]
            print('  ' + shlex.join(['python', '-m', EXPERIMENT_MODULE, *arguments, f'--seed={seed}',
                                     f'--results_dir={os.path.dirname(run_dir)}']))
        try:
            os.rmdir(launcher.log_dir(local=True))  # created by the Launcher; empty in a dry run
        except OSError:
            pass
        return 0

    launcher.run(local=local, test=args.dry_run, sequential=local and args.n_exps_in_parallel == 1)

    if local:
        failed = _check_runs(runs, settings['n_epochs'])
        print(f'[launch] {len(runs) - failed}/{len(runs)} runs finished; results in {launcher.log_dir(local=True)}')
        return 1 if failed else 0
    if not args.dry_run:
        print(f'[launch] submitted; SLURM files and logs in {launcher.log_dir(local=False)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
