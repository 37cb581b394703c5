"""Registry of the environments provided by this project, the keyword options each task takes, and
the ``make_env`` factory."""
import difflib
from typing import Any, Dict, Iterable, Optional, Tuple, Union

import gymnasium

from environments.gymnasium_env import GymnasiumEnv
from environments.loco_tasks import LOCO_TASK_IDS, LOCO_TASK_OPTIONS, LOCO_TASKS, LocoTaskEnv
from environments.pendulum_pomdp import PENDULUM_POMDP_ID, register_pendulum_pomdp
from environments.point_mass import POINT_MASS_ENV_IDS
from environments.pomdp_locomotion import POMDP_ENV_IDS, register_pomdp_envs

__all__ = ['PROJECT_ENVS', 'PROJECT_ENV_IDS', 'GYMNASIUM_OPTIONS', 'TASK_OPTIONS', 'available_env_ids',
           'env_options', 'check_env_options', 'make_env']

#: Environments provided by this project: Gymnasium id -> short description. To add a task, register
#: it in Gymnasium (on import of ``environments``), add an entry here and declare its options below.
PROJECT_ENVS: Dict[str, str] = {
    'HalfCheetahPOMDP-v5': 'HalfCheetah-v5, joint velocities hidden from the policy',
    'HopperPOMDP-v5': 'Hopper-v5, joint velocities hidden from the policy',
    'Walker2dPOMDP-v5': 'Walker2d-v5, joint velocities hidden from the policy',
    'AntPOMDP-v5': 'Ant-v5, joint velocities hidden from the policy',
    'HumanoidPOMDP-v5': 'Humanoid-v5, joint velocities, com inertia/velocity and actuator forces hidden',
    PENDULUM_POMDP_ID: 'Pendulum-v1, angular velocity hidden from the policy (needs a one-step memory)',
    'PointMassMemory-v0': 'point-mass memory task: one of four goals, visible within radius 30 of the start',
    'PointMassMemory-v1': 'point-mass memory task with start and goal drawn uniformly along their rows',
    'PointMassDoor-v0': 'point-mass door task: two walls with doors, visible within radius 20 of the start',
    # Imitation tasks on loco-mujoco (environments/loco_tasks.py): MushroomRL environments, not Gymnasium ids.
    **{env_id: spec.description for env_id, spec in LOCO_TASKS.items()},
}

#: Ids of the environments provided by this project.
PROJECT_ENV_IDS: Tuple[str, ...] = tuple(PROJECT_ENVS)

#: The options every id takes: Gymnasium's own keyword of ``gymnasium.make``.
GYMNASIUM_OPTIONS: Tuple[str, ...] = ('render_mode',)

#: The keyword options of each project task beyond :data:`GYMNASIUM_OPTIONS` (``random_mass``:
#: randomise the body masses at every reset; ``normalize_observation`` and ``progress_reward``: the
#: point-mass training aids; see the task modules). Any other Gymnasium id takes none.
#: The loco-mujoco imitation tasks are not Gymnasium environments: they take only their own options.
TASK_OPTIONS: Dict[str, Tuple[str, ...]] = {
    **{env_id: ('random_mass', 'hide_actuator_forces') for env_id in POMDP_ENV_IDS},
    **{env_id: ('render_size', 'normalize_observation', 'progress_reward') for env_id in POINT_MASS_ENV_IDS},
    **LOCO_TASK_OPTIONS,
}


def available_env_ids() -> Tuple[str, ...]:
    """
    Returns:
        The ids of the environments provided by this project.

    """
    return tuple(PROJECT_ENVS)


def env_options(env_id: str) -> Tuple[str, ...]:
    """
    The keyword options that :func:`make_env` accepts for a task.

    Args:
        env_id (str): a project id or any registered Gymnasium id.

    Returns:
        The option names, e.g. ``('render_mode', 'random_mass')`` for the POMDP locomotion tasks.

    Raises:
        ValueError: if ``env_id`` is neither a project id nor a registered Gymnasium id; the
            message lists the project ids.

    """
    register_pomdp_envs()
    register_pendulum_pomdp()
    if not isinstance(env_id, str) or (env_id not in PROJECT_ENVS and env_id not in gymnasium.registry):
        valid = ', '.join(available_env_ids())
        close = difflib.get_close_matches(str(env_id), list(available_env_ids()) + list(gymnasium.registry), n=1)
        hint = f' Did you mean {close[0]!r}?' if close else ''
        raise ValueError(f'Unknown environment id {env_id!r}.{hint} Valid project ids: {valid} '
                         '(any registered Gymnasium id is accepted too).')
    if env_id in LOCO_TASK_IDS:
        return TASK_OPTIONS[env_id]
    return GYMNASIUM_OPTIONS + TASK_OPTIONS.get(env_id, ())


def check_env_options(env_id: str, options: Iterable[str]) -> None:
    """
    The one check of a task and the keyword options given to it (used by :func:`make_env` and by
    the launchers' run configuration).

    Args:
        env_id (str): the environment id;
        options (Iterable[str]): the names of the options given.

    Raises:
        ValueError: for an unknown id (see :func:`env_options`), or for an option the task does not
            take; the message names the option, the options of the task and the tasks that take it.

    """
    valid = env_options(env_id)
    unsupported = sorted(set(options) - set(valid))
    if not unsupported:
        return
    takers = {name: [task for task, names in TASK_OPTIONS.items() if name in names] for name in unsupported}
    where = '; '.join(f'{name} is taken by {", ".join(tasks) if tasks else "no project task"}'
                      for name, tasks in takers.items())
    raise ValueError(f'The task {env_id!r} does not take the option(s) {", ".join(unsupported)}. '
                     f'Its options: {", ".join(valid)} ({where}).')


def make_env(env_id: str, gamma: float = 0.99, horizon: Optional[int] = None,
             **env_kwargs: Any) -> Union[GymnasiumEnv, LocoTaskEnv]:
    """
    Build a MushroomRL environment from a project id or any registered Gymnasium id.

    Args:
        env_id (str): the environment id, e.g. ``'HopperPOMDP-v5'``;
        gamma (float, 0.99): the discount factor;
        horizon (int, None): the horizon; if None, the spec's ``max_episode_steps``;
        **env_kwargs: the task's keyword options (:func:`env_options`, e.g. ``random_mass=True``).

    Returns:
        The ``GymnasiumEnv`` wrapping the environment, or for a loco-mujoco imitation task
        (:data:`environments.loco_tasks.LOCO_TASK_IDS`) the ``LocoTaskEnv`` adapter.

    Raises:
        ValueError: if ``env_id`` is neither a project id nor a registered Gymnasium id, or if an
            option is not one the task takes (:func:`check_env_options`).

    """
    check_env_options(env_id, env_kwargs)
    if env_id in LOCO_TASK_IDS:
        return LocoTaskEnv(env_id, gamma=gamma, horizon=horizon, **env_kwargs)
    return GymnasiumEnv(env_id, gamma=gamma, horizon=horizon, **env_kwargs)
