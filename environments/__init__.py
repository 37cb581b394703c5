"""Environments for S2PG: POMDP MuJoCo locomotion tasks and a MushroomRL adapter for Gymnasium.

Importing this package registers the POMDP environments in Gymnasium (idempotent).

"""
from environments.gymnasium_env import GymnasiumEnv
from environments.pomdp_locomotion import POMDP_ENV_IDS, masked_observation, register_pomdp_envs
from environments.registry import PROJECT_ENV_IDS, available_env_ids, make_env

register_pomdp_envs()

__all__ = [
    'GymnasiumEnv',
    'make_env',
    'POMDP_ENV_IDS',
    'PROJECT_ENV_IDS',
    'available_env_ids',
    'masked_observation',
    'register_pomdp_envs',
]
