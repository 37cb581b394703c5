"""Replay memory of stateful transitions, with the internal-state refresh and BPTT windows."""
from typing import Dict, Optional, Tuple

import numpy as np
from mushroom_rl.core import Serializable

from mushroom_s2pg.core.batch import Sequences, TransitionBatch, Windows

__all__ = ['StatefulReplayMemory']

_FLOAT_FIELDS = ('state', 'policy_state', 'action', 'reward', 'next_state', 'next_policy_state', 'prev_action')
_BOOL_FIELDS = ('absorbing', 'last', 'first')


class StatefulReplayMemory(Serializable):
    """
    Ring buffer of (s, z, a, r, s', z', absorbing, last, a_prev, first) transitions.

    Every transition carries its global step id and the id of its episode's first step, so that
    (i) the refresh of stored internal states ("internal states are updated when sampling", REFERENCE
    section 2) writes z' of step t into z of step t+1 only when t+1 really follows t in the same episode,
    and (ii) windows for backpropagation through time are cut at episode starts and at the oldest step
    still in the buffer, across the ring's wrap-around, with vectorised indexing only.

    """
    def __init__(self, initial_size: int, max_size: int):
        """
        Constructor.

        Args:
            initial_size (int): number of transitions needed before sampling is allowed;
            max_size (int): capacity of the ring buffer.

        """
        if max_size <= 0 or initial_size < 0 or initial_size > max_size:
            raise ValueError(f'invalid replay sizes initial_size={initial_size}, max_size={max_size}: '
                             'need 0 <= initial_size <= max_size and max_size > 0')
        self._initial_size = int(initial_size)
        self._max_size = int(max_size)
        self.reset()

        self._add_save_attr(
            _initial_size='primitive',
            _max_size='primitive',
            _n_added='primitive!',
            _current_episode_start='primitive!',
            _filled='pickle!'
        )

    _ARRAYS = _FLOAT_FIELDS + _BOOL_FIELDS + ('_step_id', '_episode_start_id')

    @property
    def _filled(self) -> Optional[Dict[str, np.ndarray]]:
        """The filled rows only, so that a full save does not write the whole preallocated buffer."""
        if self.state is None:
            return None
        return {name: getattr(self, name)[:self.size] for name in self._ARRAYS}

    @_filled.setter
    def _filled(self, data: Optional[Dict[str, np.ndarray]]) -> None:
        for name in self._ARRAYS:
            setattr(self, name, None)
        if not data:
            return
        for name, rows in data.items():
            full = np.zeros((self._max_size,) + rows.shape[1:], dtype=rows.dtype)
            if name == '_step_id':
                full[:] = -1
            full[:len(rows)] = rows
            setattr(self, name, full)

    def reset(self) -> None:
        for name in _FLOAT_FIELDS + _BOOL_FIELDS:
            setattr(self, name, None)
        self._step_id = None
        self._episode_start_id = None
        self._n_added = 0
        self._current_episode_start = 0

    @property
    def size(self) -> int:
        return min(self._n_added, self._max_size)

    @property
    def initialized(self) -> bool:
        return self.size >= self._initial_size and self.size > 0

    @property
    def max_size(self) -> int:
        return self._max_size

    def _allocate(self, transitions: TransitionBatch) -> None:
        for name in _FLOAT_FIELDS:
            shape = getattr(transitions, name).shape[1:]
            setattr(self, name, np.zeros((self._max_size,) + shape, dtype=np.float32))
        for name in _BOOL_FIELDS:
            setattr(self, name, np.zeros(self._max_size, dtype=bool))
        self._step_id = np.full(self._max_size, -1, dtype=np.int64)
        self._episode_start_id = np.zeros(self._max_size, dtype=np.int64)

    def add(self, transitions: Optional[TransitionBatch]) -> None:
        """
        Add a batch of consecutive transitions (as built by ``StatefulAgent._transitions``; None adds nothing).

        Args:
            transitions (TransitionBatch): arrays with a leading dimension of equal length.

        """
        if transitions is None:
            return
        n = len(transitions.reward)
        if self.state is None:
            self._allocate(transitions)
        step_id = self._n_added + np.arange(n, dtype=np.int64)
        first = transitions.first.astype(bool)
        starts = np.where(first, step_id, -1)
        starts[0] = max(starts[0], self._current_episode_start)
        episode_start = np.maximum.accumulate(starts)
        self._current_episode_start = int(episode_start[-1])

        keep = slice(max(0, n - self._max_size), n)
        pos = step_id[keep] % self._max_size
        for name in _FLOAT_FIELDS + _BOOL_FIELDS:
            getattr(self, name)[pos] = getattr(transitions, name)[keep]
        self._step_id[pos] = step_id[keep]
        self._episode_start_id[pos] = episode_start[keep]
        self._n_added += n

    def sample_indices(self, n_samples: int) -> np.ndarray:
        if not self.initialized:
            raise RuntimeError(f'replay memory holds {self.size} transitions, needs {self._initial_size}')
        return np.random.randint(self.size, size=n_samples)

    def get(self, idx: np.ndarray) -> TransitionBatch:
        return TransitionBatch(**{name: getattr(self, name)[idx] for name in _FLOAT_FIELDS + _BOOL_FIELDS})

    def sample(self, n_samples: int) -> Tuple[np.ndarray, TransitionBatch]:
        """
        Returns:
            The sampled positions and the sampled transitions.

        """
        idx = self.sample_indices(n_samples)
        return idx, self.get(idx)

    def refresh_policy_states(self, idx: np.ndarray, next_policy_state: np.ndarray, tau_z: float = 1.) -> None:
        """
        Replace the stored z' of the transitions at ``idx`` by
        ``(1 - tau_z) z'_stored + tau_z z'_fresh`` and write the result into z of the following
        transition, unless the step was absorbing or last, or the following slot is not the next
        step of the same episode (episode start, overwritten slot, newest step).

        Args:
            idx (np.ndarray): positions returned by ``sample``;
            next_policy_state (np.ndarray): fresh samples of z' from the current policy;
            tau_z (float): mixing factor in [0, 1]; 0 disables the refresh.

        """
        if tau_z == 0:
            return
        idx = np.asarray(idx)
        fresh = np.asarray(next_policy_state, dtype=np.float32)
        if tau_z == 1:
            mixed = fresh
        else:
            mixed = (1. - tau_z) * self.next_policy_state[idx] + tau_z * fresh
        self.next_policy_state[idx] = mixed
        nxt = (idx + 1) % self._max_size
        follows = ((self._step_id[nxt] == self._step_id[idx] + 1) & ~self.first[nxt]
                   & ~self.absorbing[idx] & ~self.last[idx])
        self.policy_state[nxt[follows]] = mixed[follows]

    def sequences(self, idx: np.ndarray, length: int,
                  fields: Optional[Tuple[str, ...]] = None) -> Sequences:
        """
        Windows of ``length`` steps ending at each sampled step, cut at the episode start and at the
        oldest step in the buffer, left-aligned and zero-padded on the right.

        Args:
            idx (np.ndarray): positions of the windows' last steps;
            length (int): window length L;
            fields (tuple, None): fields to gather (default: all).

        Returns:
            The :class:`~mushroom_s2pg.core.batch.Sequences`: each field of shape (batch, L, ...), ``mask``
            (batch, L), ``lengths`` (batch,), ``initial_policy_state`` (z stored at each window's first step) and
            ``last_index`` (the position of the sampled step inside each window, ``lengths - 1``).

        """
        if length < 1:
            raise ValueError(f'window length must be >= 1, got {length}')
        idx = np.asarray(idx)
        fields = _FLOAT_FIELDS + _BOOL_FIELDS if fields is None else fields
        end_id = self._step_id[idx]
        oldest = self._n_added - self.size
        start_id = np.maximum(np.maximum(end_id - length + 1, self._episode_start_id[idx]), oldest)
        lengths = end_id - start_id + 1
        offsets = np.arange(length)
        mask = offsets[None, :] < lengths[:, None]
        global_id = np.where(mask, start_id[:, None] + offsets[None, :], start_id[:, None])
        pos = global_id % self._max_size

        values = dict()
        for name in fields:
            gathered = getattr(self, name)[pos]
            gathered[~mask] = 0
            values[name] = gathered
        return Sequences(values=values, mask=mask, lengths=lengths,
                         initial_policy_state=self.policy_state[pos[:, 0]], last_index=lengths - 1)

    def transition_windows(self, idx: np.ndarray, length: int) -> Windows:
        """
        Windows for the BPTT and window baselines: the states of the last ``length`` steps up to each
        sampled step t (cut at the episode start), followed by s_{t+1}, with the matching previous actions.

        Args:
            idx (np.ndarray): positions of the sampled steps;
            length (int): window length L.

        Returns:
            :class:`~mushroom_s2pg.core.batch.Windows`: ``state`` (batch, L + 1, ...) holding s_start..s_t then s_{t+1} at index ``lengths`` and zeros
            after it; ``prev_action`` (batch, L + 1, ...) holding a_{start-1}..a_{t-1} then a_t;
            ``mask`` (batch, L + 1) of the filled entries; ``lengths`` (batch,), so that step t is at
            ``lengths - 1`` and s_{t+1} at ``lengths``; ``initial_policy_state``, the stored z at each
            window's first step.

        """
        seq = self.sequences(idx, length, fields=('state', 'prev_action'))
        lengths = seq.lengths
        rows = np.arange(len(idx))
        seq_state, seq_prev_action = seq.values['state'], seq.values['prev_action']
        state = np.concatenate([seq_state, np.zeros_like(seq_state[:, :1])], axis=1)
        prev_action = np.concatenate([seq_prev_action, np.zeros_like(seq_prev_action[:, :1])], axis=1)
        state[rows, lengths] = self.next_state[idx]
        prev_action[rows, lengths] = self.action[idx]
        mask = np.arange(length + 1)[None, :] <= lengths[:, None]
        return Windows(state=state, prev_action=prev_action, mask=mask, lengths=lengths,
                       initial_policy_state=seq.initial_policy_state)

    def _post_load(self) -> None:
        if getattr(self, 'state', None) is None or self._n_added is None:
            self.reset()
