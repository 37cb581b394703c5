"""The training loop of one run: set up a new or a resumed run, then evaluate, learn and log epoch by epoch.

Epoch 0 is an evaluation before any training (new runs only). Every epoch then learns for
``n_steps_per_epoch`` environment steps, evaluates ``n_eval_episodes`` episodes with the stochastic
policy and as many with the deterministic one, appends a row to ``progress.csv``, redraws
``learning_curve.png`` and, every ``checkpoint_every`` epochs and after the last, saves the
checkpoint. A non-finite loss stops the run: the message goes to stderr and ``error.txt`` and the
last good checkpoint is kept. A preemption signal (``launchers/run/preemption.py``) stops it at once, its files as
after the last epoch; the same command resumes it exactly.

"""
import json
import os
import platform
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple

import numpy as np
import torch
from mushroom_rl.core import Core
from mushroom_rl.utils.dataset import compute_episodes_length, compute_J
from tqdm import tqdm

from environments import ExpertData, GymnasiumEnv, make_env
from launchers.run.checkpoint import RunPaths, load_checkpoint, remove_checkpoints, save_checkpoint
from launchers.run.config import ExperimentConfigError, RunConfig
from launchers.run.preemption import Preempted, deferred
from mushroom_s2pg.algorithms import default_hyperparameters, make_agent, needs_expert_data
from mushroom_s2pg.core import NonFiniteLossError, TrainableStatefulAgent
from mushroom_s2pg.utils import (ProgressLogger, package_provenance, plot_learning_curve, read_progress,
                                 seed_everything)

__all__ = ['PROGRESS_COLUMNS', 'CLOCK_COLUMNS', 'train']

#: The columns that every ``progress.csv`` starts with; the agent's last losses follow as ``loss_<name>``.
PROGRESS_COLUMNS: Tuple[str, ...] = (
    'epoch', 'steps', 'time_s',
    'R_mean', 'R_std', 'J_mean', 'J_std', 'episode_length_mean',
    'R_mean_deterministic', 'R_std_deterministic', 'J_mean_deterministic', 'J_std_deterministic',
    'episode_length_mean_deterministic', 'load_1m',
)
#: The columns that depend on the machine and what else ran on it, not on the run: the cumulative wall-clock time
#: and the machine's 1-minute load average at the end of the epoch (``os.getloadavg``; compared with ``cpu_count`` in
#: ``args.json`` it tells whether the run shared its cores).
CLOCK_COLUMNS: Tuple[str, ...] = ('time_s', 'load_1m')


@dataclass
class _Run:
    """A run being trained: its settings, files, environment, agent and where it starts."""
    config: RunConfig
    paths: RunPaths
    mdp: GymnasiumEnv
    agent: TrainableStatefulAgent
    progress: ProgressLogger
    first_epoch: int
    elapsed_before: float
    last_checkpoint: Optional[int]

    @property
    def tag(self) -> str:
        return f'{self.config.algorithm} on {self.config.env_id}, seed {self.config.seed}'


def train(config: RunConfig, paths: RunPaths, state: Optional[Dict[str, Any]],
          expert_data: Optional[ExpertData] = None) -> Dict[str, Any]:
    """
    Train a run to ``config.n_epochs`` epochs, writing its folder as it goes.

    Args:
        config (RunConfig): the validated run configuration;
        paths (RunPaths): the run folder;
        state (Dict[str, Any], None): the checkpoint's ``state.json`` to resume from (its settings
            already compared with ``config``), or None for a new run;
        expert_data (ExpertData, None): the expert data of an imitation run as ``config.check_data()`` read them
            (None: read here, for a new run that needs them).

    Returns:
        The summary of :func:`_summary`.

    Raises:
        NonFiniteLossError: when a loss becomes NaN or infinite (after writing ``error.txt``).

    """
    if os.path.exists(paths.error):
        os.remove(paths.error)
    run = _new_run(config, paths, expert_data) if state is None else _resumed_run(config, paths, state)
    steps_per_fit = config.n_steps_per_fit
    if steps_per_fit is None:
        steps_per_fit = int(run.agent.default_n_steps_per_fit)
    _write_args(paths.args, config, steps_per_fit, int(run.mdp.info.horizon))

    core = Core(run.agent, run.mdp)
    start = time.perf_counter()

    def elapsed() -> float:
        return run.elapsed_before + time.perf_counter() - start

    try:
        if state is None:
            row = _evaluation_row(run, core, 0, 0, elapsed)
            with deferred():
                _log(run, row)
        _learn_epochs(run, core, steps_per_fit, elapsed)
    except Preempted as stop:
        kept = ('no checkpoint yet: it starts anew' if run.last_checkpoint is None
                else f'it resumes after epoch {run.last_checkpoint}')
        print(f'[experiment] {run.tag}: {stop}; run the same command again and {kept}', flush=True)
        raise

    if run.first_epoch > config.n_epochs:
        print(f'[experiment] {run.tag}: nothing to do, the checkpoint is at epoch {run.first_epoch - 1} '
              f'>= n_epochs={config.n_epochs}', flush=True)
        _plot(run)
    return _summary(run, resumed_from_epoch=None if state is None else int(state['epoch']))


# ------------------------------------------------------------------------------------------------
# Set-up: a new run, or one resumed from its checkpoint (the order of the calls fixes the results)
# ------------------------------------------------------------------------------------------------
def _new_run(config: RunConfig, paths: RunPaths, expert_data: Optional[ExpertData]) -> _Run:
    remove_checkpoints(paths)
    for stale in (paths.agent, paths.curve):
        if os.path.exists(stale):
            os.remove(stale)
    seed_everything(config.seed)
    mdp = make_env(config.env_id, horizon=config.horizon, **config.task_options)
    mdp.seed(config.seed)
    if expert_data is None and needs_expert_data(config.algorithm):
        expert_data = config.check_data()
    try:
        agent = make_agent(config.algorithm, mdp.info, mdp.policy_obs_mask, env_id=config.env_id,
                           expert_data=expert_data, device=config.device, critic_obs_mask=mdp.critic_obs_mask,
                           **config.overrides)
    except ExperimentConfigError:
        raise
    except ValueError as error:  # a hyperparameter value the constructor refuses (its message names the choices)
        raise ExperimentConfigError(f'{config.algorithm}: {error}', 'hyperparameters') from None
    progress = ProgressLogger(paths.progress, PROGRESS_COLUMNS, resume=False)
    run = _Run(config, paths, mdp, agent, progress, first_epoch=1, elapsed_before=0., last_checkpoint=None)
    print(f'[experiment] {run.tag}: new run in {os.path.abspath(paths.run_dir)}', flush=True)
    return run


def _resumed_run(config: RunConfig, paths: RunPaths, state: Dict[str, Any]) -> _Run:
    mdp = make_env(config.env_id, horizon=config.horizon, **config.task_options)
    agent = load_checkpoint(paths, mdp)
    if config.device != 'cpu':   # checkpoints hold CPU tensors; a run resumes on the device it is given now
        agent.to(config.device)
    last_checkpoint = int(state['epoch'])
    progress = ProgressLogger(paths.progress, PROGRESS_COLUMNS, resume=True, max_epoch=last_checkpoint)
    run = _Run(config, paths, mdp, agent, progress, first_epoch=last_checkpoint + 1,
               elapsed_before=float(state['time_s']), last_checkpoint=last_checkpoint)
    print(f'[experiment] {run.tag}: resuming after epoch {last_checkpoint} in {os.path.abspath(paths.run_dir)}',
          flush=True)
    return run


# ------------------------------------------------------------------------------------------------
# Epochs
# ------------------------------------------------------------------------------------------------
def _learn_epochs(run: _Run, core: Core, steps_per_fit: int, elapsed: Callable[[], float]) -> None:
    """Learn, evaluate, log and checkpoint from ``run.first_epoch`` to ``n_epochs``, under a progress bar."""
    config, quiet = run.config, _quiet(run.config)
    bar = tqdm(total=config.n_epochs, initial=min(run.first_epoch - 1, config.n_epochs),
               desc=f'{config.algorithm} {config.env_id} s{config.seed}', unit='epoch', dynamic_ncols=True,
               disable=not _terminal())
    try:
        for epoch in range(run.first_epoch, config.n_epochs + 1):
            try:
                core.learn(n_steps=config.n_steps_per_epoch, n_steps_per_fit=steps_per_fit, quiet=quiet)
            except NonFiniteLossError as error:
                _fail(run, epoch, error)
            steps = epoch * config.n_steps_per_epoch
            row = _evaluation_row(run, core, epoch, steps, elapsed)
            row.update({f'loss_{name}': float(value) for name, value in sorted(run.agent.last_losses.items())})
            with deferred():  # a preemption signal waits until the epoch's files are written
                _log(run, row)
                if epoch % config.checkpoint_every == 0 or epoch == config.n_epochs:
                    save_checkpoint(run.paths, run.agent, run.mdp, config.run_defining_settings(), epoch, steps,
                                    row['time_s'], config.n_epochs)
                    run.last_checkpoint = epoch
            bar.update(1)
            bar.set_postfix(R=f'{row["R_mean"]:.1f}', R_det=f'{row["R_mean_deterministic"]:.1f}')
    finally:
        bar.close()
        run.mdp.stop()


def _terminal() -> bool:
    """Whether progress goes to a terminal; elsewhere (a file, a pipe, a SLURM log) a run prints one line per epoch."""
    return sys.stderr.isatty()


def _quiet(config: RunConfig) -> bool:
    """Whether MushroomRL's step and episode bars are hidden: asked for, or not on a terminal."""
    return config.quiet or not _terminal()


def _evaluation_row(run: _Run, core: Core, epoch: int, steps: int, elapsed: Callable[[], float]) -> Dict[str, Any]:
    """Evaluate the stochastic, then the deterministic policy; the row of ``progress.csv`` (time at the end)."""
    row: Dict[str, Any] = dict(epoch=epoch, steps=steps, time_s=None)
    for suffix, context in (('', nullcontext()), ('_deterministic', run.agent.deterministic())):
        with context:
            dataset = core.evaluate(n_episodes=run.config.n_eval_episodes, quiet=_quiet(run.config))
        R = np.asarray(compute_J(dataset, 1.), dtype=float)
        J = np.asarray(compute_J(dataset, run.mdp.info.gamma), dtype=float)
        lengths = np.asarray(compute_episodes_length(dataset), dtype=float)
        row.update({f'R_mean{suffix}': float(R.mean()), f'R_std{suffix}': float(R.std()),
                    f'J_mean{suffix}': float(J.mean()), f'J_std{suffix}': float(J.std()),
                    f'episode_length_mean{suffix}': float(lengths.mean()) if lengths.size else float('nan')})
    row['time_s'] = elapsed()
    row['load_1m'] = _load_average()
    return row


def _load_average() -> float:
    """The machine's 1-minute load average (NaN where the system does not report one)."""
    try:
        return float(os.getloadavg()[0])
    except (AttributeError, OSError):
        return float('nan')


def _log(run: _Run, row: Dict[str, Any]) -> None:
    """Append the row to ``progress.csv``, print it and redraw the learning curve."""
    run.progress.log(row)
    tqdm.write(f'[experiment] epoch {row["epoch"]}/{run.config.n_epochs}  steps {row["steps"]}  '
               f'R {row["R_mean"]:.2f}  R_det {row["R_mean_deterministic"]:.2f}  J {row["J_mean"]:.2f}  '
               f'len {row["episode_length_mean"]:.0f}  {row["time_s"]:.0f}s')
    sys.stdout.flush()
    _plot(run)


def _plot(run: _Run) -> None:
    try:
        plot_learning_curve(run.paths.progress, run.paths.curve, title=run.tag)
    except Exception as error:  # a plot must never stop a training run
        tqdm.write(f'[experiment] warning: could not draw {run.paths.curve}: {error}')


def _fail(run: _Run, epoch: int, error: Exception) -> None:
    """Report a non-finite loss: message on stderr and in error.txt, checkpoint untouched; raise."""
    paths = run.paths
    if run.last_checkpoint is None:
        kept = 'No checkpoint had been saved yet.'
    else:
        kept = (f'The last good checkpoint (epoch {run.last_checkpoint}) is kept: '
                f'{os.path.abspath(paths.checkpoint)} (light agent: {os.path.abspath(paths.agent)}).')
    message = (f'Training stopped in epoch {epoch}: non-finite loss ({run.tag}). {error} {kept} '
               f'progress.csv holds the epochs before {epoch}.')
    with open(paths.error, 'w') as f:
        f.write(message + '\n')
    tqdm.write(f'[experiment] ERROR: {message}', file=sys.stderr)
    sys.stderr.flush()
    raise NonFiniteLossError(message) from error


# ------------------------------------------------------------------------------------------------
# args.json and the summary
# ------------------------------------------------------------------------------------------------
def _write_args(path: str, config: RunConfig, steps_per_fit: int, horizon: int) -> None:
    """``args.json``: the arguments, the resolved hyperparameters, the horizon used (the task's where the arguments
    leave it unset), the versions (package too), the git revision."""
    resolved = default_hyperparameters(config.algorithm, config.env_id)
    resolved.update(config.overrides)
    content = dict(arguments=config.arguments(), run_dir=os.path.abspath(os.path.dirname(path)),
                   resolved_hyperparameters=resolved, n_steps_per_fit_used=steps_per_fit, horizon_used=horizon,
                   python=platform.python_version(), torch=torch.__version__, numpy=np.__version__,
                   torch_threads=config.n_threads, cpu_count=os.cpu_count(), **package_provenance())
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(content, f, indent=2, sort_keys=True, default=str)
    os.replace(tmp, path)


def _number(value: Any) -> str:
    return f'{value:.2f}' if isinstance(value, (int, float)) else str(value)


def _summary(run: _Run, resumed_from_epoch: Optional[int]) -> Dict[str, Any]:
    """The run folder and its files, the epochs done and the last evaluation; printed too."""
    paths, config = run.paths, run.config
    rows = read_progress(paths.progress)
    last = rows[-1] if rows else {}
    summary = dict(
        run_dir=os.path.abspath(paths.run_dir), progress_csv=os.path.abspath(paths.progress),
        learning_curve=os.path.abspath(paths.curve), agent=os.path.abspath(paths.agent),
        checkpoint=os.path.abspath(paths.checkpoint),
        env_id=config.env_id, algorithm=config.algorithm, seed=config.seed,
        epochs=int(last.get('epoch', 0) or 0), steps=int(last.get('steps', 0) or 0),
        time_s=float(last.get('time_s', 0.) or 0.),
        R_mean=last.get('R_mean'), J_mean=last.get('J_mean'),
        R_mean_deterministic=last.get('R_mean_deterministic'), J_mean_deterministic=last.get('J_mean_deterministic'),
        resumed_from_epoch=resumed_from_epoch,
    )
    print(f'[experiment] done: {run.tag}, {summary["epochs"]} epochs, {summary["steps"]} steps, '
          f'R_mean {_number(summary["R_mean"])}, R_mean_deterministic {_number(summary["R_mean_deterministic"])}, '
          f'{summary["time_s"]:.0f}s', flush=True)
    print(f'[experiment] progress:       {summary["progress_csv"]}', flush=True)
    print(f'[experiment] learning curve: {summary["learning_curve"]}', flush=True)
    print(f'[experiment] agent:          {summary["agent"]}', flush=True)
    return summary
