"""Train one algorithm on one task with one seed, and log its learning curve.

Per epoch: ``n_steps_per_epoch`` environment steps of learning, then ``n_eval_episodes`` evaluation
episodes with the stochastic policy and as many with the deterministic one (epoch 0 is evaluated
before any training). Every epoch appends a row to ``progress.csv`` and redraws
``learning_curve.png``; every ``checkpoint_every`` epochs (and after the last) the run saves a
resumable checkpoint, so that the same command continues an interrupted run.

Command line (arguments are those of :func:`experiment`)::

    python -m launchers.experiment --env_id HalfCheetahPOMDP-v5 --algorithm SAC_RS \\
        --n_epochs 3 --n_steps_per_epoch 2000 --results_dir results/demo

Results of a run (``<results_dir>/<seed>/``, the layout of experiment-launcher)::

    args.json            the arguments and the resolved hyperparameters
    progress.csv         one row per epoch (epoch 0 = before training)
    learning_curve.png   R_mean (stochastic and deterministic) against steps
    agent.zip            the last checkpointed agent, small (no replay memory)
    checkpoint/          agent.zip (full, with replay memory), rng.pkl and state.json: for resuming
    error.txt            only when a loss became non-finite

The grid of the paper is launched with ``launchers/launch_pomdp_privileged.py``.

"""
import argparse
import inspect
import json
import os
import pickle
import platform
import re
import shutil
import subprocess
import sys
import time
import warnings
from contextlib import nullcontext
from typing import Any, ContextManager, Dict, List, Optional, Tuple

if __name__ == '__main__' and not __package__:  # ``python launchers/experiment.py``: make the repo importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# MuJoCo's viewer bindings warn on import on machines without a display; nothing here renders.
warnings.filterwarnings('ignore', message='.*DISPLAY environment variable.*')

import gymnasium  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from experiment_launcher import run_experiment  # noqa: E402
from experiment_launcher.launcher import add_launcher_base_args, translate_experiment_params_to_argparse  # noqa: E402
from mushroom_rl.core import Agent, Core  # noqa: E402
from mushroom_rl.utils.dataset import compute_episodes_length, compute_J  # noqa: E402
from tqdm import tqdm  # noqa: E402

from environments import PROJECT_ENV_IDS, make_env  # noqa: E402
from mushroom_s2pg.algorithms import (available_algorithms, default_hyperparameters,  # noqa: E402
                                      hyperparameter_names, make_agent)
from mushroom_s2pg.core import NonFiniteLossError  # noqa: E402
from mushroom_s2pg.utils import (ProgressLogger, get_rng_state, plot_learning_curve, read_progress,  # noqa: E402
                                 seed_everything, set_rng_state)

__all__ = ['experiment', 'ExperimentConfigError', 'PROGRESS_COLUMNS', 'run_directory', 'build_parser', 'main']

PROGRESS_FILE = 'progress.csv'
CURVE_FILE = 'learning_curve.png'
AGENT_FILE = 'agent.zip'
ARGS_FILE = 'args.json'
ERROR_FILE = 'error.txt'
CHECKPOINT_DIR = 'checkpoint'
STATE_FILE = 'state.json'
RNG_FILE = 'rng.pkl'

#: The columns that every ``progress.csv`` starts with; the agent's last losses follow as ``loss_<name>``.
PROGRESS_COLUMNS: Tuple[str, ...] = (
    'epoch', 'steps', 'time_s',
    'R_mean', 'R_std', 'J_mean', 'J_std', 'episode_length_mean',
    'R_mean_deterministic', 'R_std_deterministic', 'J_mean_deterministic', 'J_std_deterministic',
    'episode_length_mean_deterministic',
)

# Arguments that define the run: a checkpoint resumes only under the same values.
_RUN_DEFINING_ARGUMENTS = ('env_id', 'algorithm', 'seed', 'random_mass', 'horizon', 'n_steps_per_epoch',
                           'n_steps_per_fit', 'n_eval_episodes', 'hyperparameters')


class ExperimentConfigError(ValueError):
    """An invalid experiment argument (unknown environment, algorithm or hyperparameter, bad value)."""


# experiment-launcher integration. ``Launcher`` imports this module and calls ``experiment(**params)`` with
# ``results_dir`` and ``seed`` (local joblib), or runs this file with the same command-line arguments (SLURM);
# ``main`` parses them with experiment-launcher's own signature-to-argparse translation and calls
# ``run_experiment``. The ``single_experiment`` decorator is not used: its ``save_args`` fails in a git
# checkout without an ``origin`` remote, it drops the return value and it needs ``seed`` and ``results_dir``
# as keyword arguments; ``experiment`` lays out ``<results_dir>/<seed>`` the same way and writes
# ``args.json`` itself (after validating the arguments, so that a typo writes nothing).
def run_directory(results_dir: str, seed: int) -> str:
    """
    The folder of one run: ``<results_dir>/<seed>``, as experiment-launcher's ``single_experiment``
    lays it out (the Launcher already puts the configuration into ``results_dir``).

    Args:
        results_dir (str): the results folder given to :func:`experiment`;
        seed (int): the seed.

    Returns:
        The run folder.

    """
    return os.path.join(results_dir, str(seed))


# The annotations are plain classes (``int = None``, not ``Optional[int]``): experiment-launcher builds the
# command line from them and only knows str, int, float, bool and list.
def experiment(env_id: str = 'HalfCheetahPOMDP-v5',
               algorithm: str = 'SAC_RS',
               n_epochs: int = 200,
               n_steps_per_epoch: int = 10000,
               n_eval_episodes: int = 10,
               seed: int = 0,
               results_dir: str = './logs',
               random_mass: bool = False,
               hyperparameters: str = '',
               truncation_length: int = None,
               window_length: int = None,
               n_steps_per_fit: int = None,
               horizon: int = None,
               quiet: bool = False,
               n_threads: int = 1,
               checkpoint_every: int = 1,
               resume: bool = True,
               variant: str = '') -> Dict[str, Any]:
    """
    Train ``algorithm`` on ``env_id`` for ``n_epochs`` epochs and log the learning curve.

    Defaults are the paper's setting for the off-policy algorithms (200 epochs x 10k steps,
    10 evaluation episodes); every algorithm hyperparameter defaults to the reference value for the
    task (``mushroom_s2pg.algorithms.default_hyperparameters``).

    Args:
        env_id (str, 'HalfCheetahPOMDP-v5'): the environment id (a project id, or any registered
            Gymnasium id);
        algorithm (str, 'SAC_RS'): the algorithm name, from ``available_algorithms()``;
        n_epochs (int, 200): the number of epochs (the total when resuming);
        n_steps_per_epoch (int, 10000): the environment steps of learning per epoch;
        n_eval_episodes (int, 10): the evaluation episodes per epoch, with the stochastic policy
            and again with the deterministic policy;
        seed (int, 0): the seed of NumPy, PyTorch, Python's random and the environment;
        results_dir (str, './logs'): the results folder; the run writes into <results_dir>/<seed>;
        random_mass (bool, False): randomise the body masses at every reset (robust tasks);
        hyperparameters (str, ''): a JSON object of algorithm hyperparameter overrides, e.g.
            '{"lr_actor": 3e-4}' (a dict is accepted too when called from Python);
        truncation_length (int, None): the BPTT truncation length, for the algorithms that have one
            (None: the reference default);
        window_length (int, None): the observation-window length, for the algorithms that have one
            (None: the reference default);
        n_steps_per_fit (int, None): environment steps between two fits (None: the agent's
            ``default_n_steps_per_fit``, else 1); also passed to algorithms that have a hyperparameter of
            that name (PPO);
        horizon (int, None): the episode horizon (None: the environment's, 1000 for MuJoCo tasks);
        quiet (bool, False): hide the step/episode progress bars of MushroomRL's Core;
        n_threads (int, 1): the number of PyTorch threads;
        checkpoint_every (int, 1): save a checkpoint every this many epochs (and after the last);
        resume (bool, True): continue from the run folder's checkpoint if there is one (else start
            the run folder anew);
        variant (str, ''): the label of the run's grid entry (e.g. SAC_BPTT32), only recorded in
            args.json; the launch files name the result folders after it.

    Returns:
        A summary: the run folder and its files, the epochs done, the last evaluation.

    Raises:
        ExperimentConfigError: (a ValueError) for an unknown environment, algorithm or
            hyperparameter, or an invalid argument, before anything is written;
        NonFiniteLossError: when a loss becomes NaN or infinite; the message names the epoch, the
            last good checkpoint is kept and the message is written to ``error.txt``.

    """
    overrides = _validate(env_id, algorithm, n_epochs, n_steps_per_epoch, n_eval_episodes, seed, random_mass,
                          hyperparameters, truncation_length, window_length, n_steps_per_fit, horizon,
                          n_threads, checkpoint_every)
    config = _run_config(env_id, algorithm, seed, random_mass, horizon, n_steps_per_epoch, n_steps_per_fit,
                         n_eval_episodes, overrides)

    run_dir = run_directory(results_dir, seed)
    os.makedirs(run_dir, exist_ok=True)
    paths = _Paths(run_dir)

    state = _load_checkpoint_state(paths) if resume else None
    if state is not None and state.get('config') != config:
        differences = sorted(key for key in set(config) | set(state.get('config', {}))
                             if config.get(key) != state.get('config', {}).get(key))
        raise ExperimentConfigError(
            f'The checkpoint in {paths.checkpoint} belongs to a run with other settings ({", ".join(differences)}: '
            f'{ {k: state.get("config", {}).get(k) for k in differences} } there, '
            f'{ {k: config.get(k) for k in differences} } now). Use another results_dir, or resume=False to start '
            f'this folder anew.')

    previous_threads = torch.get_num_threads()
    torch.set_num_threads(n_threads)
    try:
        return _train(paths, config, overrides, state, n_epochs, checkpoint_every, quiet, n_threads,
                      arguments=dict(env_id=env_id, algorithm=algorithm, n_epochs=n_epochs,
                                     n_steps_per_epoch=n_steps_per_epoch, n_eval_episodes=n_eval_episodes,
                                     seed=seed, results_dir=results_dir, random_mass=random_mass,
                                     hyperparameters=hyperparameters, truncation_length=truncation_length,
                                     window_length=window_length, n_steps_per_fit=n_steps_per_fit,
                                     horizon=horizon, quiet=quiet, n_threads=n_threads,
                                     checkpoint_every=checkpoint_every, resume=resume, variant=variant))
    finally:
        torch.set_num_threads(previous_threads)


class _Paths:
    """The files of one run folder."""
    def __init__(self, run_dir: str):
        self.run_dir = run_dir
        self.progress = os.path.join(run_dir, PROGRESS_FILE)
        self.curve = os.path.join(run_dir, CURVE_FILE)
        self.agent = os.path.join(run_dir, AGENT_FILE)
        self.args = os.path.join(run_dir, ARGS_FILE)
        self.error = os.path.join(run_dir, ERROR_FILE)
        self.checkpoint = os.path.join(run_dir, CHECKPOINT_DIR)
        self.checkpoint_tmp = self.checkpoint + '.tmp'
        self.checkpoint_old = self.checkpoint + '.old'


def _train(paths: _Paths, config: Dict[str, Any], overrides: Dict[str, Any], state: Optional[Dict[str, Any]],
           n_epochs: int, checkpoint_every: int, quiet: bool, n_threads: int,
           arguments: Dict[str, Any]) -> Dict[str, Any]:
    env_id, algorithm, seed = config['env_id'], config['algorithm'], config['seed']
    env_kwargs = dict(random_mass=True) if config['random_mass'] else dict()
    tag = f'{algorithm} on {env_id}, seed {seed}'

    if os.path.exists(paths.error):
        os.remove(paths.error)

    if state is None:
        _remove_checkpoints(paths)
        for stale in (paths.agent, paths.curve):
            if os.path.exists(stale):
                os.remove(stale)
        seed_everything(seed)
        mdp = make_env(env_id, horizon=config['horizon'], **env_kwargs)
        mdp.seed(seed)
        agent = make_agent(algorithm, mdp.info, mdp.policy_obs_mask, env_id=env_id, **overrides)
        progress = ProgressLogger(paths.progress, PROGRESS_COLUMNS, resume=False)
        first_epoch, elapsed_before, last_checkpoint = 1, 0., None
        print(f'[experiment] {tag}: new run in {os.path.abspath(paths.run_dir)}', flush=True)
    else:
        mdp = make_env(env_id, horizon=config['horizon'], **env_kwargs)
        agent = Agent.load(os.path.join(paths.checkpoint, AGENT_FILE))
        with open(os.path.join(paths.checkpoint, RNG_FILE), 'rb') as f:
            rng = pickle.load(f)
        set_rng_state(rng['global'])
        _set_env_rng_state(mdp, rng['env'])
        last_checkpoint = int(state['epoch'])
        progress = ProgressLogger(paths.progress, PROGRESS_COLUMNS, resume=True, max_epoch=last_checkpoint)
        first_epoch, elapsed_before = last_checkpoint + 1, float(state['time_s'])
        print(f'[experiment] {tag}: resuming after epoch {last_checkpoint} in {os.path.abspath(paths.run_dir)}',
              flush=True)

    steps_per_fit = config['n_steps_per_fit']
    if steps_per_fit is None:
        steps_per_fit = int(getattr(agent, 'default_n_steps_per_fit', 1))
    _write_args(paths.args, arguments, config, overrides, steps_per_fit, n_threads)

    core = Core(agent, mdp)
    gamma = mdp.info.gamma
    n_eval = config['n_eval_episodes']
    start = time.perf_counter()

    def elapsed() -> float:
        return elapsed_before + time.perf_counter() - start

    if state is None:
        row = _evaluation_row(0, 0, core, agent, n_eval, gamma, quiet)
        row['time_s'] = elapsed()
        progress.log(row)
        _report(row, n_epochs)
        _plot(paths, tag)

    bar = tqdm(total=n_epochs, initial=min(first_epoch - 1, n_epochs), desc=f'{algorithm} {env_id} s{seed}',
               unit='epoch', dynamic_ncols=True)
    try:
        for epoch in range(first_epoch, n_epochs + 1):
            try:
                core.learn(n_steps=config['n_steps_per_epoch'], n_steps_per_fit=steps_per_fit, quiet=quiet)
            except NonFiniteLossError as error:
                _fail(paths, tag, epoch, last_checkpoint, error)
            steps = epoch * config['n_steps_per_epoch']
            row = _evaluation_row(epoch, steps, core, agent, n_eval, gamma, quiet)
            row['time_s'] = elapsed()
            row.update({f'loss_{name}': value for name, value in sorted(_last_losses(agent).items())})
            progress.log(row)
            _report(row, n_epochs)
            _plot(paths, tag)
            if epoch % checkpoint_every == 0 or epoch == n_epochs:
                _save_checkpoint(paths, agent, mdp, config, epoch, steps, row['time_s'], n_epochs)
                last_checkpoint = epoch
            bar.update(1)
            bar.set_postfix(R=f'{row["R_mean"]:.1f}', R_det=f'{row["R_mean_deterministic"]:.1f}')
    finally:
        bar.close()
        mdp.stop()

    if first_epoch > n_epochs:
        print(f'[experiment] {tag}: nothing to do, the checkpoint is at epoch {first_epoch - 1} '
              f'>= n_epochs={n_epochs}', flush=True)
        _plot(paths, tag)

    rows = read_progress(paths.progress)
    last = rows[-1] if rows else {}
    summary = dict(
        run_dir=os.path.abspath(paths.run_dir),
        progress_csv=os.path.abspath(paths.progress),
        learning_curve=os.path.abspath(paths.curve),
        agent=os.path.abspath(paths.agent),
        checkpoint=os.path.abspath(paths.checkpoint),
        env_id=env_id,
        algorithm=algorithm,
        seed=seed,
        epochs=int(last.get('epoch', 0) or 0),
        steps=int(last.get('steps', 0) or 0),
        time_s=float(last.get('time_s', 0.) or 0.),
        R_mean=last.get('R_mean'),
        J_mean=last.get('J_mean'),
        R_mean_deterministic=last.get('R_mean_deterministic'),
        J_mean_deterministic=last.get('J_mean_deterministic'),
        resumed_from_epoch=None if state is None else int(state['epoch']),
    )
    print(f'[experiment] done: {tag}, {summary["epochs"]} epochs, {summary["steps"]} steps, '
          f'R_mean {_number(summary["R_mean"])}, R_mean_deterministic {_number(summary["R_mean_deterministic"])}, '
          f'{summary["time_s"]:.0f}s', flush=True)
    print(f'[experiment] progress:       {summary["progress_csv"]}', flush=True)
    print(f'[experiment] learning curve: {summary["learning_curve"]}', flush=True)
    print(f'[experiment] agent:          {summary["agent"]}', flush=True)
    return summary


# ------------------------------------------------------------------------------------------------
# Validation
# ------------------------------------------------------------------------------------------------
def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _validate(env_id: Any, algorithm: Any, n_epochs: Any, n_steps_per_epoch: Any, n_eval_episodes: Any,
              seed: Any, random_mass: Any, hyperparameters: Any, truncation_length: Any, window_length: Any,
              n_steps_per_fit: Any, horizon: Any, n_threads: Any, checkpoint_every: Any) -> Dict[str, Any]:
    """Check every argument; return the algorithm overrides (JSON ones and the explicit ones)."""
    algorithms = available_algorithms()
    if algorithm not in algorithms:
        raise ExperimentConfigError(f'Unknown algorithm {algorithm!r}. Valid algorithms: {", ".join(algorithms)}')

    if not isinstance(env_id, str) or (env_id not in PROJECT_ENV_IDS and env_id not in gymnasium.registry):
        raise ExperimentConfigError(f'Unknown environment id {env_id!r}. Valid ids: {", ".join(PROJECT_ENV_IDS)} '
                                    '(or any registered Gymnasium id).')
    if random_mass and env_id not in PROJECT_ENV_IDS:
        raise ExperimentConfigError(f'random_mass=True needs a project environment ({", ".join(PROJECT_ENV_IDS)}), '
                                    f'got {env_id!r}.')

    for name, value, minimum in (('n_epochs', n_epochs, 0), ('n_steps_per_epoch', n_steps_per_epoch, 1),
                                 ('n_eval_episodes', n_eval_episodes, 1), ('seed', seed, 0),
                                 ('n_threads', n_threads, 1), ('checkpoint_every', checkpoint_every, 1)):
        if not _is_int(value) or value < minimum:
            raise ExperimentConfigError(f'{name} must be an integer >= {minimum}, got {value!r}.')
    if seed > 2 ** 32 - 1:
        raise ExperimentConfigError(f'seed must be at most 2**32 - 1, got {seed}.')
    for name, value in (('n_steps_per_fit', n_steps_per_fit), ('horizon', horizon),
                        ('truncation_length', truncation_length), ('window_length', window_length)):
        if value is not None and (not _is_int(value) or value < 1):
            raise ExperimentConfigError(f'{name} must be None or an integer >= 1, got {value!r}.')

    overrides = _parse_hyperparameters(hyperparameters)
    for name, value in (('truncation_length', truncation_length), ('window_length', window_length)):
        if value is None:
            continue
        if name in overrides and overrides[name] != value:
            raise ExperimentConfigError(f'{name} is given twice with different values: {value} as an argument, '
                                        f'{overrides[name]} in hyperparameters.')
        overrides[name] = int(value)

    valid = hyperparameter_names(algorithm)
    if n_steps_per_fit is not None and 'n_steps_per_fit' in valid:  # e.g. PPO: the agent's fit size too
        if 'n_steps_per_fit' in overrides and overrides['n_steps_per_fit'] != n_steps_per_fit:
            raise ExperimentConfigError(f'n_steps_per_fit is given twice with different values: {n_steps_per_fit} '
                                        f'as an argument, {overrides["n_steps_per_fit"]} in hyperparameters.')
        overrides['n_steps_per_fit'] = int(n_steps_per_fit)
    unknown = sorted(set(overrides) - set(valid))
    if unknown:
        raise ExperimentConfigError(f'Unknown hyperparameter(s) {", ".join(map(repr, unknown))} for {algorithm}. '
                                    f'Valid hyperparameters: {", ".join(valid)}')
    return overrides


def _parse_hyperparameters(hyperparameters: Any) -> Dict[str, Any]:
    if hyperparameters is None or (isinstance(hyperparameters, str) and not hyperparameters.strip()):
        return dict()
    if isinstance(hyperparameters, dict):
        parsed = dict(hyperparameters)
    elif isinstance(hyperparameters, str):
        try:
            parsed = json.loads(hyperparameters)
        except json.JSONDecodeError as error:
            raise ExperimentConfigError(f'hyperparameters must be a JSON object, e.g. \'{{"lr_actor": 3e-4}}\'; '
                                        f'could not parse {hyperparameters!r}: {error}') from None
        if not isinstance(parsed, dict):
            raise ExperimentConfigError(f'hyperparameters must be a JSON object (a dict), got {hyperparameters!r}.')
    else:
        raise ExperimentConfigError(f'hyperparameters must be a JSON string or a dict, got {hyperparameters!r}.')
    return parsed


def _run_config(env_id: str, algorithm: str, seed: int, random_mass: bool, horizon: Optional[int],
                n_steps_per_epoch: int, n_steps_per_fit: Optional[int], n_eval_episodes: int,
                overrides: Dict[str, Any]) -> Dict[str, Any]:
    """The values that define a run, in JSON form (compared with a checkpoint's before resuming)."""
    config = dict(env_id=env_id, algorithm=algorithm, seed=int(seed), random_mass=bool(random_mass),
                  horizon=None if horizon is None else int(horizon), n_steps_per_epoch=int(n_steps_per_epoch),
                  n_steps_per_fit=None if n_steps_per_fit is None else int(n_steps_per_fit),
                  n_eval_episodes=int(n_eval_episodes), hyperparameters=overrides)
    assert set(config) == set(_RUN_DEFINING_ARGUMENTS)
    return json.loads(json.dumps(config, sort_keys=True, default=str))


# ------------------------------------------------------------------------------------------------
# Evaluation, logging
# ------------------------------------------------------------------------------------------------
def _deterministic(agent: Agent) -> ContextManager:
    context = getattr(agent, 'deterministic', None)
    return context() if context is not None else nullcontext()


def _evaluation_row(epoch: int, steps: int, core: Core, agent: Agent, n_episodes: int, gamma: float,
                    quiet: bool) -> Dict[str, Any]:
    row: Dict[str, Any] = dict(epoch=epoch, steps=steps, time_s=None)
    for suffix, context in (('', nullcontext()), ('_deterministic', _deterministic(agent))):
        with context:
            dataset = core.evaluate(n_episodes=n_episodes, quiet=quiet)
        R = np.asarray(compute_J(dataset, 1.), dtype=float)
        J = np.asarray(compute_J(dataset, gamma), dtype=float)
        lengths = np.asarray(compute_episodes_length(dataset), dtype=float)
        row.update({f'R_mean{suffix}': float(R.mean()), f'R_std{suffix}': float(R.std()),
                    f'J_mean{suffix}': float(J.mean()), f'J_std{suffix}': float(J.std()),
                    f'episode_length_mean{suffix}': float(lengths.mean()) if lengths.size else float('nan')})
    return row


def _last_losses(agent: Agent) -> Dict[str, float]:
    losses = getattr(agent, 'last_losses', None)
    if not losses:
        return dict()
    return {str(name): float(value) for name, value in dict(losses).items()}


def _number(value: Any) -> str:
    return f'{value:.2f}' if isinstance(value, (int, float)) else str(value)


def _report(row: Dict[str, Any], n_epochs: int) -> None:
    tqdm.write(f'[experiment] epoch {row["epoch"]}/{n_epochs}  steps {row["steps"]}  '
               f'R {row["R_mean"]:.2f}  R_det {row["R_mean_deterministic"]:.2f}  J {row["J_mean"]:.2f}  '
               f'len {row["episode_length_mean"]:.0f}  {row["time_s"]:.0f}s')
    sys.stdout.flush()


def _plot(paths: _Paths, title: str) -> None:
    try:
        plot_learning_curve(paths.progress, paths.curve, title=title)
    except Exception as error:  # a plot must never stop a training run
        tqdm.write(f'[experiment] warning: could not draw {paths.curve}: {error}')


def _git_revision() -> Dict[str, Any]:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        commit = subprocess.run(['git', '-C', root, 'rev-parse', 'HEAD'], capture_output=True, text=True,
                                timeout=10).stdout.strip()
        dirty = subprocess.run(['git', '-C', root, 'status', '--porcelain', '--untracked-files=no'],
                               capture_output=True, text=True, timeout=10).stdout.strip() != ''
        return dict(git_commit=commit, git_dirty=dirty) if commit else dict()
    except (OSError, subprocess.SubprocessError):
        return dict()


def _write_args(path: str, arguments: Dict[str, Any], config: Dict[str, Any], overrides: Dict[str, Any],
                steps_per_fit: int, n_threads: int) -> None:
    resolved = default_hyperparameters(config['algorithm'], config['env_id'])
    resolved.update(overrides)
    content = dict(arguments=arguments, run_dir=os.path.abspath(os.path.dirname(path)),
                   resolved_hyperparameters=resolved, n_steps_per_fit_used=steps_per_fit,
                   python=platform.python_version(), torch=torch.__version__, numpy=np.__version__,
                   torch_threads=n_threads, **_git_revision())
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(content, f, indent=2, sort_keys=True, default=str)
    os.replace(tmp, path)


# ------------------------------------------------------------------------------------------------
# Checkpoints
# ------------------------------------------------------------------------------------------------
def _env_generator(mdp: Any) -> Optional[np.random.Generator]:
    env = getattr(mdp, 'env', None)
    unwrapped = getattr(env, 'unwrapped', None)
    generator = getattr(unwrapped, 'np_random', None)
    return generator if isinstance(generator, np.random.Generator) else None


def _set_env_rng_state(mdp: Any, state: Optional[Dict[str, Any]]) -> None:
    generator = _env_generator(mdp)
    if generator is not None and state is not None:
        generator.bit_generator.state = state


def _remove_checkpoints(paths: _Paths) -> None:
    for folder in (paths.checkpoint, paths.checkpoint_tmp, paths.checkpoint_old):
        if os.path.isdir(folder):
            shutil.rmtree(folder)


def _load_checkpoint_state(paths: _Paths) -> Optional[Dict[str, Any]]:
    """The state of the run folder's checkpoint, or None; repairs an interrupted checkpoint swap."""
    if not os.path.isdir(paths.checkpoint) and os.path.isdir(paths.checkpoint_old):
        os.replace(paths.checkpoint_old, paths.checkpoint)
    state_file = os.path.join(paths.checkpoint, STATE_FILE)
    if not os.path.exists(state_file):
        return None
    with open(state_file) as f:
        return json.load(f)


def _save_checkpoint(paths: _Paths, agent: Agent, mdp: Any, config: Dict[str, Any], epoch: int, steps: int,
                     time_s: float, n_epochs: int) -> None:
    """Write ``checkpoint/`` (full agent, RNG states, state.json) atomically, then the light ``agent.zip``."""
    if os.path.isdir(paths.checkpoint_tmp):
        shutil.rmtree(paths.checkpoint_tmp)
    os.makedirs(paths.checkpoint_tmp)
    agent.save(os.path.join(paths.checkpoint_tmp, AGENT_FILE), full_save=True)
    generator = _env_generator(mdp)
    rng = {'global': get_rng_state(), 'env': None if generator is None else generator.bit_generator.state}
    with open(os.path.join(paths.checkpoint_tmp, RNG_FILE), 'wb') as f:
        pickle.dump(rng, f)
    state = dict(epoch=epoch, steps=steps, time_s=time_s, n_epochs=n_epochs, config=config,
                 saved_at=time.strftime('%Y-%m-%d %H:%M:%S'))
    with open(os.path.join(paths.checkpoint_tmp, STATE_FILE), 'w') as f:
        json.dump(state, f, indent=2, sort_keys=True)

    if os.path.isdir(paths.checkpoint_old):
        shutil.rmtree(paths.checkpoint_old)
    if os.path.isdir(paths.checkpoint):
        os.replace(paths.checkpoint, paths.checkpoint_old)
    os.replace(paths.checkpoint_tmp, paths.checkpoint)
    if os.path.isdir(paths.checkpoint_old):
        shutil.rmtree(paths.checkpoint_old)

    tmp_agent = paths.agent + '.tmp'
    agent.save(tmp_agent, full_save=False)
    os.replace(tmp_agent, paths.agent)


def _fail(paths: _Paths, tag: str, epoch: int, last_checkpoint: Optional[int], error: Exception) -> None:
    """Report a non-finite loss: message on stderr and in error.txt, checkpoint untouched; raise."""
    if last_checkpoint is None:
        kept = 'No checkpoint had been saved yet.'
    else:
        kept = (f'The last good checkpoint (epoch {last_checkpoint}) is kept: {os.path.abspath(paths.checkpoint)} '
                f'(light agent: {os.path.abspath(paths.agent)}).')
    message = (f'Training stopped in epoch {epoch}: non-finite loss ({tag}). {error} {kept} '
               f'progress.csv holds the epochs before {epoch}.')
    with open(paths.error, 'w') as f:
        f.write(message + '\n')
    tqdm.write(f'[experiment] ERROR: {message}', file=sys.stderr)
    sys.stderr.flush()
    raise NonFiniteLossError(message) from error


# ------------------------------------------------------------------------------------------------
# Command line
# ------------------------------------------------------------------------------------------------
def _argument_help() -> Dict[str, str]:
    """Per-argument help from the ``Args:`` section of :func:`experiment`'s docstring."""
    doc = experiment.__doc__ or ''
    section = doc.split('Args:', 1)[-1].split('Returns:', 1)[0]
    helps: Dict[str, List[str]] = dict()
    current = None
    for line in section.splitlines():
        match = re.match(r'^\s{8}(\w+) \(([^)]*)\):\s*(.*)$', line)
        if match:
            current = match.group(1)
            helps[current] = [match.group(3)]
        elif current is not None and line.strip():
            helps[current].append(line.strip())
    return {name: ' '.join(text).rstrip(';.') for name, text in helps.items()}


def build_parser() -> argparse.ArgumentParser:
    """
    The command-line parser of :func:`experiment`, built by experiment-launcher from its signature,
    with a description listing the algorithms and environment ids and a help text per argument.

    Boolean flags take an optional value: ``--quiet`` means ``--quiet True``; ``--resume False``.

    Returns:
        The parser.

    """
    description = (__doc__.split('\n\n')[0] + '\n\n'
                   f'algorithms: {", ".join(available_algorithms())}\n'
                   f'environment ids: {", ".join(PROJECT_ENV_IDS)} (or any registered Gymnasium id)\n\n'
                   'Results go to <results_dir>/<seed>/: progress.csv, learning_curve.png, agent.zip, '
                   'checkpoint/, args.json.')
    parser = argparse.ArgumentParser(prog='python -m launchers.experiment', description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser = translate_experiment_params_to_argparse(parser, experiment)
    parser = add_launcher_base_args(parser)
    parser.set_defaults(**{name: value for name, value in _signature_defaults().items()})
    helps = _argument_help()
    bools = {name for name, value in _signature_defaults().items() if isinstance(value, bool)}
    for action in parser._actions:
        if action.dest in helps:
            action.help = helps[action.dest].replace('%', '%%') + ' (default: %(default)s)'
        if action.dest in bools:
            action.const = True  # experiment-launcher sets const to the default: ``--quiet`` would mean False
    return parser


def _signature_defaults() -> Dict[str, Any]:
    return {name: parameter.default for name, parameter in inspect.signature(experiment).parameters.items()
            if parameter.default is not inspect.Parameter.empty}


def main(argv: Optional[List[str]] = None) -> None:
    """
    Command-line entry point: parse the arguments and run :func:`experiment` through
    experiment-launcher's ``run_experiment``.

    Args:
        argv (List[str], None): the arguments (None: ``sys.argv[1:]``).

    """
    parser = build_parser()
    arguments = vars(parser.parse_args(argv))
    try:
        run_experiment(experiment, arguments)
    except ExperimentConfigError as error:
        parser.error(str(error))
    except NonFiniteLossError:
        sys.exit(1)  # the message is already on stderr and in error.txt


if __name__ == '__main__':
    main()
