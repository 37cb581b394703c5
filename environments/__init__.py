"""Environments for S2PG: POMDP MuJoCo locomotion tasks, point-mass memory tasks and a MushroomRL
adapter for Gymnasium.

Importing this package registers the POMDP and point-mass environments in Gymnasium (idempotent).

"""
from environments.gymnasium_env import GymnasiumEnv
from environments.point_mass import (POINT_MASS_ENV_IDS, PointMassDoorEnv, PointMassMemoryEnv,
                                     register_point_mass_envs)
from environments.pomdp_locomotion import POMDP_ENV_IDS, masked_observation, register_pomdp_envs
from environments.registry import (PROJECT_ENV_IDS, TASK_OPTIONS, available_env_ids, check_env_options,
                                   env_options, make_env)

register_pomdp_envs()
register_point_mass_envs()

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
    'PointMassDoorEnv',
    'register_point_mass_envs',
]
