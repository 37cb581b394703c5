"""Registry of the environments provided by this project and the ``make_env`` factory."""
from typing import Any, Dict, Optional, Tuple

import gymnasium

from environments.gymnasium_env import GymnasiumEnv
from environments.pomdp_locomotion import register_pomdp_envs

__all__ = ['PROJECT_ENVS', 'PROJECT_ENV_IDS', 'available_env_ids', 'make_env']

#: Environments provided by this project: Gymnasium id -> short description. To add a task, register
#: it in Gymnasium (on import of ``environments``) and add an entry here.
PROJECT_ENVS: Dict[str, str] = {
    'HalfCheetahPOMDP-v5': 'HalfCheetah-v5, joint velocities hidden from the policy',
    'HopperPOMDP-v5': 'Hopper-v5, joint velocities hidden from the policy',
    'Walker2dPOMDP-v5': 'Walker2d-v5, joint velocities hidden from the policy',
    'AntPOMDP-v5': 'Ant-v5, joint velocities hidden from the policy',
    'HumanoidPOMDP-v5': 'Humanoid-v5, joint velocities, com inertia/velocity and actuator forces hidden',
    'PointMassMemory-v0': 'point-mass memory task: one of four goals, visible within radius 30 of the start',
    'PointMassDoor-v0': 'point-mass door task: two walls with doors, visible within radius 20 of the start',
}

#: Ids of the environments provided by this project.
PROJECT_ENV_IDS: Tuple[str, ...] = tuple(PROJECT_ENVS)


def available_env_ids() -> Tuple[str, ...]:
    """
    Returns:
        The ids of the environments provided by this project.

    """
    return tuple(PROJECT_ENVS)


def make_env(env_id: str, gamma: float = 0.99, horizon: Optional[int] = None,
             **env_kwargs: Any) -> GymnasiumEnv:
    """
    Build a MushroomRL environment from a project id or any registered Gymnasium id.

    Args:
        env_id (str): the environment id, e.g. ``'HopperPOMDP-v5'``;
        gamma (float, 0.99): the discount factor;
        horizon (int, None): the horizon; if None, the spec's ``max_episode_steps``;
        **env_kwargs: keyword arguments of the Gymnasium environment (e.g. ``random_mass=True``).

    Returns:
        The ``GymnasiumEnv`` wrapping the environment.

    Raises:
        ValueError: if ``env_id`` is neither a project id nor a registered Gymnasium id.

    """
    register_pomdp_envs()
    if not isinstance(env_id, str) or (env_id not in PROJECT_ENVS and env_id not in gymnasium.registry):
        valid = ', '.join(available_env_ids())
        raise ValueError(f'Unknown environment id {env_id!r}. Valid project ids: {valid} '
                         '(any registered Gymnasium id is accepted too).')
    return GymnasiumEnv(env_id, gamma=gamma, horizon=horizon, **env_kwargs)
