"""Environments for S2PG: POMDP MuJoCo locomotion tasks, point-mass memory tasks, a short-memory
pendulum, a MushroomRL adapter for Gymnasium, and the loco-mujoco imitation tasks with their expert data.

Importing this package registers the POMDP, pendulum and point-mass environments in Gymnasium (idempotent).

"""
import warnings

# MuJoCo's viewer bindings warn on import on machines without a display; the tasks render only when asked to.
warnings.filterwarnings('ignore', message='.*DISPLAY environment variable.*')

from environments.expert_data import ExpertData, ExpertDataError, expert_dataset
from environments.gymnasium_env import GymnasiumEnv
from environments.loco_data import MissingDatasetError
from environments.loco_tasks import LOCO_TASK_IDS, LocoTaskEnv
from environments.pendulum_pomdp import PENDULUM_POMDP_ID, PendulumPOMDPEnv, register_pendulum_pomdp
from environments.point_mass import (POINT_MASS_ENV_IDS, PointMassDoorEnv, PointMassMemoryEnv,
                                     PointMassMemoryUniformEnv, register_point_mass_envs)
from environments.pomdp_locomotion import POMDP_ENV_IDS, masked_observation, register_pomdp_envs
from environments.registry import (PROJECT_ENV_IDS, TASK_OPTIONS, available_env_ids, check_env_options,
                                   env_options, make_env)

# Gymnasium calls a task "out of date" when a later version is registered; PointMassMemory-v0 stays the reference's
# task beside PointMassMemory-v1, a different task. (After Gymnasium's import, whose own filter comes first.)
warnings.filterwarnings('ignore', message='.*The environment PointMassMemory-v0 is out of date.*')
register_pomdp_envs()
register_point_mass_envs()
register_pendulum_pomdp()

__all__ = [
    'GymnasiumEnv',
    'make_env',
    'POMDP_ENV_IDS',
    'PROJECT_ENV_IDS',
    'available_env_ids',
    'env_options',
    'check_env_options',
    'TASK_OPTIONS',
    'masked_observation',
    'register_pomdp_envs',
    'POINT_MASS_ENV_IDS',
    'PointMassMemoryEnv',
    'PointMassMemoryUniformEnv',
    'PointMassDoorEnv',
    'register_point_mass_envs',
    'PENDULUM_POMDP_ID',
    'PendulumPOMDPEnv',
    'register_pendulum_pomdp',
    'LOCO_TASK_IDS',
    'LocoTaskEnv',
    'expert_dataset',
    'ExpertData',
    'ExpertDataError',
    'MissingDatasetError',
]
