"""Helpers of the imitation-task tests: the loco-mujoco mini datasets they need, and small rollouts."""
import os

import numpy as np

from environments.loco_data import (DEFAULT_MINI_SOURCE, MissingDatasetError, install_mini_datasets,
                                    installed_real_dataset, missing_data_message)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: ``../shared/data/loco_mujoco_mini`` of the repository (present in CI and on the project's machines).
MINI_SOURCE = os.path.normpath(os.path.join(ROOT, DEFAULT_MINI_SOURCE))

REAL_TASKS = ('Atlas.carry', 'HumanoidTorque4Ages.walk.all', 'HumanoidTorque4Ages.run.all')


def ensure_mini_data() -> None:
    """
    Make the mini datasets available to loco-mujoco (what ``make data`` does) when ``../shared`` has them;
    without them, fail with the message that says how to get the data (these tests must not be skipped).

    """
    needed = [('Atlas', 'carry'), ('HumanoidTorque4Ages', 'walk'), ('HumanoidTorque4Ages', 'run')]
    if all(installed_real_dataset(robot, task, mini_only=True)[0] for robot, task in needed):
        return
    if os.path.isdir(os.path.join(MINI_SOURCE, 'real')):
        install_mini_datasets(MINI_SOURCE)
        return
    raise MissingDatasetError(missing_data_message('The imitation-task tests need loco-mujoco\'s mini datasets'))


def rollout(mdp, n_steps: int, scale: float = 0.1, stop_at_absorbing: bool = True) -> np.ndarray:
    """Observations of a reset and up to ``n_steps`` steps with Gaussian actions from NumPy's global generator."""
    observations = [mdp.reset()]
    n_actions = mdp.info.action_space.shape[0]
    for _ in range(n_steps):
        obs, _, absorbing, _ = mdp.step(np.random.randn(n_actions) * scale)
        observations.append(obs)
        if absorbing and stop_at_absorbing:
            break
    return np.array(observations)
