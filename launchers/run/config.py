"""The configuration of one run: a frozen dataclass, validated in one place, that also defines the command line.

:class:`RunConfig` holds every argument of ``launchers.run.experiment.experiment``: its type, its default and a help
text (``metadata['help']``, with the bounds of the numbers in ``metadata['minimum']`` and ``metadata['maximum']``).
Building one checks every value (``__post_init__``) and raises :class:`ExperimentConfigError`, naming the value and
the valid choices, before anything is written:

- the environment id and the task options (``random_mass``, ...) through ``environments.check_env_options``;
- the algorithm and its hyperparameters (names, types) through ``mushroom_s2pg.algorithms.check_hyperparameters``;
- the types and bounds of the numbers;
- the JSON of ``hyperparameters``, parsed once into :attr:`RunConfig.overrides` with ``truncation_length``,
  ``window_length`` and (for the algorithms that have it) ``n_steps_per_fit``.

:func:`add_config_arguments` builds the options from the fields, :func:`experiment_signature` the signature of
``experiment`` that experiment-launcher reads.

"""
import argparse
import inspect
import json
import numbers
import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union, get_args, get_origin, get_type_hints

import numpy as np

from environments import LOCO_TASK_IDS, available_env_ids, check_env_options, env_options, expert_dataset
from environments.expert_data import ExpertData, file_task_options
from mushroom_s2pg.algorithms import (available_algorithms, check_hyperparameters, did_you_mean, expert_data_for,
                                      hyperparameter_names, needs_expert_data)
from mushroom_s2pg.core.device import resolve_device

__all__ = ['ExperimentConfigError', 'RunConfig', 'parse_hyperparameters', 'config_fields', 'parse_bool',
           'add_config_arguments', 'experiment_signature']


class ExperimentConfigError(ValueError):
    """
    An invalid run argument (unknown environment, algorithm, hyperparameter or task option, bad value).

    Args:
        message (str): the message, naming the value and the valid choices;
        field (str, None): the :class:`RunConfig` field at fault, if one is.

    """
    def __init__(self, message: str, field: Optional[str] = None):
        super().__init__(message)
        self.field = field


def _help(text: str, **bounds: int) -> Dict[str, Any]:
    return dict(help=text, **bounds)


@dataclass(frozen=True)
class RunConfig:
    """One run: a task, an algorithm, a seed and a budget (see each field's ``metadata['help']``)."""
    env_id: str = field(default='HalfCheetahPOMDP-v5', metadata=_help(
        'the environment id: a project id or any registered Gymnasium id'))
    algorithm: str = field(default='SAC_RS', metadata=_help('the registered algorithm'))
    n_epochs: int = field(default=200, metadata=_help('the number of epochs (the total when resuming)', minimum=0))
    n_steps_per_epoch: int = field(default=10000, metadata=_help(
        'the environment steps of learning per epoch', minimum=1))
    n_eval_episodes: int = field(default=10, metadata=_help(
        'the evaluation episodes per epoch, with the stochastic and again with the deterministic policy', minimum=1))
    seed: int = field(default=0, metadata=_help(
        "the seed of NumPy, PyTorch, Python's random and the environment", minimum=0, maximum=2 ** 32 - 1))
    results_dir: str = field(default='results', metadata=_help(
        'the results folder; the run writes into <results_dir>/<seed>'))
    random_mass: bool = field(default=False, metadata=_help(
        'randomise the body masses at every reset (a task option: POMDP locomotion tasks only)'))
    hide_actuator_forces: Optional[bool] = field(default=None, metadata=_help(
        "hide Humanoid's actuator forces from the policy (a task option of the POMDP locomotion tasks; None: the "
        "task's default, hidden as in the privileged experiments; the PPO grid shows them, as the reference)"))
    normalize_observation: bool = field(default=False, metadata=_help(
        'divide the observations by the field size (a task option of the point-mass tasks; expert data written '
        'with it must be imitated with it)'))
    progress_reward: float = field(default=0.0, metadata=_help(
        'add this times the distance gained towards the goal to every reward (a task option of the point-mass '
        "tasks, a training aid for experts; 0: the paper's task)", minimum=0))
    expert_data: Optional[str] = field(default=None, metadata=_help(
        'a perfect-format expert dataset (.npz: states, actions, last, absorbing) for the .perfect imitation tasks '
        "(None: loco-mujoco's perfect dataset of the task); checked before the run starts"))
    hyperparameters: Union[str, Dict[str, Any]] = field(default='', metadata=_help(
        'a JSON object of algorithm hyperparameter overrides, e.g. \'{"lr_actor": 3e-4}\' (a dict from Python)'))
    truncation_length: Optional[int] = field(default=None, metadata=_help(
        'the BPTT truncation length, for the algorithms that have one (None: the reference default)', minimum=1))
    window_length: Optional[int] = field(default=None, metadata=_help(
        'the observation-window length, for the algorithms that have one (None: the reference default)',
        minimum=1))
    n_steps_per_fit: Optional[int] = field(default=None, metadata=_help(
        "environment steps between two fits (None: the agent's default_n_steps_per_fit, else 1); also the "
        'hyperparameter of that name for the algorithms that have one (PPO)', minimum=1))
    horizon: Optional[int] = field(default=None, metadata=_help(
        "the episode horizon (None: the environment's, 1000 for MuJoCo tasks)", minimum=1))
    quiet: bool = field(default=False, metadata=_help(
        "hide the step/episode progress bars of MushroomRL's Core (hidden anyway when not on a terminal)"))
    n_threads: int = field(default=1, metadata=_help('the number of PyTorch threads', minimum=1))
    device: str = field(default='cpu', metadata=_help(
        "where the agent's networks, optimizers and update batches live: cpu, cuda or cuda:N (not run-defining: a "
        'checkpoint resumes on any device)'))
    checkpoint_every: int = field(default=1, metadata=_help(
        'save a checkpoint every this many epochs (and after the last)', minimum=1))
    resume: bool = field(default=True, metadata=_help(
        "continue from the run folder's checkpoint if there is one (else start the run folder anew)"))
    variant: str = field(default='', metadata=_help(
        "the label of the run's grid entry (e.g. SAC_BPTT32), recorded in args.json"))

    #: The algorithm's hyperparameter overrides: the parsed ``hyperparameters`` merged with
    #: ``truncation_length``, ``window_length`` and ``n_steps_per_fit`` (set by the validation).
    overrides: Dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_values(self)
        _check_choices(self)
        object.__setattr__(self, 'overrides', _merged_overrides(self))

    @property
    def task_options(self) -> Dict[str, Any]:
        """The keyword options of ``make_env``: each task option only when set (not at its default)."""
        options = dict(random_mass=True) if self.random_mass else dict()
        if self.hide_actuator_forces is not None:
            options['hide_actuator_forces'] = bool(self.hide_actuator_forces)
        if self.normalize_observation:
            options['normalize_observation'] = True
        if self.progress_reward:
            options['progress_reward'] = self.progress_reward
        if self.expert_data is not None and 'dataset_path' in env_options(self.env_id):
            options['dataset_path'] = self.expert_data
        return options

    def check_data(self) -> Optional[ExpertData]:
        """Read the run's expert data, if it has any (:func:`check_run_data`); raises ExperimentConfigError."""
        return check_run_data(self)

    def arguments(self) -> Dict[str, Any]:
        """The fields as given (``hyperparameters`` as given too), e.g. for ``args.json``."""
        return {f.name: getattr(self, f.name) for f in config_fields()}

    def run_defining_settings(self) -> Dict[str, Any]:
        """
        The values that define the run, in JSON form: a checkpoint resumes only under the same ones.

        Returns:
            env_id, algorithm, seed, the task options, horizon, n_steps_per_epoch, n_steps_per_fit,
            n_eval_episodes and hyperparameters (the merged :attr:`overrides`).

        """
        point_mass = {name: value for name, value in self.task_options.items()
                      if name in ('normalize_observation', 'progress_reward')}
        settings = dict(env_id=self.env_id, algorithm=self.algorithm, seed=self.seed, random_mass=self.random_mass,
                        **({} if self.hide_actuator_forces is None else
                           dict(hide_actuator_forces=self.hide_actuator_forces)), **point_mass,
                        **({} if self.expert_data is None else dict(expert_data=self.expert_data)),
                        horizon=self.horizon, n_steps_per_epoch=self.n_steps_per_epoch,
                        n_steps_per_fit=self.n_steps_per_fit, n_eval_episodes=self.n_eval_episodes,
                        hyperparameters=self.overrides)
        # The form a checkpoint's state.json gives back (lists for tuples, str for other objects).
        return json.loads(json.dumps(settings, sort_keys=True, default=str))


# ------------------------------------------------------------------------------------------------
# Validation (called once, by RunConfig.__post_init__)
# ------------------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def config_fields() -> Tuple[Any, ...]:
    """The fields of :class:`RunConfig` that are arguments (every one but the derived ``overrides``)."""
    return tuple(f for f in fields(RunConfig) if f.init)


@lru_cache(maxsize=None)
def _type_hints() -> Dict[str, Any]:
    return get_type_hints(RunConfig)


def _is_optional(hint: Any) -> bool:
    return get_origin(hint) is Union and type(None) in get_args(hint)


def _base_type(hint: Any) -> type:
    """``int`` for ``Optional[int]``; ``str`` for ``Union[str, Dict]``; the type itself otherwise."""
    if get_origin(hint) is Union:
        return next(arg for arg in get_args(hint) if arg is not type(None))
    return hint


def _has_type(value: Any, kind: type) -> bool:
    if kind is int:  # NumPy integers too
        return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
    if kind is float:  # integers and NumPy numbers too
        return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)) and np.isfinite(value)
    if kind is str:
        return isinstance(value, (str, os.PathLike))
    return isinstance(value, kind)


def _check_values(config: RunConfig) -> None:
    """Types and bounds of the fields (``hyperparameters`` is checked when parsed); NumPy integers become ints."""
    for f in config_fields():
        value, hint = getattr(config, f.name), _type_hints()[f.name]
        kind = _base_type(hint)
        if f.name == 'hyperparameters' or (value is None and _is_optional(hint)):
            continue
        minimum, maximum = f.metadata.get('minimum'), f.metadata.get('maximum')
        if _has_type(value, kind) and (minimum is None or value >= minimum) and (maximum is None or value <= maximum):
            if kind in (int, float):
                object.__setattr__(config, f.name, kind(value))
            continue
        expected = {int: 'an integer', float: 'a finite number', bool: 'True or False', str: 'a string'}[kind]
        expected += f' >= {minimum}' if minimum is not None else ''
        expected += f' and <= {maximum}' if maximum is not None else ''
        raise ExperimentConfigError(f'{f.name} must be {"None or " if _is_optional(hint) else ""}{expected}, '
                                    f'got {value!r}.', f.name)


def _check_choices(config: RunConfig) -> None:
    """The algorithm, the environment id and the task options."""
    algorithms = available_algorithms()
    if config.algorithm not in algorithms:
        raise ExperimentConfigError(f'Unknown algorithm {config.algorithm!r}.'
                                    f'{did_you_mean(config.algorithm, algorithms)} Valid algorithms: '
                                    f'{", ".join(algorithms)}', 'algorithm')
    try:
        env_options(config.env_id)
    except ValueError as error:
        raise ExperimentConfigError(str(error), 'env_id') from None
    _check_expert_data(config)
    try:
        resolve_device(config.device, check_available=False)   # a GPU is checked where the run runs
    except ValueError as error:
        raise ExperimentConfigError(str(error), 'device') from None
    try:
        check_env_options(config.env_id, config.task_options)
    except ValueError as error:
        bad = [name for name in config.task_options if name not in env_options(config.env_id)]
        raise ExperimentConfigError(str(error), bad[0] if bad else 'random_mass') from None


def _check_expert_data(config: RunConfig) -> None:
    """
    Expert data, the cheap checks of every configuration: imitation algorithms run on imitation tasks, or on any
    other task with an ``expert_data`` file;
    ``expert_data`` is for them and for the ``.perfect`` tasks, and must be a file. :meth:`RunConfig.check_data`
    then reads the data themselves (``experiment`` and the grids call it before anything is written).

    """
    imitates = needs_expert_data(config.algorithm)
    if imitates and config.env_id not in LOCO_TASK_IDS and config.expert_data is None:
        raise ExperimentConfigError(f'{config.algorithm} imitates expert data: it runs on the imitation tasks '
                                    f'({", ".join(LOCO_TASK_IDS)}), or on {config.env_id!r} with expert_data (a file '
                                    'of launchers.tools.make_expert_data).', 'env_id')
    perfect_task = 'dataset_path' in env_options(config.env_id)
    if config.expert_data is not None and not (perfect_task or imitates):
        perfect = [env_id for env_id in available_env_ids() if 'dataset_path' in env_options(env_id)]
        raise ExperimentConfigError(f'expert_data is for the imitation algorithms and the .perfect imitation tasks '
                                    f'({", ".join(perfect)}), not {config.algorithm} on {config.env_id!r}.',
                                    'expert_data')
    if config.expert_data is not None and not os.path.isfile(config.expert_data):
        raise ExperimentConfigError(f'expert_data: the file {config.expert_data!r} does not exist.', 'expert_data')


def check_run_data(config: RunConfig) -> Optional[ExpertData]:
    """
    Read the expert data of a run (given, or the task's default dataset) once and check them for its algorithm:
    a missing dataset (with how to get it), a bad file (missing key, wrong shape, another robot) or data the
    algorithm cannot use (LS-IQ without actions) raise :class:`ExperimentConfigError` naming ``expert_data``.
    Returns the expert data of an imitation run (``launchers.run.training.train`` takes them), else None.
    """
    imitates = needs_expert_data(config.algorithm)
    if not (imitates or 'dataset_path' in env_options(config.env_id)):
        return None
    try:
        dataset = expert_dataset(config.env_id, config.expert_data)
        expert_data = expert_data_for(config.algorithm, dataset) if imitates else None
        recorded = file_task_options(config.expert_data) if config.expert_data else {}
    except (OSError, ValueError) as error:
        raise ExperimentConfigError(f'expert_data: {error}', 'expert_data') from None
    _check_observed_alike(config, recorded)
    return expert_data


def _check_observed_alike(config: RunConfig, recorded: Dict[str, Any]) -> None:
    """The run observes its task as the expert file's states were observed (``normalize_observation``)."""
    written = bool(recorded.get('normalize_observation', False))
    if written != config.normalize_observation:
        raise ExperimentConfigError(
            f'expert_data: {config.expert_data} holds states written with normalize_observation={written}, but the '
            f'run has normalize_observation={config.normalize_observation}: run with --normalize_observation '
            f'{written}.', 'normalize_observation')


def parse_hyperparameters(hyperparameters: Union[str, Mapping[str, Any], None]) -> Dict[str, Any]:
    """
    Parse hyperparameter overrides given as a JSON object (or as a mapping, copied).

    Args:
        hyperparameters ([str, Mapping, None]): e.g. ``'{"lr_actor": 3e-4}'``; '' or None for none.

    Returns: the overrides, a new dictionary.

    Raises:
        ExperimentConfigError: if the text is not a JSON object; the message quotes it.

    """
    if hyperparameters is None or (isinstance(hyperparameters, str) and not hyperparameters.strip()):
        return dict()
    if isinstance(hyperparameters, Mapping):
        return dict(hyperparameters)
    if not isinstance(hyperparameters, str):
        raise ExperimentConfigError(f'hyperparameters must be a JSON string or a dict, got {hyperparameters!r}.',
                                    'hyperparameters')
    try:
        parsed = json.loads(hyperparameters)
    except json.JSONDecodeError as error:
        raise ExperimentConfigError(f'hyperparameters must be a JSON object, e.g. \'{{"lr_actor": 3e-4}}\'; could '
                                    f'not parse {hyperparameters!r}: {error}', 'hyperparameters') from None
    if not isinstance(parsed, dict):
        raise ExperimentConfigError(f'hyperparameters must be a JSON object (a dict), got {hyperparameters!r}.',
                                    'hyperparameters')
    return parsed


def _merged_overrides(config: RunConfig) -> Dict[str, Any]:
    """The parsed JSON with the explicit arguments merged in (a conflict is an error), checked by the registry."""
    overrides = parse_hyperparameters(config.hyperparameters)
    explicit = dict(truncation_length=config.truncation_length, window_length=config.window_length)
    if 'n_steps_per_fit' in hyperparameter_names(config.algorithm):  # e.g. PPO: the agent's fit size too
        explicit['n_steps_per_fit'] = config.n_steps_per_fit
    for name, value in explicit.items():
        if value is None:
            continue
        _check_hyperparameters(config.algorithm, {name: value}, name)
        if name in overrides and overrides[name] != value:
            raise ExperimentConfigError(f'{name} is given twice with different values: {value} as an argument, '
                                        f'{overrides[name]} in hyperparameters.', name)
        overrides[name] = int(value)
    return _check_hyperparameters(config.algorithm, overrides, 'hyperparameters')


def _check_hyperparameters(algorithm: str, overrides: Dict[str, Any], field_name: str) -> Dict[str, Any]:
    """The registry's check (unknown names, with the valid ones), as an error of the field ``field_name``."""
    try:
        return check_hyperparameters(algorithm, overrides)
    except ValueError as error:
        raise ExperimentConfigError(str(error), field_name) from None


# ------------------------------------------------------------------------------------------------
# The command line and the signature of ``experiment``, built from the fields
# ------------------------------------------------------------------------------------------------
def parse_bool(text: str) -> bool:
    """``True`` for true/yes/1/on, ``False`` for false/no/0/off (any case); else an argparse error."""
    words = {'true': True, 'yes': True, '1': True, 'on': True, 'false': False, 'no': False, '0': False, 'off': False}
    if text.lower() not in words:
        raise argparse.ArgumentTypeError(f'expected True or False, got {text!r}')
    return words[text.lower()]


def add_config_arguments(parser: argparse.ArgumentParser, required: Tuple[str, ...] = ()) -> argparse.ArgumentParser:
    """
    Add one option per :class:`RunConfig` field: ``--<name>`` with the field's type, default and help; the fields in
    ``required`` without a default. A boolean takes an optional value: ``--quiet`` means ``--quiet True``.

    Returns:
        The parser.

    """
    group = parser.add_argument_group('run configuration (launchers.run.config.RunConfig)')
    for f in config_fields():
        kind = _base_type(_type_hints()[f.name])
        bounds = [f'{word} {f.metadata[key]}' for key, word in (('minimum', '>='), ('maximum', '<='))
                  if key in f.metadata]
        last = 'required' if f.name in required else 'default: %(default)s'
        text = f.metadata['help'].replace('%', '%%') + f' ({"; ".join(bounds + [last])})'
        if f.name in required:
            group.add_argument(f'--{f.name}', type=kind, required=True, help=text)
        elif kind is bool:
            group.add_argument(f'--{f.name}', type=parse_bool, nargs='?', const=True, default=f.default,
                               metavar='BOOL', help=text)
        else:
            group.add_argument(f'--{f.name}', type=kind, default=f.default, help=text)
    return parser


def experiment_signature(return_annotation: Any = Dict[str, Any]) -> inspect.Signature:
    """
    The keyword parameters of :class:`RunConfig` (names, types, defaults): the signature of
    ``launchers.run.experiment.experiment``, read by experiment-launcher for the defaults of its runs.

    Returns:
        The signature.

    """
    parameters: List[inspect.Parameter] = [
        inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default, annotation=_type_hints()[f.name])
        for f in config_fields()]
    return inspect.Signature(parameters, return_annotation=return_annotation)
