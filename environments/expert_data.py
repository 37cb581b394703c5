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

A missing dataset raises :class:`environments.loco_data.MissingDatasetError` with how to get it; a bad
file raises :class:`ExpertDataError` naming the file and the key. The perfect files written by
``launchers/tools/make_expert_data.py`` hold full observations (the hidden weight or scale included), so that a
critic or a discriminator can see everything; motion-capture data hold the joint positions and velocities
only (``ExpertDataset.full_state`` is False), which is exactly what the policy sees.

"""
import json
import os
import zipfile
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional

import numpy as np

from environments.loco_data import MissingDatasetError
from environments.loco_tasks import LOCO_TASK_IDS, LOCO_TASKS, LocoTaskEnv

__all__ = ['ExpertDataError', 'ExpertDataset', 'PERFECT_KEYS', 'expert_dataset', 'check_perfect_file',
           'write_perfect_file', 'file_task_options', 'MissingDatasetError']

#: The keys of a perfect-format dataset (``next_states`` is optional).
PERFECT_KEYS = ('states', 'actions', 'last', 'absorbing')


class ExpertDataError(ValueError):
    """A dataset file that cannot serve a task: the message names the file and the key."""


@dataclass(frozen=True, eq=False)
class ExpertDataset:
    """
    Expert transitions of a task, episode after episode (arrays are read-only).

    Attributes:
        env_id (str): the task;
        source (str): ``'perfect'`` (a perfect-format file), ``'full'`` or ``'mini'`` (motion capture);
        path (str): the file read;
        states (np.ndarray): ``(N, d)``;
        next_states (np.ndarray): ``(N, d)``;
        absorbing (np.ndarray): ``(N,)`` bool;
        last (np.ndarray): ``(N,)`` bool, True on the last transition of each episode;
        episode_starts (np.ndarray): ``(N,)`` bool, True on the first transition of each episode;
        actions (np.ndarray, None): ``(N, action_dim)``, None when the source has none (motion capture);
        full_state (bool): True when the rows are the task's full observation, False when they are its joint
            positions and velocities only (``state[policy_obs_mask]`` of the task without foot forces).

    """
    env_id: str
    source: str
    path: str
    states: np.ndarray
    next_states: np.ndarray
    absorbing: np.ndarray
    last: np.ndarray
    episode_starts: np.ndarray
    actions: Optional[np.ndarray]
    full_state: bool

    @property
    def n_samples(self) -> int:
        return int(len(self.states))

    @property
    def n_episodes(self) -> int:
        return int(self.last.sum())


def _error(path: str, key: str, text: str) -> ExpertDataError:
    return ExpertDataError(f'{path}: key {key!r}: {text}')


def check_perfect_file(path: str, env_id: str, obs_dim: int, action_dim: int,
                       hidden_index: Optional[Callable[[np.ndarray], np.ndarray]] = None,
                       n_hidden_values: Optional[int] = None, equal_lengths: bool = True) -> Dict[str, np.ndarray]:
    """
    Check a perfect-format file against a task, before loco-mujoco reads it.

    Args:
        path (str): the ``.npz``;
        env_id (str): the task (for the messages);
        obs_dim (int): the task's full observation size;
        action_dim (int): its action size;
        hidden_index (Callable, None): states -> index of the hidden weight or scale (checks that it is
            constant within each episode and, for the four-ages humanoid, that episodes come in equal blocks
            per scale in loco-mujoco's order);
        n_hidden_values (int, None): the number of hidden values (None: from the task spec if known);
        equal_lengths (bool, True): require at least 2 episodes of equal length (loco-mujoco's loader does);
            False for the other tasks, whose episodes may end early (absorbing).

    Returns:
        The arrays of the file.

    Raises:
        ExpertDataError: naming the file and the key at fault.

    """
    data = _load_npz(path)
    _check_arrays(data, path, env_id, obs_dim, action_dim)
    ends = _check_episodes(data, path, env_id, equal_lengths)
    if hidden_index is not None:
        _check_hidden_values(data['states'], ends, path, env_id, hidden_index, n_hidden_values)
    return data


def _load_npz(path: str) -> Dict[str, np.ndarray]:
    """Every array of a ``.npz``, or an :class:`ExpertDataError` naming the file."""
    try:
        with np.load(path, allow_pickle=False) as content:
            return {key: np.asarray(content[key]) for key in content.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise ExpertDataError(f'{path}: not a readable .npz file ({error}).') from None


def _check_arrays(data: Dict[str, np.ndarray], path: str, env_id: str, obs_dim: int, action_dim: int) -> None:
    """The keys, shapes, flags and finiteness of a perfect-format file's arrays."""
    missing = [key for key in PERFECT_KEYS if key not in data]
    if missing:
        raise _error(path, missing[0], f'missing. A perfect-format dataset holds {", ".join(PERFECT_KEYS)} '
                                       f'(found: {", ".join(sorted(data)) or "nothing"}).')
    states, actions = data['states'], data['actions']
    if states.ndim != 2 or states.shape[1] != obs_dim:
        raise _error(path, 'states', f'shape {states.shape}, but {env_id} observes {obs_dim} entries per state '
                                     f'(expected shape (N, {obs_dim})): a dataset of another robot or task?')
    n = len(states)
    if actions.shape != (n, action_dim):
        raise _error(path, 'actions', f'shape {actions.shape}, expected ({n}, {action_dim}) for {env_id} '
                                      '(one action per state): a dataset of another robot or task?')
    for key in ('last', 'absorbing'):
        if data[key].shape != (n,):
            raise _error(path, key, f'shape {data[key].shape}, expected ({n},) (one flag per state).')
        if not np.all(np.isin(data[key], (0, 1))):
            raise _error(path, key, 'flags must be 0 or 1.')
    if 'next_states' in data and data['next_states'].shape != states.shape:
        raise _error(path, 'next_states', f'shape {data["next_states"].shape}, expected {states.shape} '
                                          '(the same as states).')
    for key in ('states', 'actions') + (('next_states',) if 'next_states' in data else ()):
        if not np.issubdtype(data[key].dtype, np.number) or not np.all(np.isfinite(data[key])):
            raise _error(path, key, 'holds non-numeric or non-finite values.')


def _check_episodes(data: Dict[str, np.ndarray], path: str, env_id: str, equal_lengths: bool) -> np.ndarray:
    """The episode structure (``last`` flags, lengths, successors); returns the index of each episode's last row."""
    last = data['last'].astype(bool)
    ends = np.flatnonzero(last)
    if len(last) == 0 or not last[-1]:
        raise _error(path, 'last', 'the last state must close an episode (last[-1] == 1).')
    if equal_lengths and len(ends) < 2:
        raise _error(path, 'last', f'{len(ends)} episode(s); loco-mujoco\'s loader needs at least 2.')
    lengths = np.diff(np.concatenate([[0], ends + 1]))
    if equal_lengths and np.any(lengths != lengths[0]):
        raise _error(path, 'last', f'episodes of different lengths ({sorted(set(lengths.tolist()))}); '
                                   'loco-mujoco supports equal-length trajectories only.')
    if equal_lengths and lengths[0] < 2:
        raise _error(path, 'last', 'episodes of one state; at least 2 are needed.')
    if not equal_lengths and 'next_states' not in data:
        raise _error(path, 'next_states', f'missing: the expert data of {env_id} (not a loco-mujoco task) must hold '
                                          'the successor of every state (launchers.tools.make_expert_data writes it).')
    return ends


def _check_hidden_values(states: np.ndarray, ends: np.ndarray, path: str, env_id: str,
                         hidden_index: Callable[[np.ndarray], np.ndarray], n_hidden_values: Optional[int]) -> None:
    """The hidden weight or scale: constant within each episode, and laid out as loco-mujoco expects."""
    index = np.asarray(hidden_index(states))
    episodes = np.split(index, ends[:-1] + 1)
    per_episode = np.array([episode[0] for episode in episodes])
    if any(np.any(episode != episode[0]) for episode in episodes):
        raise _error(path, 'states', 'the hidden weight/scale changes within an episode.')
    spec = LOCO_TASKS.get(env_id)
    n_values = n_hidden_values if n_hidden_values is not None else (
        len(spec.hidden_values) if spec is not None else None)
    if spec is not None and spec.hidden_group == 'env_type' and n_values:
        if len(per_episode) % n_values or np.any(np.diff(per_episode) < 0) or \
                np.any(np.bincount(per_episode, minlength=n_values) != len(per_episode) // n_values):
            raise _error(path, 'states', f'{env_id} needs the episodes in {n_values} equal blocks, one per '
                                         f'scale in the order {spec.hidden_values} (loco-mujoco\'s scaling map); '
                                         f'episode scales found: {np.asarray(spec.hidden_values)[per_episode]}.')
    if spec is not None and spec.hidden_group == 'weight':
        weight = states[:, -1]  # Atlas' weight: the last observation entry
        if np.min(np.abs(weight[:, None] - np.asarray(spec.hidden_values)), axis=1).max() > 1e-6:
            raise _error(path, 'states', f'the weight column holds values outside {spec.hidden_values} kg.')


def write_perfect_file(path: str, states: np.ndarray, actions: np.ndarray, last: np.ndarray,
                       absorbing: np.ndarray, next_states: Optional[np.ndarray] = None,
                       task_options: Optional[Dict[str, Any]] = None) -> str:
    """
    Write a perfect-format ``.npz`` (loco-mujoco's keys, plus ``next_states`` and the ``task_options`` that shape
    the states, as a JSON object, when given), atomically.

    Returns:
        The path written.

    """
    arrays = dict(states=np.asarray(states, dtype=np.float64), actions=np.asarray(actions, dtype=np.float64),
                  last=np.asarray(last, dtype=np.float64), absorbing=np.asarray(absorbing, dtype=np.float64))
    if next_states is not None:
        arrays['next_states'] = np.asarray(next_states, dtype=np.float64)
    if task_options:
        arrays['task_options'] = np.array(json.dumps(task_options, sort_keys=True))
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, '.' + os.path.basename(path) + '.tmp.npz')
    np.savez(tmp, **arrays)
    os.replace(tmp, path)
    return path


def file_task_options(path: str) -> Dict[str, Any]:
    """
    Returns:
        The task options recorded in a perfect-format file by :func:`write_perfect_file` (``{}`` when it records
        none, as loco-mujoco's own files).

    Raises:
        ExpertDataError: if the file cannot be read or its ``task_options`` is not a JSON object.

    """
    try:
        with np.load(path, allow_pickle=False) as content:
            text = str(content['task_options']) if 'task_options' in content.files else '{}'
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise ExpertDataError(f'{path}: not a readable .npz file ({error}).') from None
    try:
        options = json.loads(text)
    except ValueError:
        options = None
    if not isinstance(options, dict):
        raise _error(path, 'task_options', f'must be a JSON object, got {text!r}.')
    return options


def _frozen(array: Optional[np.ndarray], dtype=None) -> Optional[np.ndarray]:
    if array is None:
        return None
    array = np.array(array, dtype=dtype)
    array.setflags(write=False)
    return array


def _from_episodes(env_id: str, source: str, path: str, data: Dict[str, np.ndarray], full_state: bool) -> ExpertDataset:
    states = np.asarray(data['states'], dtype=np.float64)
    last = np.asarray(data['last']).astype(bool)
    absorbing = np.asarray(data['absorbing']).astype(bool)
    actions = data.get('actions')
    if 'next_states' in data:
        next_states = np.asarray(data['next_states'], dtype=np.float64)
    else:  # successors within each episode; an episode's last state has none and is dropped
        keep = ~last
        keep_next = np.concatenate([[False], keep[:-1]])
        next_states = states[keep_next]
        states, absorbing = states[keep], absorbing[keep]
        actions = None if actions is None else np.asarray(actions)[keep]
        last = np.concatenate([last[1:], [False]])[keep]
    starts = np.concatenate([[True], last[:-1]]) if len(last) else last
    return ExpertDataset(env_id=env_id, source=source, path=path, states=_frozen(states),
                         next_states=_frozen(next_states), absorbing=_frozen(absorbing, bool),
                         last=_frozen(last, bool), episode_starts=_frozen(starts, bool),
                         actions=_frozen(actions, np.float64), full_state=full_state)


def expert_dataset(env_id: str, path: Optional[str] = None) -> ExpertDataset:
    """
    The expert data of an imitation task (sources in the order of the module's docstring).

    Args:
        env_id (str): an imitation task id (``environments.loco_tasks.LOCO_TASK_IDS``), or any other task of
            ``environments.make_env`` with ``path``;
        path (str, None): a perfect-format ``.npz``; for a motion-capture id, its ``.perfect`` variant reads it; for
            another task (e.g. ``PointMassMemory-v0``), the file written by ``launchers.tools.make_expert_data``.

    Returns:
        The :class:`ExpertDataset`.

    Raises:
        ValueError: for a task that is not an imitation task, without ``path``;
        MissingDatasetError: when the dataset is not installed (the message says how to get it);
        ExpertDataError: for a file with missing keys, wrong shapes or another robot's data.

    """
    if env_id not in LOCO_TASKS:
        return _task_file_dataset(env_id, path)
    spec = LOCO_TASKS[env_id]
    if path is not None or spec.perfect:
        perfect_id = env_id if spec.perfect else env_id + '.perfect'
        mdp = LocoTaskEnv(perfect_id, dataset_path=path)
        try:
            data = mdp.loco_env.create_dataset()  # the file as loco-mujoco's loader read it
        finally:
            mdp.stop()
        return _from_episodes(perfect_id, 'perfect', mdp.dataset_path, data, full_state=True)
    mdp = LocoTaskEnv(env_id)
    try:
        data = mdp.loco_env.create_dataset()
    finally:
        mdp.stop()
    return _from_episodes(env_id, mdp.data_source, mdp.dataset_path, data, full_state=False)


def _task_file_dataset(env_id: str, path: Optional[str]) -> ExpertDataset:
    """The expert data of a task that is not a loco-mujoco task: a perfect-format file with ``next_states``,
    whose episodes may have different lengths (read with numpy: loco-mujoco's loader is for its own robots)."""
    from environments.registry import available_env_ids, make_env

    if path is None:
        raise ValueError(f'No expert data for {env_id!r}: it is not a loco-mujoco imitation task ({", ".join(LOCO_TASK_IDS)}), '
                         f'so it has no default dataset. Write one with python -m launchers.tools.make_expert_data '
                         f'--env_id {env_id} and pass it as expert_data.')
    if env_id not in available_env_ids():
        raise ValueError(f'Unknown task {env_id!r}. Tasks: {", ".join(available_env_ids())}.')
    mdp = make_env(env_id)
    obs_dim, action_dim = mdp.info.observation_space.shape[0], mdp.info.action_space.shape[0]
    mdp.stop()
    data = check_perfect_file(path, env_id, obs_dim, action_dim, equal_lengths=False)
    return _from_episodes(env_id, 'perfect', os.path.abspath(path), data, full_state=True)
