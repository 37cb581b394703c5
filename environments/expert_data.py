"""Expert data of the imitation tasks (``environments/loco_tasks.py``), from one function.

``expert_dataset(env_id, path=None)`` takes the first source that applies:

1. ``path``: a perfect-format ``.npz`` (``states``, ``actions``, ``last``, ``absorbing``, as loco-mujoco
   writes its perfect datasets; ``next_states`` too when present), checked here, then loaded with
   loco-mujoco's own loader (``load_dataset_and_get_traj_files`` + ``load_trajectory``);
2. for a ``.perfect`` id without ``path``: loco-mujoco's perfect dataset of the task, if installed;
3. otherwise loco-mujoco's motion-capture datasets as installed: the full datasets when downloaded, else
   the mini datasets (``make data``), through loco-mujoco's ``create_dataset()``.

Any other task (e.g. ``PointMassMemory-v0``) has no default dataset: ``path`` is required, a perfect-format file
with ``next_states`` whose episodes may differ in length (``launchers/tools/make_expert_data.py`` writes it), read with
numpy and checked against the task's observation and action sizes. Such a file may also record the task options
that shape its observations (``task_options``, a JSON object such as ``{"normalize_observation": true}``;
:func:`file_task_options` reads it), so that a run imitating it can check that it observes the same way.

The data are a :class:`mushroom_s2pg.expert_data.ExpertData`, the one type the imitation algorithms take. A missing
dataset raises :class:`environments.loco_data.MissingDatasetError` (an :class:`ExpertDataError`) with how to get it;
a bad file raises :class:`ExpertDataError` naming the file and the key (the file checks are in
``environments/perfect_files.py``). The perfect files written by
``launchers/tools/make_expert_data.py`` hold full observations (the hidden weight or scale included), so that a
critic or a discriminator can see everything; motion-capture data hold the joint positions and velocities
only (``ExpertData.full_state`` is False), which is exactly what the policy sees.

"""
import os
from typing import Dict, Optional

import numpy as np

from environments.loco_tasks import LOCO_TASK_IDS, LOCO_TASKS, LocoTaskEnv
from environments.perfect_files import PERFECT_KEYS, check_perfect_file, file_task_options, write_perfect_file
from environments.registry import available_env_ids, make_env
from mushroom_s2pg.expert_data import ExpertData, ExpertDataError

__all__ = ['ExpertData', 'ExpertDataError', 'PERFECT_KEYS', 'expert_dataset', 'check_perfect_file',
           'write_perfect_file', 'file_task_options']


def _from_episodes(env_id: str, source: str, path: str, data: Dict[str, np.ndarray], full_state: bool) -> ExpertData:
    """The :class:`ExpertData` of a file's episodes; without ``next_states``, each state's successor within its
    episode (an episode's last state has none and is dropped)."""
    states = np.asarray(data['states'], dtype=np.float64)
    last = np.asarray(data['last']).astype(bool)
    absorbing = np.asarray(data['absorbing']).astype(bool)
    actions = data.get('actions')
    if 'next_states' in data:
        next_states = np.asarray(data['next_states'], dtype=np.float64)
    else:
        keep = ~last
        keep_next = np.concatenate([[False], keep[:-1]])
        next_states = states[keep_next]
        states, absorbing = states[keep], absorbing[keep]
        actions = None if actions is None else np.asarray(actions)[keep]
        last = np.concatenate([last[1:], [False]])[keep]
    obs_mask = np.ones(states.shape[1], dtype=bool) if full_state else None
    return ExpertData(states=states, next_states=next_states, last=last, actions=actions, absorbing=absorbing,
                      obs_mask=obs_mask, env_id=env_id, source=source, path=path)


def expert_dataset(env_id: str, path: Optional[str] = None) -> ExpertData:
    """
    The expert data of an imitation task (sources in the order of the module's docstring), read and checked.

    Args:
        env_id (str): an imitation task id (``environments.loco_tasks.LOCO_TASK_IDS``), or any other task of
            ``environments.make_env`` with ``path``;
        path (str, None): a perfect-format ``.npz``; for a motion-capture id, its ``.perfect`` variant reads it; for
            another task (e.g. ``PointMassMemory-v0``), the file written by ``launchers.tools.make_expert_data``.

    Returns:
        The :class:`ExpertData`, with ``env_id``, ``source`` and ``path`` set, and ``obs_mask`` all True when the
        rows are full observations (perfect files), None when they are what the policy sees (motion capture).

    Raises:
        ExpertDataError: for a task that is not an imitation task, without ``path``; for a file with missing keys,
            wrong shapes or another robot's data; as ``MissingDatasetError`` (also a ``FileNotFoundError``) when
            the dataset is not installed (the message says how to get it).

    """
    if env_id not in LOCO_TASKS:
        return _task_file_dataset(env_id, path)
    spec = LOCO_TASKS[env_id]
    perfect = path is not None or spec.perfect
    data_id = env_id + '.perfect' if perfect and not spec.perfect else env_id
    mdp = LocoTaskEnv(data_id, dataset_path=path) if perfect else LocoTaskEnv(env_id)
    try:
        data = mdp.loco_env.create_dataset()  # the file as loco-mujoco's loader read it
    finally:
        mdp.stop()
    return _from_episodes(data_id, mdp.data_source, mdp.dataset_path, data, full_state=perfect)


def _task_file_dataset(env_id: str, path: Optional[str]) -> ExpertData:
    """The expert data of a task that is not a loco-mujoco task: a perfect-format file with ``next_states``,
    whose episodes may have different lengths (read with numpy: loco-mujoco's loader is for its own robots)."""
    if path is None:
        raise ExpertDataError(f'No expert data for {env_id!r}: it is not a loco-mujoco imitation task '
                              f'({", ".join(LOCO_TASK_IDS)}), so it has no default dataset. Write one with python -m '
                              f'launchers.tools.make_expert_data --env_id {env_id} and pass it as expert_data.')
    if env_id not in available_env_ids():
        raise ExpertDataError(f'Unknown task {env_id!r}. Tasks: {", ".join(available_env_ids())}.')
    mdp = make_env(env_id)
    obs_dim, action_dim = mdp.info.observation_space.shape[0], mdp.info.action_space.shape[0]
    mdp.stop()
    data = check_perfect_file(path, env_id, obs_dim, action_dim, equal_lengths=False)
    return _from_episodes(env_id, 'perfect', os.path.abspath(path), data, full_state=True)
