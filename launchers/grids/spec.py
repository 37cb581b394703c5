"""The declaration of an experiment grid: tasks x entries (labelled algorithm variants) x seeds.

A grid module (``launchers/grids/memory.py``, ...) is a :class:`GridSpec` and ``main = make_main(SPEC)``
(``launchers/grids/runner.py``). The spec names the tasks, the grid entries (a label, a registered
algorithm and fixed hyperparameter overrides, e.g. ``('SAC_BPTT32', 'SAC_BPTT', {'truncation_length':
32})``), the paper's budget (epochs, steps per epoch, evaluation episodes, seeds) and the tiny budget
of ``--test``.

Checks: the grid itself checks what only a grid has (at least one task and entry, unique tasks and
labels, labels that can name a folder, positive seed counts); every run of the grid, with the
paper's and with the test budget, is built as a :class:`launchers.run.config.RunConfig`, which checks
the rest (algorithm, hyperparameters, task options such as ``random_mass``, budgets). So a typo in a
launch file fails on import.

"""
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Union

from launchers.run.config import ExperimentConfigError, RunConfig
from mushroom_s2pg.algorithms import hyperparameter_names, needs_expert_data

__all__ = ['GridEntry', 'GridSpec', 'EntryLike', 'paper_variants', 'entry_run_config', 'TEST_SETTINGS',
           'TEST_HYPERPARAMETERS']

#: The tiny budget of ``--test`` (default of :class:`GridSpec`).
TEST_SETTINGS: Dict[str, Any] = dict(n_epochs=1, n_steps_per_epoch=200, n_eval_episodes=1, horizon=50)

#: Hyperparameters of ``--test`` (default of :class:`GridSpec`; each entry gets those its algorithm has).
TEST_HYPERPARAMETERS: Dict[str, Any] = dict(initial_replay_size=64, warmup_transitions=100, batch_size=32,
                                            max_replay_size=2000)


@dataclass(frozen=True)
class GridEntry:
    """
    One algorithm variant of a grid.

    Args:
        label (str): the name of the variant: the ``--algorithms`` selector and the result folder;
        algorithm (str): the registered algorithm (``available_algorithms()``);
        hyperparameters (Mapping[str, Any]): fixed hyperparameter overrides that define the variant;
        budget (Mapping[str, Any]): the entry's own paper budget (``n_epochs``, ``n_steps_per_epoch``), where it
            differs from the grid's (e.g. LS-IQ's 5000 steps per epoch beside GAIL's 100k); not used by ``--test``.

    """
    label: str
    algorithm: str
    hyperparameters: Mapping[str, Any] = field(default_factory=dict)
    budget: Mapping[str, Any] = field(default_factory=dict)

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
    A declarative experiment grid: tasks x entries x seeds, checked when built (see the module).

    Args:
        name (str): the experiment name (first part of the results folder, ``--exp_name`` default);
        module (str): the launch module, e.g. ``'launchers.grids.pomdp'`` (for the help text);
        description (str): the launch file's docstring (its first paragraph heads the help text);
        tasks (Sequence[str]): the environment ids (run by default);
        entries (Sequence[EntryLike]): the variants, :class:`GridEntry` or ``(label, algorithm[,
            hyperparameters])``;
        n_epochs (int): the paper's epochs per run;
        n_steps_per_epoch (int): the paper's environment steps per epoch;
        n_eval_episodes (int, 10): evaluation episodes per epoch;
        n_seeds (int, 25): seeds per (task, entry);
        random_mass (bool, False): randomise the body masses by default (POMDP locomotion tasks only);
        hide_actuator_forces (bool, None): the task option of that name for every run (None: the task's default);
        slurm_time (str, '2-00:00:00'): default SLURM time limit per run;
        horizon (int, None): the episode horizon of every run (None: each task's own); ``--horizon`` overrides it;
        extra_tasks (Sequence[str], ()): further environment ids that ``--envs`` may select, not run by default;
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
    hide_actuator_forces: Optional[bool] = None
    slurm_time: str = '2-00:00:00'
    horizon: Optional[int] = None
    extra_tasks: Sequence[str] = ()
    test_settings: Mapping[str, Any] = field(default_factory=lambda: dict(TEST_SETTINGS))
    test_hyperparameters: Mapping[str, Any] = field(default_factory=lambda: dict(TEST_HYPERPARAMETERS))
    test_n_seeds: int = 1

    def __post_init__(self) -> None:
        entries = tuple(entry if isinstance(entry, GridEntry) else GridEntry(*entry) for entry in self.entries)
        object.__setattr__(self, 'entries', entries)
        object.__setattr__(self, 'tasks', tuple(self.tasks))
        object.__setattr__(self, 'extra_tasks', tuple(self.extra_tasks))
        self._check_grid()
        for env_id in self.selectable_tasks:
            for entry in self.entries:
                for test in (False, True):
                    entry_run_config(self, env_id, entry, self.settings(test, entry), self.entry_overrides(entry, test),
                                     random_mass=self.random_mass, hide_actuator_forces=self.hide_actuator_forces)

    def _check_grid(self) -> None:
        """What only a grid has: tasks and entries, unique names, folder-safe labels, seed counts."""
        where = f'grid {self.name!r}'
        if not self.tasks or not self.entries:
            raise ValueError(f'{where}: needs at least one task and one entry')
        for kind, names in (('task', self.selectable_tasks), ('label', self.labels)):
            duplicates = sorted({name for name in names if list(names).count(name) > 1})
            if duplicates:
                raise ValueError(f'{where}: duplicate {kind}(s) {duplicates}')
        for label in self.labels:
            if not label or any(c in label for c in '/\\ \t\n') or label.startswith('.'):
                raise ValueError(f'{where}: label {label!r} cannot name a folder')
        for name, value in (('n_seeds', self.n_seeds), ('test_n_seeds', self.test_n_seeds)):
            if int(value) < 1:
                raise ValueError(f'{where}: {name} must be positive, got {value}')

    @property
    def selectable_tasks(self) -> Tuple[str, ...]:
        """The tasks ``--envs`` may select: the grid's, then the extra ones."""
        return tuple(self.tasks) + tuple(self.extra_tasks)

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
        """The paper's budget of one run (with the grid's ``horizon`` where it sets one)."""
        settings = dict(n_epochs=self.n_epochs, n_steps_per_epoch=self.n_steps_per_epoch,
                        n_eval_episodes=self.n_eval_episodes)
        if self.horizon is not None:
            settings['horizon'] = int(self.horizon)
        return settings

    def settings(self, test: bool, entry: Optional[GridEntry] = None) -> Dict[str, Any]:
        """The budget of one run: ``--test``'s, or the paper's (the entry's own where it has one)."""
        if test:
            return dict(self.test_settings)
        return {**self.paper_settings, **(dict(entry.budget) if entry is not None else {})}

    @property
    def imitates(self) -> bool:
        """Whether an entry imitates expert data (the grid then takes ``--expert_dir``)."""
        return any(needs_expert_data(entry.algorithm) for entry in self.entries)

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

    def entry_overrides(self, entry: GridEntry, test: bool,
                        common: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """
        The hyperparameter overrides of one entry: ``--test``'s (those its algorithm has), the
        entry's, then ``common`` (the command line's, for every selected entry).

        """
        overrides: Dict[str, Any] = dict()
        if test:
            valid = hyperparameter_names(entry.algorithm)
            overrides.update({key: value for key, value in self.test_hyperparameters.items() if key in valid})
        overrides.update(entry.hyperparameters)
        overrides.update(common or {})
        return overrides


def entry_run_config(spec: GridSpec, env_id: str, entry: GridEntry, settings: Mapping[str, Any],
                     hyperparameters: Mapping[str, Any], **options: Any) -> RunConfig:
    """
    The run configuration of one (task, entry) of a grid, checked by :class:`RunConfig`.

    Args:
        spec (GridSpec): the grid;
        env_id (str): the task;
        entry (GridEntry): the entry (its label is the run's ``variant``);
        settings (Mapping[str, Any]): the budget (``n_epochs``, ``n_steps_per_epoch``, ...);
        hyperparameters (Mapping[str, Any]): the entry's overrides (:meth:`GridSpec.entry_overrides`);
        **options: other :class:`RunConfig` fields (``random_mass``, ``seed``, ``n_threads``, ...).

    Returns:
        The configuration (``seed`` and ``results_dir`` are those of each run's own).

    Raises:
        ExperimentConfigError: naming the grid, the entry, the task, the value and the valid choices.

    """
    try:
        return RunConfig(env_id=env_id, algorithm=entry.algorithm, variant=entry.label,
                         hyperparameters=dict(hyperparameters), **settings, **options)
    except ExperimentConfigError as error:
        raise ExperimentConfigError(f'grid {spec.name!r}, entry {entry.label!r} on {env_id}: {error}',
                                    error.field) from None
