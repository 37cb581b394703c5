"""The perfect-format expert files (loco-mujoco's keys ``states``, ``actions``, ``last``, ``absorbing``, plus
``next_states`` and ``task_options`` when written here): their checks against a task, writing and the task options
they record. Every failure raises :class:`mushroom_s2pg.expert_data.ExpertDataError` naming the file and the key.

Nothing here imports another module of ``environments``: the imitation tasks (``loco_tasks``) check their
``dataset_path`` with :func:`check_perfect_file`, and the loader of the expert data (``expert_data``) reads the
files through it.

"""
import json
import os
import zipfile
from typing import Any, Callable, Dict, Optional, Sequence

import numpy as np

from mushroom_s2pg.expert_data import ExpertDataError

__all__ = ['PERFECT_KEYS', 'check_perfect_file', 'write_perfect_file', 'file_task_options']

#: The keys of a perfect-format dataset (``next_states`` is optional).
PERFECT_KEYS = ('states', 'actions', 'last', 'absorbing')


def _error(path: str, key: str, text: str) -> ExpertDataError:
    return ExpertDataError(f'{path}: key {key!r}: {text}')


def check_perfect_file(path: str, env_id: str, obs_dim: int, action_dim: int,
                       hidden_index: Optional[Callable[[np.ndarray], np.ndarray]] = None, hidden_group: str = '',
                       hidden_values: Sequence[float] = (), equal_lengths: bool = True) -> Dict[str, np.ndarray]:
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
        hidden_group (str, ''): the task's hidden group, ``'weight'`` (Atlas' weight, the last entry, checked to be
            one of ``hidden_values``) or ``'env_type'`` (the humanoid's scale, checked to come in equal blocks);
        hidden_values (Sequence[float], ()): the task's weights or scales, in loco-mujoco's order;
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
        _check_hidden_values(data['states'], ends, path, env_id, hidden_index, hidden_group, tuple(hidden_values))
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
                         hidden_index: Callable[[np.ndarray], np.ndarray], hidden_group: str,
                         hidden_values: Sequence[float]) -> None:
    """The hidden weight or scale: constant within each episode, and laid out as loco-mujoco expects."""
    index = np.asarray(hidden_index(states))
    episodes = np.split(index, ends[:-1] + 1)
    per_episode = np.array([episode[0] for episode in episodes])
    if any(np.any(episode != episode[0]) for episode in episodes):
        raise _error(path, 'states', 'the hidden weight/scale changes within an episode.')
    n_values = len(hidden_values)
    if hidden_group == 'env_type' and n_values:
        if len(per_episode) % n_values or np.any(np.diff(per_episode) < 0) or \
                np.any(np.bincount(per_episode, minlength=n_values) != len(per_episode) // n_values):
            raise _error(path, 'states', f'{env_id} needs the episodes in {n_values} equal blocks, one per '
                                         f'scale in the order {hidden_values} (loco-mujoco\'s scaling map); '
                                         f'episode scales found: {np.asarray(hidden_values)[per_episode]}.')
    if hidden_group == 'weight':
        weight = states[:, -1]  # Atlas' weight: the last observation entry
        if np.min(np.abs(weight[:, None] - np.asarray(hidden_values)), axis=1).max() > 1e-6:
            raise _error(path, 'states', f'the weight column holds values outside {hidden_values} kg.')


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
