"""Experiment grids: a declarative spec, and the command line that sends it through experiment-launcher.

A launch file (``launchers/launch_*.py``) is a :class:`GridSpec` and ``main = make_main(SPEC)``. The
spec names the tasks, the grid entries (a label, a registered algorithm and fixed hyperparameter
overrides, e.g. ``('SAC_BPTT32', 'SAC_BPTT', {'truncation_length': 32})``), the paper's budget
(epochs, steps per epoch, evaluation episodes, seeds) and the tiny budget of ``--test``. This module
provides the rest, shared by every grid:

- the parser: grid selection (``--envs``, ``--algorithms`` by entry label), budget overrides,
  ``--test``, ``--dry_run``, ``--local``/``--slurm`` and the SLURM resources;
- the ``experiment_launcher.Launcher``: one experiment per (task, entry), run by local joblib
  workers or as SLURM batch files (one job array over the seeds per experiment);
- the check of local runs (last epoch reached, ``R_mean`` or the error).

Result folders: ``<base_dir>/<exp_name>[_test][_<timestamp>]/<env_id>/<label>/<seed>/``. The folder
is named after the entry label, so that ``SAC_BPTT5`` and ``SAC_BPTT32`` (both the registered
``SAC_BPTT``) do not collide: experiment-launcher names folders after the keyword arguments that
end in ``__`` (``env_id__``, ``variant__``) and passes every argument, without the underscores, to
``launchers.experiment.experiment`` (which records ``variant`` in ``args.json``).

"""
import argparse
import json
import os
import shlex
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

warnings.filterwarnings('ignore', message='.*DISPLAY environment variable.*')

from experiment_launcher import Launcher, is_local  # noqa: E402

from environments import POMDP_ENV_IDS  # noqa: E402
from mushroom_s2pg.algorithms import available_algorithms, hyperparameter_names  # noqa: E402

__all__ = ['GridEntry', 'GridSpec', 'paper_variants', 'build_parser', 'parse_args', 'run_settings',
           'entry_hyperparameters', 'grid_experiments', 'grid_runs', 'build_launcher', 'check_runs', 'run_grid',
           'make_main', 'EXPERIMENT_MODULE', 'TEST_SETTINGS', 'TEST_HYPERPARAMETERS']

EXPERIMENT_MODULE = 'launchers.experiment'

#: The tiny budget of ``--test`` (default of :class:`GridSpec`).
TEST_SETTINGS: Dict[str, Any] = dict(n_epochs=1, n_steps_per_epoch=200, n_eval_episodes=1, horizon=50)

#: Hyperparameters of ``--test`` (default of :class:`GridSpec`; each entry gets those its algorithm has).
TEST_HYPERPARAMETERS: Dict[str, Any] = dict(initial_replay_size=64, warmup_transitions=100, batch_size=32,
                                            max_replay_size=2000)

_SETTING_NAMES = ('n_epochs', 'n_steps_per_epoch', 'n_eval_episodes')


# ------------------------------------------------------------------------------------------------
# The spec
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GridEntry:
    """
    One algorithm variant of a grid.

    Args:
        label (str): the name of the variant: the ``--algorithms`` selector and the result folder;
        algorithm (str): the registered algorithm (``available_algorithms()``);
        hyperparameters (Mapping[str, Any]): fixed hyperparameter overrides that define the variant.

    """
    label: str
    algorithm: str
    hyperparameters: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """``LABEL = ALGORITHM {overrides}``."""
        overrides = json.dumps(dict(self.hyperparameters), sort_keys=True) if self.hyperparameters else ''
        return f'{self.label} = {self.algorithm}' + (f' {overrides}' if overrides else '')


EntryLike = Union[GridEntry, Tuple[str, str], Tuple[str, str, Mapping[str, Any]]]


def paper_variants(family: str, common: Optional[Mapping[str, Any]] = None) -> Tuple[GridEntry, ...]:
    """
    The paper's seven variants of one algorithm family: the stochastic stateful policy (RS), BPTT
    with truncation lengths 5 and 32, observation windows of 5 and 32, vanilla and oracle.

    Args:
        family (str): ``'SAC'``, ``'TD3'`` or ``'PPO'``;
        common (Mapping[str, Any], None): overrides that every variant gets (e.g.
            ``{'privileged_critic': False}``).

    Returns:
        The entries ``<family>_RS``, ``_BPTT5``, ``_BPTT32``, ``_WINDOW5``, ``_WINDOW32``,
        ``_VANILLA``, ``_ORACLE``.

    """
    common = dict(common or {})
    return (GridEntry(f'{family}_RS', f'{family}_RS', dict(common)),
            GridEntry(f'{family}_BPTT5', f'{family}_BPTT', dict(common, truncation_length=5)),
            GridEntry(f'{family}_BPTT32', f'{family}_BPTT', dict(common, truncation_length=32)),
            GridEntry(f'{family}_WINDOW5', f'{family}_WINDOW', dict(common, window_length=5)),
            GridEntry(f'{family}_WINDOW32', f'{family}_WINDOW', dict(common, window_length=32)),
            GridEntry(f'{family}_VANILLA', f'{family}_VANILLA', dict(common)),
            GridEntry(f'{family}_ORACLE', f'{family}_ORACLE', dict(common)))


@dataclass(frozen=True)
class GridSpec:
    """
    A declarative experiment grid: tasks x entries x seeds. Checked when built (unique labels,
    registered algorithms, hyperparameters the algorithms have), so that a typo in a launch file
    fails on import.

    Args:
        name (str): the experiment name (first part of the results folder, ``--exp_name`` default);
        module (str): the launch module, e.g. ``'launchers.launch_pomdp'`` (for the help text);
        description (str): the launch file's docstring (its first paragraph heads the help text);
        tasks (Sequence[str]): the environment ids;
        entries (Sequence[EntryLike]): the variants, :class:`GridEntry` or ``(label, algorithm[,
            hyperparameters])``;
        n_epochs (int): the paper's epochs per run;
        n_steps_per_epoch (int): the paper's environment steps per epoch;
        n_eval_episodes (int, 10): evaluation episodes per epoch;
        n_seeds (int, 25): seeds per (task, entry);
        random_mass (bool, False): randomise the body masses by default (POMDP locomotion tasks only);
        slurm_time (str, '2-00:00:00'): default SLURM time limit per run;
        test_settings (Mapping[str, Any], TEST_SETTINGS): the budget of ``--test`` (may set ``horizon``);
        test_hyperparameters (Mapping[str, Any], TEST_HYPERPARAMETERS): the overrides of ``--test``,
            each entry gets those its algorithm has (its fixed overrides win);
        test_n_seeds (int, 1): seeds of ``--test``.

    """
    name: str
    module: str
    description: str
    tasks: Sequence[str]
    entries: Sequence[EntryLike]
    n_epochs: int
    n_steps_per_epoch: int
    n_eval_episodes: int = 10
    n_seeds: int = 25
    random_mass: bool = False
    slurm_time: str = '2-00:00:00'
    test_settings: Mapping[str, Any] = field(default_factory=lambda: dict(TEST_SETTINGS))
    test_hyperparameters: Mapping[str, Any] = field(default_factory=lambda: dict(TEST_HYPERPARAMETERS))
    test_n_seeds: int = 1

    def __post_init__(self) -> None:
        entries = tuple(entry if isinstance(entry, GridEntry) else GridEntry(*entry) for entry in self.entries)
        object.__setattr__(self, 'entries', entries)
        object.__setattr__(self, 'tasks', tuple(self.tasks))
        where = f'grid {self.name!r}'
        if not self.tasks or not entries:
            raise ValueError(f'{where}: needs at least one task and one entry')
        for kind, names in (('task', self.tasks), ('label', [entry.label for entry in entries])):
            duplicates = sorted({name for name in names if list(names).count(name) > 1})
            if duplicates:
                raise ValueError(f'{where}: duplicate {kind}(s) {duplicates}')
        registered = available_algorithms()
        for entry in entries:
            if not entry.label or any(c in entry.label for c in '/\\ \t\n') or entry.label.startswith('.'):
                raise ValueError(f'{where}: label {entry.label!r} cannot name a folder')
            if entry.algorithm not in registered:
                raise ValueError(f'{where}: entry {entry.label!r} has the unknown algorithm {entry.algorithm!r}; '
                                 f'valid: {", ".join(registered)}')
            unknown = sorted(set(entry.hyperparameters) - set(hyperparameter_names(entry.algorithm)))
            if unknown:
                raise ValueError(f'{where}: entry {entry.label!r}: hyperparameter(s) {unknown} unknown to '
                                 f'{entry.algorithm}; valid: {", ".join(hyperparameter_names(entry.algorithm))}')
        if self.random_mass and set(self.tasks) - set(POMDP_ENV_IDS):
            raise ValueError(f'{where}: random_mass needs POMDP locomotion tasks ({", ".join(POMDP_ENV_IDS)})')
        for name in ('n_epochs', 'n_steps_per_epoch', 'n_eval_episodes', 'n_seeds', 'test_n_seeds'):
            if int(getattr(self, name)) < (0 if name == 'n_epochs' else 1):
                raise ValueError(f'{where}: {name} must be positive')

    @property
    def labels(self) -> Tuple[str, ...]:
        """The entry labels, in grid order."""
        return tuple(entry.label for entry in self.entries)

    @property
    def algorithms(self) -> Tuple[str, ...]:
        """The registered algorithms of the entries, each once, in grid order."""
        return tuple(dict.fromkeys(entry.algorithm for entry in self.entries))

    @property
    def paper_settings(self) -> Dict[str, int]:
        """The paper's budget of one run."""
        return dict(n_epochs=self.n_epochs, n_steps_per_epoch=self.n_steps_per_epoch,
                    n_eval_episodes=self.n_eval_episodes)

    @property
    def n_runs(self) -> int:
        """Runs of the full grid (tasks x entries x seeds)."""
        return len(self.tasks) * len(self.entries) * self.n_seeds

    def entry(self, label: str) -> GridEntry:
        """The entry of ``label``."""
        for entry in self.entries:
            if entry.label == label:
                return entry
        raise KeyError(f'{label!r} is not an entry of grid {self.name!r}; valid: {", ".join(self.labels)}')


# ------------------------------------------------------------------------------------------------
# Command line
# ------------------------------------------------------------------------------------------------
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
    parser = argparse.ArgumentParser(
        prog=f'python -m {spec.module}', formatter_class=argparse.RawDescriptionHelpFormatter,
        description=f'{summary}\n\ntasks: {", ".join(spec.tasks)}\nalgorithms: {", ".join(spec.algorithms)}\n'
                    f'entries (--algorithms selects them by label):\n{entries}\n'
                    f'full grid: {len(spec.tasks)} tasks x {len(spec.entries)} entries x {spec.n_seeds} seeds = '
                    f'{spec.n_runs} runs of {paper["n_epochs"]} epochs x {paper["n_steps_per_epoch"]} steps',
        epilog='Where to run: --local (joblib) or --slurm (sbatch); by default SLURM when sbatch is on the PATH.')
    where = parser.add_mutually_exclusive_group()
    where.add_argument('--local', dest='mode', action='store_const', const='local',
                       help='run with local joblib workers')
    where.add_argument('--slurm', dest='mode', action='store_const', const='slurm', help='submit SLURM batch jobs')
    parser.add_argument('--test', action='store_true',
                        help=f'run a tiny grid locally ({dict(spec.test_settings)}, {spec.test_n_seeds} seed(s)) and '
                             'check every run finished')
    parser.add_argument('--dry_run', action='store_true',
                        help='print the runs (local) or write the SLURM files and print the sbatch commands, '
                             'without running or submitting anything')

    grid = parser.add_argument_group('grid')
    grid.add_argument('--envs', nargs='+', default=list(spec.tasks), metavar='ENV_ID',
                      help=f'tasks (default: all {len(spec.tasks)})')
    grid.add_argument('--algorithms', nargs='+', default=list(spec.labels), metavar='LABEL',
                      help=f'entries, by label (default: all {len(spec.entries)})')
    grid.add_argument('--n_seeds', type=int, default=None,
                      help=f'seeds per configuration (default: {spec.n_seeds}, --test: {spec.test_n_seeds})')
    grid.add_argument('--start_seed', type=int, default=0, help='first seed (default: 0)')
    grid.add_argument('--n_epochs', type=int, default=None, help=f'epochs (default: {paper["n_epochs"]})')
    grid.add_argument('--n_steps_per_epoch', type=int, default=None,
                      help=f'steps per epoch (default: {paper["n_steps_per_epoch"]})')
    grid.add_argument('--n_eval_episodes', type=int, default=None,
                      help=f'evaluation episodes (default: {paper["n_eval_episodes"]})')
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
    grid.add_argument('--base_dir', default='./logs', help='results base folder (default: ./logs)')
    grid.add_argument('--no_timestamp', action='store_true', help='do not append a timestamp to the experiment name')

    resources = parser.add_argument_group('resources')
    resources.add_argument('--n_exps_in_parallel', type=int, default=1,
                           help='local: joblib workers; SLURM: runs per batch file (default: 1)')
    resources.add_argument('--n_cores', type=int, default=1, help='cores (and torch threads) per run (default: 1)')
    resources.add_argument('--memory_per_core', type=int, default=4000,
                           help='SLURM memory per core in MB (default: 4000)')
    resources.add_argument('--time', type=_duration, default=_duration(spec.slurm_time),
                           help=f'SLURM time limit, D-HH:MM:SS (default: {spec.slurm_time})')
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


def _unknown_labels_message(spec: GridSpec, unknown: Sequence[str]) -> str:
    hints = []
    for name in unknown:
        labels = [entry.label for entry in spec.entries if entry.algorithm == name]
        if labels:
            hints.append(f'{name} is the algorithm of {", ".join(labels)}: select entries by label')
    return (f'unknown algorithm label(s) {list(unknown)} for grid {spec.name!r}; valid: {", ".join(spec.labels)}'
            + (f' ({"; ".join(hints)})' if hints else ''))


def _validate(spec: GridSpec, args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    args.envs = list(dict.fromkeys(args.envs))
    args.algorithms = list(dict.fromkeys(args.algorithms))
    unknown_envs = [env for env in args.envs if env not in spec.tasks]
    if unknown_envs:
        parser.error(f'unknown task(s) {unknown_envs} for grid {spec.name!r}; valid: {", ".join(spec.tasks)}')
    unknown_labels = [label for label in args.algorithms if label not in spec.labels]
    if unknown_labels:
        parser.error(_unknown_labels_message(spec, unknown_labels))
    if args.random_mass and set(args.envs) - set(POMDP_ENV_IDS):
        parser.error(f'--random_mass needs POMDP locomotion tasks ({", ".join(POMDP_ENV_IDS)}), got '
                     f'{sorted(set(args.envs) - set(POMDP_ENV_IDS))}')
    args.overrides = dict()
    if args.hyperparameters:
        try:
            overrides = json.loads(args.hyperparameters)
        except json.JSONDecodeError as error:
            parser.error(f'--hyperparameters is not valid JSON: {error}')
        if not isinstance(overrides, dict):
            parser.error('--hyperparameters must be a JSON object')
        for label in args.algorithms:
            entry = spec.entry(label)
            valid = hyperparameter_names(entry.algorithm)
            unknown = sorted(set(overrides) - set(valid))
            if unknown:
                parser.error(f'hyperparameter(s) {unknown} unknown to {label} ({entry.algorithm}); valid: '
                             f'{", ".join(valid)}')
            changed = sorted(key for key in overrides
                             if key in entry.hyperparameters and overrides[key] != entry.hyperparameters[key])
            if changed:
                parser.error(f'--hyperparameters would change {changed} of {label}, which defines it as '
                             f'{ {key: entry.hyperparameters[key] for key in changed} }')
        args.overrides = overrides
    for name in ('n_seeds',) + _SETTING_NAMES:
        value = getattr(args, name)
        if value is not None and value < (0 if name == 'n_epochs' else 1):
            parser.error(f'--{name} must be positive, got {value}')
    if args.start_seed < 0:
        parser.error(f'--start_seed must be >= 0, got {args.start_seed}')
    if args.n_exps_in_parallel < 1 or args.n_cores < 1:
        parser.error('--n_exps_in_parallel and --n_cores must be >= 1')
    if args.test and args.mode == 'slurm':
        parser.error('--test runs locally; it cannot be combined with --slurm')


def parse_args(spec: GridSpec, argv: Optional[Sequence[str]] = None,
               parser: Optional[argparse.ArgumentParser] = None) -> argparse.Namespace:
    """
    Parse and check the arguments of the grid's command line (exits with status 2 and a message
    naming the valid choices on an unknown task, label or hyperparameter).

    Returns:
        The arguments, with ``overrides`` (the parsed ``--hyperparameters``) added.

    """
    parser = parser or build_parser(spec)
    args = parser.parse_args(argv)
    _validate(spec, args, parser)
    return args


# ------------------------------------------------------------------------------------------------
# Experiments and runs
# ------------------------------------------------------------------------------------------------
def _n_seeds(spec: GridSpec, args: argparse.Namespace) -> int:
    if args.n_seeds is not None:
        return args.n_seeds
    return spec.test_n_seeds if args.test else spec.n_seeds


def run_settings(spec: GridSpec, args: argparse.Namespace) -> Dict[str, Any]:
    """The budget of one run: the spec's (paper or ``--test``), with the command-line overrides."""
    settings = dict(spec.test_settings if args.test else spec.paper_settings)
    for name in _SETTING_NAMES:
        if getattr(args, name) is not None:
            settings[name] = getattr(args, name)
    return settings


def entry_hyperparameters(spec: GridSpec, args: argparse.Namespace, entry: GridEntry) -> Dict[str, Any]:
    """The overrides of one entry: ``--test``'s (those the algorithm has), the entry's, the command line's."""
    overrides: Dict[str, Any] = dict()
    if args.test:
        valid = hyperparameter_names(entry.algorithm)
        overrides.update({key: value for key, value in spec.test_hyperparameters.items() if key in valid})
    overrides.update(entry.hyperparameters)
    overrides.update(getattr(args, 'overrides', None) or {})
    return overrides


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
    settings = run_settings(spec, args)
    experiments = []
    for env_id in args.envs:
        for label in args.algorithms:
            entry = spec.entry(label)
            experiment = dict(env_id__=env_id, variant__=entry.label, algorithm=entry.algorithm, **settings,
                              n_threads=args.n_cores, quiet=True)
            if args.random_mass:
                experiment['random_mass'] = True
            overrides = entry_hyperparameters(spec, args, entry)
            if overrides:
                text = json.dumps(overrides, sort_keys=True, separators=(',', ':'))
                experiment['hyperparameters'] = text if local else shlex.quote(text)
            experiments.append(experiment)
    return experiments


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
        n_seeds=_n_seeds(spec, args),
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
    for experiment in grid_experiments(spec, args, local):
        launcher.add_experiment(**experiment)
    return launcher


def grid_runs(spec: GridSpec, args: argparse.Namespace, launcher: Launcher,
              local: bool) -> List[Tuple[str, str, int, str]]:
    """
    Returns:
        The runs of the selected grid as (env_id, label, seed, run folder).

    """
    root = launcher.log_dir(local=local)
    return [(env_id, label, seed, os.path.join(root, env_id, label, str(seed)))
            for env_id in args.envs for label in args.algorithms
            for seed in range(args.start_seed, args.start_seed + _n_seeds(spec, args))]


def check_runs(runs: Sequence[Tuple[str, str, int, str]], n_epochs: int) -> int:
    """
    Print one line per run (last epoch and ``R_mean``, or the error).

    Returns:
        The number of runs that did not reach epoch ``n_epochs``.

    """
    from mushroom_s2pg.utils import read_progress

    failed = 0
    width = max([len(label) for _, label, _, _ in runs] + [12])
    for env_id, label, seed, run_dir in runs:
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
        print(f'  {env_id:20s} {label:{width}s} seed {seed}: {status}')
    return failed


# ------------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------------
def _print_local_commands(spec: GridSpec, args: argparse.Namespace, runs: Sequence[Tuple[str, str, int, str]]) -> None:
    experiments = {(exp['env_id__'], exp['variant__']): exp for exp in grid_experiments(spec, args, local=True)}
    for env_id, label, seed, run_dir in runs:
        arguments = [f'--{key.rstrip("_")}={value}' for key, value in experiments[env_id, label].items()]
        print('  ' + shlex.join(['python', '-m', EXPERIMENT_MODULE, *arguments, f'--seed={seed}',
                                 f'--results_dir={os.path.dirname(run_dir)}']))


def run_grid(spec: GridSpec, argv: Optional[Sequence[str]] = None) -> int:
    """
    Parse the command line and launch (or, with ``--dry_run``, show) the selected grid.

    Args:
        spec (GridSpec): the grid;
        argv (Sequence[str], None): the arguments (None: ``sys.argv[1:]``).

    Returns:
        The exit status: 0, or 1 when a local run did not finish.

    """
    parser = build_parser(spec)
    args = parse_args(spec, argv, parser)
    mode = args.mode or ('local' if args.test or is_local() else 'slurm')
    local = mode == 'local'

    if not local and args.conda_env is None:
        interpreter_dir = os.path.dirname(sys.executable)
        if os.path.exists(os.path.join(interpreter_dir, 'python3')):
            os.environ['PATH'] = interpreter_dir + os.pathsep + os.environ.get('PATH', '')

    try:
        launcher = build_launcher(spec, args, local)
    except FileExistsError as error:
        parser.error(f'the experiment folder {error.filename} exists already: use another --exp_name or drop '
                     '--no_timestamp')
    except Exception as error:  # e.g. conda_env without a conda installation
        parser.error(str(error))
    runs = grid_runs(spec, args, launcher, local)
    settings = run_settings(spec, args)
    print(f'[launch] {spec.name}: {len(runs)} runs ({len(args.envs)} tasks x {len(args.algorithms)} entries x '
          f'{_n_seeds(spec, args)} seeds), {settings}, random_mass {args.random_mass}, mode {mode}'
          f'{" (dry run)" if args.dry_run else ""}; results in {launcher.log_dir(local=local)}')

    if args.dry_run and local:
        _print_local_commands(spec, args, runs)
        try:
            os.rmdir(launcher.log_dir(local=True))  # created by the Launcher; empty in a dry run
        except OSError:
            pass
        return 0

    launcher.run(local=local, test=args.dry_run, sequential=local and args.n_exps_in_parallel == 1)

    if local:
        failed = check_runs(runs, settings['n_epochs'])
        print(f'[launch] {len(runs) - failed}/{len(runs)} runs finished; results in {launcher.log_dir(local=True)}')
        return 1 if failed else 0
    if not args.dry_run:
        print(f'[launch] submitted; SLURM files and logs in {launcher.log_dir(local=False)}')
    return 0


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

    main.__doc__ = f'Command-line entry point of grid {spec.name!r} (see ``launchers.grid.run_grid``).'
    main.spec = spec  # type: ignore[attr-defined]
    main.build_parser = lambda: build_parser(spec)  # type: ignore[attr-defined]
    return main
