"""The files of one run folder and its resumable checkpoint.

``<run_dir>/checkpoint/`` holds the full agent (with its replay memory), the random-generator states
(global and the environment's) and ``state.json`` (the epoch, the steps, the time and the settings
that define the run). It is written to ``checkpoint.tmp`` and swapped in, so that a run killed while
saving keeps the previous checkpoint (``checkpoint.old`` is put back on the next start).

"""
import json
import os
import pickle
import shutil
import time
from typing import Any, Dict, Optional

import numpy as np
from mushroom_rl.core import Agent

from environments import GymnasiumEnv
from mushroom_s2pg.utils import get_rng_state, set_rng_state

__all__ = ['RunPaths', 'run_directory', 'load_checkpoint_state', 'load_checkpoint', 'save_checkpoint',
           'remove_checkpoints', 'PROGRESS_FILE', 'CURVE_FILE', 'AGENT_FILE', 'ARGS_FILE', 'ERROR_FILE',
           'CHECKPOINT_DIR', 'STATE_FILE', 'RNG_FILE']

PROGRESS_FILE = 'progress.csv'
CURVE_FILE = 'learning_curve.png'
AGENT_FILE = 'agent.zip'
ARGS_FILE = 'args.json'
ERROR_FILE = 'error.txt'
CHECKPOINT_DIR = 'checkpoint'
STATE_FILE = 'state.json'
RNG_FILE = 'rng.pkl'


def run_directory(results_dir: str, seed: int) -> str:
    """
    The folder of one run: ``<results_dir>/<seed>``, as experiment-launcher's ``single_experiment``
    lays it out (the Launcher already puts the configuration into ``results_dir``).

    Args:
        results_dir (str): the results folder of the run configuration;
        seed (int): the seed.

    Returns:
        The run folder.

    """
    return os.path.join(results_dir, str(seed))


class RunPaths:
    """
    The files of one run folder.

    Args:
        run_dir (str): the run folder (:func:`run_directory`).

    """
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


def _env_generator(mdp: GymnasiumEnv) -> Optional[np.random.Generator]:
    """The random generator of the Gymnasium environment, if it is a NumPy ``Generator``."""
    generator = mdp.env.unwrapped.np_random
    return generator if isinstance(generator, np.random.Generator) else None


def remove_checkpoints(paths: RunPaths) -> None:
    """Delete ``checkpoint/`` and the leftovers of an interrupted save."""
    for folder in (paths.checkpoint, paths.checkpoint_tmp, paths.checkpoint_old):
        if os.path.isdir(folder):
            shutil.rmtree(folder)


def load_checkpoint_state(paths: RunPaths) -> Optional[Dict[str, Any]]:
    """
    Returns:
        The ``state.json`` of the run folder's checkpoint, or None; repairs an interrupted swap first.

    """
    if not os.path.isdir(paths.checkpoint) and os.path.isdir(paths.checkpoint_old):
        os.replace(paths.checkpoint_old, paths.checkpoint)
    state_file = os.path.join(paths.checkpoint, STATE_FILE)
    if not os.path.exists(state_file):
        return None
    with open(state_file) as f:
        return json.load(f)


def load_checkpoint(paths: RunPaths, mdp: GymnasiumEnv) -> Agent:
    """
    Load the full agent and restore the global and the environment's random generators.

    Args:
        paths (RunPaths): the run folder;
        mdp (GymnasiumEnv): the freshly built environment of the run.

    Returns:
        The agent.

    """
    agent = Agent.load(os.path.join(paths.checkpoint, AGENT_FILE))
    with open(os.path.join(paths.checkpoint, RNG_FILE), 'rb') as f:
        rng = pickle.load(f)
    set_rng_state(rng['global'])
    generator = _env_generator(mdp)
    if generator is not None and rng['env'] is not None:
        generator.bit_generator.state = rng['env']
    return agent


def save_checkpoint(paths: RunPaths, agent: Agent, mdp: GymnasiumEnv, settings: Dict[str, Any], epoch: int,
                    steps: int, time_s: float, n_epochs: int) -> None:
    """
    Write ``checkpoint/`` (full agent, random-generator states, state.json) atomically, then the
    light ``agent.zip`` (without the replay memory).

    Args:
        paths (RunPaths): the run folder;
        agent (Agent): the agent;
        mdp (GymnasiumEnv): the environment;
        settings (Dict[str, Any]): the settings that define the run (``RunConfig.run_defining_settings``);
        epoch (int): the epoch just finished;
        steps (int): the environment steps so far;
        time_s (float): the training time so far;
        n_epochs (int): the epochs of the run.

    """
    if os.path.isdir(paths.checkpoint_tmp):
        shutil.rmtree(paths.checkpoint_tmp)
    os.makedirs(paths.checkpoint_tmp)
    agent.save(os.path.join(paths.checkpoint_tmp, AGENT_FILE), full_save=True)
    generator = _env_generator(mdp)
    rng = {'global': get_rng_state(), 'env': None if generator is None else generator.bit_generator.state}
    with open(os.path.join(paths.checkpoint_tmp, RNG_FILE), 'wb') as f:
        pickle.dump(rng, f)
    state = dict(epoch=epoch, steps=steps, time_s=time_s, n_epochs=n_epochs, config=settings,
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
