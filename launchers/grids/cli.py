"""The command line of a grid: its options, their parsing, and the run configurations it selects.

Options: the selection (``--envs``, ``--algorithms`` by entry label, seeds), budget overrides,
``--random_mass``, common ``--hyperparameters``, ``--test``, ``--dry_run``, ``--local``/``--slurm`` and
the SLURM resources. :func:`parse_args` checks what belongs to the grid (tasks and labels of the
grid, entry-defining hyperparameters left alone, seed and worker counts) and then builds every
selected run as a :class:`launchers.run.config.RunConfig` (:func:`run_configs`), which checks the rest;
any error exits with status 2 and a message naming the option, the value and the valid choices.

"""
import argparse
import os
from typing import Any, Dict, List, Optional, Sequence

from launchers import Parser, program_name
from launchers.run.config import ExperimentConfigError, RunConfig, parse_hyperparameters
from launchers.grids.spec import GridEntry, GridSpec, entry_run_config
from launchers.grids.slurm import REQUEUE_GRACE_S
from mushroom_s2pg.algorithms import did_you_mean, needs_expert_data

__all__ = ['build_parser', 'parse_args', 'run_settings', 'entry_hyperparameters', 'run_configs', 'n_seeds']

_SETTING_NAMES = ('n_epochs', 'n_steps_per_epoch', 'n_eval_episodes', 'horizon')

# The grid option behind a RunConfig field, where the names differ.
_GRID_OPTIONS = dict(n_threads='n_cores', seed='start_seed', env_id='envs', algorithm='algorithms',
                     variant='algorithms')


def _duration(text: str) -> Dict[str, int]:
    """Parse a SLURM time limit ``D-HH:MM:SS``, ``HH:MM:SS``, ``HH:MM`` or hours ``H``."""
    try:
        days, _, clock = text.rpartition('-')
        parts = [int(p) for p in clock.split(':')]
        parts = parts + [0] * (3 - len(parts)) if len(parts) < 3 else parts
        if len(parts) != 3 or min(parts) < 0:
            raise ValueError
        hours, minutes, seconds = parts
        return dict(days=int(days) if days else 0, hours=hours, minutes=minutes, seconds=seconds)
    except ValueError:
        raise argparse.ArgumentTypeError(f'invalid time {text!r}: use D-HH:MM:SS, HH:MM:SS, HH:MM or hours') from None


def build_parser(spec: GridSpec) -> argparse.ArgumentParser:
    """
    Args:
        spec (GridSpec): the grid.

    Returns:
        The command-line parser of the grid's launch file.

    """
    paper = spec.paper_settings
    summary = (spec.description or '').strip().split('\n\n')[0]
    entries = '\n'.join(f'  {entry.describe()}' for entry in spec.entries)
    parser = Parser(
        prog=program_name(spec.module), formatter_class=argparse.RawDescriptionHelpFormatter,
        description=f'{summary}\n\ntasks: {", ".join(spec.tasks)}'
                    + (f' (--envs may also select {", ".join(spec.extra_tasks)})' if spec.extra_tasks else '')
                    + f'\nalgorithms: {", ".join(spec.algorithms)}\n'
                    f'entries (--algorithms selects them by label):\n{entries}\n'
                    f'full grid: {len(spec.tasks)} tasks x {len(spec.entries)} entries x {spec.n_seeds} seeds = '
                    f'{spec.n_runs} runs of {paper["n_epochs"]} epochs x {paper["n_steps_per_epoch"]} steps',
        epilog='Where to run: --local (joblib workers on this machine; the default) or --slurm (one job array per '
               'task and entry; the jobs fail when a run fails, and are requeued and resume after preemption or '
               'before their time limit). The experiment folder gets grid.json; --status FOLDER lists every run '
               '(done, running, pending, FAILED with its error, MISSING).')
    where = parser.add_mutually_exclusive_group()
    where.add_argument('--local', dest='mode', action='store_const', const='local',
                       help='run with local joblib workers (the default)')
    where.add_argument('--slurm', dest='mode', action='store_const', const='slurm', help='submit SLURM batch jobs')
    where.add_argument('--status', metavar='FOLDER', default=None,
                       help='print the status of every run of the grid launched into FOLDER and exit')
    parser.add_argument('--test', action='store_true',
                        help=f'run a tiny grid ({dict(spec.test_settings)}, {spec.test_n_seeds} seed(s)) and check '
                             'every run finished (locally) or submit it (with --slurm)')
    parser.add_argument('--dry_run', action='store_true',
                        help='print the runs (local) or write the SLURM files and print the sbatch commands, '
                             'without running or submitting anything')
    _add_grid_arguments(parser, spec)
    _add_resource_arguments(parser, spec)
    return parser


def _add_grid_arguments(parser: argparse.ArgumentParser, spec: GridSpec) -> None:
    paper = spec.paper_settings
    grid = parser.add_argument_group('grid')
    grid.add_argument('--envs', nargs='+', default=list(spec.tasks), metavar='ENV_ID',
                      help=f'tasks (default: all {len(spec.tasks)}'
                           + (f'; also selectable: {", ".join(spec.extra_tasks)})' if spec.extra_tasks else ')'))
    grid.add_argument('--algorithms', nargs='+', default=list(spec.labels), metavar='LABEL',
                      help=f'entries, by label (default: all {len(spec.entries)})')
    if spec.imitates:
        grid.add_argument('--expert_dir', default=os.path.join('results', 'expert'), metavar='DIR',
                          help='expert data <DIR>/<env_id>.perfect.npz (launchers.tools.make_expert_data writes '
                               "them) for the imitating entries; without a file a task's default dataset is used "
                               '(default: %(default)s)')
    grid.add_argument('--n_seeds', type=int, default=None,
                      help=f'seeds per configuration (default: {spec.n_seeds}, --test: {spec.test_n_seeds})')
    grid.add_argument('--start_seed', type=int, default=0, help='first seed (default: 0)')
    grid.add_argument('--n_epochs', type=int, default=None, help=f'epochs (default: {paper["n_epochs"]})')
    grid.add_argument('--n_steps_per_epoch', type=int, default=None,
                      help=f'steps per epoch (default: {paper["n_steps_per_epoch"]})')
    grid.add_argument('--n_eval_episodes', type=int, default=None,
                      help=f'evaluation episodes (default: {paper["n_eval_episodes"]})')
    grid.add_argument('--horizon', type=int, default=None,
                      help='episode horizon of every run (default: '
                           + (f'{paper["horizon"]}' if 'horizon' in paper else "each task's own")
                           + f'; --test: {spec.test_settings.get("horizon", "the same")})')
    mass = grid.add_mutually_exclusive_group()
    mass.add_argument('--random_mass', dest='random_mass', action='store_true',
                      help='randomise the body masses at every reset (robust tasks; POMDP locomotion tasks only)'
                           + (' (default)' if spec.random_mass else ''))
    mass.add_argument('--no_random_mass', dest='random_mass', action='store_false',
                      help='keep the body masses fixed' + ('' if spec.random_mass else ' (default)'))
    parser.set_defaults(random_mass=spec.random_mass)
    grid.add_argument('--hyperparameters', default='',
                      help='JSON object of hyperparameter overrides for every selected entry (each must accept '
                           'them, and they may not change a value that defines an entry)')
    grid.add_argument('--exp_name', default=spec.name, help=f'experiment name (default: {spec.name})')
    grid.add_argument('--base_dir', default='results', help='results base folder (default: results)')
    grid.add_argument('--no_timestamp', action='store_true', help='do not append a timestamp to the experiment name')
    grid.add_argument('--resume', action='store_true',
                      help='continue the experiment folder <base_dir>/<exp_name> (implies --no_timestamp): finished '
                           'runs end at once, interrupted runs go on from their last checkpoint')


def _add_resource_arguments(parser: argparse.ArgumentParser, spec: GridSpec) -> None:
    resources = parser.add_argument_group('resources')
    resources.add_argument('--n_exps_in_parallel', type=int, default=1,
                           help='local: joblib workers; SLURM: runs per batch file (default: 1)')
    resources.add_argument('--n_cores', type=int, default=1, help='cores (and torch threads) per run (default: 1)')
    resources.add_argument('--device', default='cpu',
                           help="each run's device: cpu (default), cuda or cuda:N (on SLURM ask for the GPU with --gres)")
    resources.add_argument('--memory_per_core', type=int, default=4000,
                           help='SLURM memory per core in MB (default: 4000)')
    resources.add_argument('--time', type=_duration, default=_duration(spec.slurm_time),
                           help=f'SLURM time limit, D-HH:MM:SS (default: {spec.slurm_time})')
    resources.add_argument('--requeue_grace', type=int, default=REQUEUE_GRACE_S, metavar='SECONDS',
                           help='SLURM: seconds before the time limit at which a job stops its runs and requeues '
                                f'itself (default: {REQUEUE_GRACE_S}; keep it below --time)')
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


# ------------------------------------------------------------------------------------------------
# Parsing and checks
# ------------------------------------------------------------------------------------------------
def parse_args(spec: GridSpec, argv: Optional[Sequence[str]] = None,
               parser: Optional[argparse.ArgumentParser] = None) -> argparse.Namespace:
    """
    Parse and check the arguments of the grid's command line (exits with status 2 and a message
    naming the option, the value and the valid choices on any invalid setting).

    Returns:
        The arguments, with ``overrides`` (the parsed ``--hyperparameters``) added.

    """
    parser = parser or build_parser(spec)
    args = parser.parse_args(argv)
    args.envs = list(dict.fromkeys(args.envs))
    args.algorithms = list(dict.fromkeys(args.algorithms))
    message = _grid_error(spec, args)
    if message:
        parser.error(message)
    try:
        run_configs(spec, args)
    except ExperimentConfigError as error:
        parser.error(f'--{_GRID_OPTIONS.get(error.field, error.field)}: {error}' if error.field else str(error))
    return args


def _unknown_labels_message(spec: GridSpec, unknown: Sequence[str]) -> str:
    hints = []
    for name in unknown:
        labels = [entry.label for entry in spec.entries if entry.algorithm == name]
        if labels:
            hints.append(f'{name} is the algorithm of {", ".join(labels)}: select entries by label')
        elif did_you_mean(name, spec.labels):
            hints.append(did_you_mean(name, spec.labels).strip())
    return (f'unknown algorithm label(s) {list(unknown)} for grid {spec.name!r}; valid: {", ".join(spec.labels)}'
            + (f' ({"; ".join(hints)})' if hints else ''))


def _grid_error(spec: GridSpec, args: argparse.Namespace) -> Optional[str]:
    """What only the grid checks (sets ``args.overrides``); the message of the first error, or None."""
    unknown_envs = [env for env in args.envs if env not in spec.selectable_tasks]
    if unknown_envs:
        hints = ''.join(did_you_mean(env, spec.selectable_tasks) for env in unknown_envs)
        return (f'unknown task(s) {unknown_envs} for grid {spec.name!r};{hints} valid: '
                f'{", ".join(spec.selectable_tasks)}')
    unknown_labels = [label for label in args.algorithms if label not in spec.labels]
    if unknown_labels:
        return _unknown_labels_message(spec, unknown_labels)
    try:
        args.overrides = parse_hyperparameters(args.hyperparameters)
    except ExperimentConfigError as error:
        return f'--hyperparameters: {error}'
    for label in args.algorithms:
        entry = spec.entry(label)
        changed = sorted(key for key in args.overrides
                         if key in entry.hyperparameters and args.overrides[key] != entry.hyperparameters[key])
        if changed:
            return (f'--hyperparameters would change {changed} of {label}, which defines it as '
                    f'{ {key: entry.hyperparameters[key] for key in changed} }')
    for name, value in (('n_seeds', args.n_seeds), ('n_exps_in_parallel', args.n_exps_in_parallel),
                        ('requeue_grace', args.requeue_grace)):
        if value is not None and value < 1:
            return f'--{name} must be >= 1, got {value}'
    return None


# ------------------------------------------------------------------------------------------------
# The selected runs
# ------------------------------------------------------------------------------------------------
def n_seeds(spec: GridSpec, args: argparse.Namespace) -> int:
    """The seeds per (task, entry): ``--n_seeds``, else the spec's (paper or ``--test``)."""
    if args.n_seeds is not None:
        return args.n_seeds
    return spec.test_n_seeds if args.test else spec.n_seeds


def run_settings(spec: GridSpec, args: argparse.Namespace, entry: Optional[GridEntry] = None) -> Dict[str, Any]:
    """The budget of one run: the spec's (paper, the entry's own, or ``--test``), with the command-line overrides."""
    settings = spec.settings(args.test, entry)
    for name in _SETTING_NAMES:
        if getattr(args, name, None) is not None:
            settings[name] = getattr(args, name)
    return settings


def entry_hyperparameters(spec: GridSpec, args: argparse.Namespace, entry: GridEntry) -> Dict[str, Any]:
    """The overrides of one entry: ``--test``'s (those the algorithm has), the entry's, the command line's."""
    return spec.entry_overrides(entry, args.test, args.overrides)


def run_configs(spec: GridSpec, args: argparse.Namespace) -> List[RunConfig]:
    """
    The selected runs, one :class:`RunConfig` per (task, entry), in grid order (the seed is the
    first one, ``results_dir`` is left to the Launcher).

    Raises:
        ExperimentConfigError: for an invalid run, naming the grid, the entry and the task.

    """
    return [entry_run_config(spec, env_id, spec.entry(label), run_settings(spec, args, spec.entry(label)),
                             entry_hyperparameters(spec, args, spec.entry(label)), random_mass=args.random_mass,
                             hide_actuator_forces=spec.hide_actuator_forces,
                             expert_data=_expert_file(spec, args, env_id, label),
                             seed=args.start_seed, n_threads=args.n_cores, device=args.device, quiet=True)
            for env_id in args.envs for label in args.algorithms]


def _expert_file(spec: GridSpec, args: argparse.Namespace, env_id: str, label: str) -> Optional[str]:
    """``<expert_dir>/<env_id>.perfect.npz`` (what ``launchers.tools.make_expert_data`` writes) for an imitating
    entry when the file exists; else None: the task's default data (GAIL: loco-mujoco's; LS-IQ, needing actions: an error)."""
    if not (spec.imitates and needs_expert_data(spec.entry(label).algorithm)):
        return None
    path = os.path.abspath(os.path.join(args.expert_dir, f'{env_id}.perfect.npz'))
    return path if os.path.isfile(path) else None
