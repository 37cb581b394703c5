"""Train one algorithm on one task with one seed, and log its learning curve.

Per epoch: ``n_steps_per_epoch`` environment steps of learning, then ``n_eval_episodes`` evaluation
episodes with the stochastic policy and as many with the deterministic one (epoch 0 is evaluated
before any training). Every epoch appends a row to ``progress.csv`` and redraws
``learning_curve.png``; every ``checkpoint_every`` epochs (and after the last) the run saves a
resumable checkpoint, so that the same command continues an interrupted run.

Command line (one option per field of ``launchers.run.config.RunConfig``)::

    python -m launchers.run.experiment --env_id HalfCheetahPOMDP-v5 --algorithm SAC_RS \\
        --n_epochs 3 --n_steps_per_epoch 2000 --results_dir results/demo

Results of a run (``<results_dir>/<seed>/``, the layout of experiment-launcher)::

    args.json            the arguments and the resolved hyperparameters
    progress.csv         one row per epoch (epoch 0 = before training)
    learning_curve.png   R_mean (stochastic and deterministic) against steps
    agent.zip            the last checkpointed agent, small (no replay memory)
    checkpoint/          agent.zip (full, with replay memory), rng.pkl and state.json: for resuming
    error.txt            only when a loss became non-finite
    run.lock             the lock that keeps a second process out of the folder (pid@host of its holder)

A run takes the folder's lock before it writes anything (``launchers/run/lock.py``); a second process on the same
folder stops with an error naming the holder. SIGTERM or SIGUSR1 stop a run at once with status 143, its files as
after the last epoch, and the same command resumes it exactly (``launchers/run/preemption.py``).

The settings are validated by ``launchers/run/config.py``, the epochs run in ``launchers/run/training.py``,
the checkpoint is ``launchers/run/checkpoint.py``. The grids of the paper are launched with
the modules of ``launchers/grids/`` (``launchers/grids/runner.py``).

"""
import argparse
import os
import sys
from typing import Any, Dict, List, Optional

import torch
from experiment_launcher import run_experiment

# The launchers package first: it silences MuJoCo's display warning, also when SLURM runs this file as a script.
from launchers import Parser, program_name
from launchers.run.checkpoint import RunPaths, load_checkpoint_state, run_directory
from launchers.run.config import ExperimentConfigError, RunConfig, add_config_arguments, experiment_signature
from launchers.run.preemption import PREEMPTED_EXIT_CODE, Preempted, preemptible
from launchers.run.lock import LOCK_FILE, RunLock, RunLockedError
from launchers.run.training import PROGRESS_COLUMNS, train
from environments import PROJECT_ENV_IDS
from mushroom_s2pg.algorithms import available_algorithms
from mushroom_s2pg.core import NonFiniteLossError

#: The options the command line requires, so that a bare command does not start the default run of many hours (the
#: Python function keeps RunConfig's defaults).
REQUIRED_OPTIONS = ('env_id', 'algorithm')

__all__ = ['experiment', 'ExperimentConfigError', 'PROGRESS_COLUMNS', 'RunConfig', 'RunLockedError', 'run_directory',
           'build_parser', 'main']


# experiment-launcher integration. ``Launcher`` imports this module and calls ``experiment(**params)`` with
# the defaults of its signature, ``results_dir`` and ``seed`` (local joblib), or runs this file with the
# same command-line options (SLURM), which ``main`` parses and hands to ``run_experiment``. The
# ``single_experiment`` decorator is not used: its ``save_args`` fails in a git checkout without an
# ``origin`` remote and it drops the return value; ``experiment`` lays out ``<results_dir>/<seed>`` the
# same way and writes ``args.json`` itself, after validating the arguments, so that a typo writes nothing.
def experiment(**arguments: Any) -> Dict[str, Any]:
    """
    Train ``algorithm`` on ``env_id`` for ``n_epochs`` epochs and log the learning curve.

    The keyword arguments, their types, defaults and meaning are the fields of
    :class:`launchers.run.config.RunConfig` (the signature below is built from them). Defaults are the
    paper's setting for the off-policy algorithms (200 epochs x 10k steps, 10 evaluation episodes);
    every algorithm hyperparameter defaults to the reference value for the task
    (``mushroom_s2pg.algorithms.default_hyperparameters``).

    Returns:
        A summary: the run folder and its files, the epochs done, the last evaluation.

    Raises:
        ExperimentConfigError: (a ValueError) for an unknown environment, algorithm, hyperparameter or
            task option, or an invalid value, before anything is written; also for a checkpoint in
            the run folder whose run-defining settings differ (with ``resume=True``);
        NonFiniteLossError: when a loss becomes NaN or infinite; the message names the epoch, the
            last good checkpoint is kept and the message is written to ``error.txt``;
        RunLockedError: (an ExperimentConfigError) when another process holds the run folder;
        Preempted: when SIGTERM or SIGUSR1 stopped the run (command line and main thread only).

    """
    config = RunConfig(**arguments)
    expert_data = config.check_data()  # read once, then handed to the run
    run_dir = run_directory(config.results_dir, config.seed)
    created = [path for path in (run_dir, config.results_dir) if not os.path.isdir(path)]
    try:
        os.makedirs(run_dir, exist_ok=True)
    except OSError as error:  # e.g. a read-only place, or a path below a file
        raise ExperimentConfigError(f'cannot create the run folder {run_dir} ({error.strerror or error})',
                                    'results_dir') from None
    lock = RunLock(run_dir).acquire()  # one process per run folder, before anything is written in it
    previous_threads = torch.get_num_threads()
    try:
        paths = RunPaths(run_dir)
        state = load_checkpoint_state(paths) if config.resume else None
        if state is not None:
            _check_same_run(paths, config, state)
        torch.set_num_threads(config.n_threads)
        with preemptible():
            return train(config, paths, state, expert_data)
    except ExperimentConfigError:  # a hyperparameter value refused by the agent, found before anything is written
        lock.release()
        _remove_lock_file(run_dir)
        for path in created:  # the folders this call made, while still empty
            if not os.listdir(path):
                os.rmdir(path)
        raise
    finally:
        lock.release()
        torch.set_num_threads(previous_threads)


def _remove_lock_file(run_dir: str) -> None:
    try:
        os.remove(os.path.join(run_dir, LOCK_FILE))
    except OSError:
        pass


experiment.__signature__ = experiment_signature()  # type: ignore[attr-defined]


def _check_same_run(paths: RunPaths, config: RunConfig, state: Dict[str, Any]) -> None:
    """Refuse to resume a checkpoint whose run-defining settings differ from the configuration's."""
    settings, saved = config.run_defining_settings(), state.get('config', {})
    if saved == settings:
        return
    differences = sorted(key for key in set(settings) | set(saved) if settings.get(key) != saved.get(key))
    raise ExperimentConfigError(
        f'The checkpoint in {paths.checkpoint} belongs to a run with other settings ({", ".join(differences)}: '
        f'{ {k: saved.get(k) for k in differences} } there, { {k: settings.get(k) for k in differences} } now). '
        'Use another results_dir, or resume=False to start this folder anew.')


def build_parser() -> argparse.ArgumentParser:
    """
    The command-line parser of :func:`experiment`: one option per :class:`RunConfig` field (type,
    default and help from the field), with a description listing the algorithms and environment ids.

    Returns:
        The parser.

    """
    description = (__doc__.split('\n\n')[0] + '\n\n'
                   f'algorithms: {", ".join(available_algorithms())}\n'
                   f'environment ids: {", ".join(PROJECT_ENV_IDS)} (or any registered Gymnasium id)\n\n'
                   'Results go to <results_dir>/<seed>/: progress.csv, learning_curve.png, agent.zip, '
                   'checkpoint/, args.json.')
    parser = Parser(prog=program_name('launchers.run.experiment'), description=description,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    return add_config_arguments(parser, required=REQUIRED_OPTIONS)


def main(argv: Optional[List[str]] = None) -> None:
    """
    Command-line entry point: parse the arguments and run :func:`experiment` through
    experiment-launcher's ``run_experiment``. An invalid setting exits with status 2 and a message
    naming the option, before anything is written; a non-finite loss exits with status 1.

    Args:
        argv (List[str], None): the arguments (None: ``sys.argv[1:]``).

    """
    parser = build_parser()
    arguments = vars(parser.parse_args(argv))
    try:
        run_experiment(experiment, arguments)
    except ExperimentConfigError as error:
        parser.error(f'argument --{error.field}: {error}' if error.field else str(error))
    except NonFiniteLossError:
        sys.exit(1)  # the message is already on stderr and in error.txt
    except Preempted:
        sys.exit(PREEMPTED_EXIT_CODE)  # the message is already printed; the same command resumes


if __name__ == '__main__':
    main()
