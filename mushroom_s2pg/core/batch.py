"""
The typed batches of the internal-state core: transitions (s, z, a, r, s', z', absorbing, last, a_prev, first) as
built from Core's dataset, stored in and sampled from :class:`~mushroom_s2pg.core.replay_memory.StatefulReplayMemory`,
with the replay windows the policy needs and, for LS-IQ, the rows' origin. The same types hold numpy arrays (memory
side) and torch tensors (update side, :func:`~mushroom_s2pg.core.training.to_torch`).
"""
from typing import Callable, Dict, NamedTuple, Optional, TypeVar, Union

import numpy as np
import torch

__all__ = ['Array', 'Sequences', 'TransitionBatch', 'Windows', 'concatenate_batches', 'map_arrays']

Array = Union[np.ndarray, torch.Tensor]
T = TypeVar('T', bound=tuple)


class Windows(NamedTuple):
    """
    The replay windows of the BPTT and window policies (``StatefulReplayMemory.transition_windows``), one row per
    sampled step t with ``L = replay_window_length``.

    Attributes:
        state: (batch, L + 1, ...) s_start..s_t, then s_{t+1} at index ``lengths``, zeros after it;
        prev_action: (batch, L + 1, ...) a_{start-1}..a_{t-1}, then a_t;
        mask: (batch, L + 1) the filled entries;
        lengths: (batch,) step t is at ``lengths - 1`` and s_{t+1} at ``lengths``;
        initial_policy_state: the stored z at each window's first step.

    """
    state: Array
    prev_action: Array
    mask: Array
    lengths: Array
    initial_policy_state: Array


class TransitionBatch(NamedTuple):
    """
    Stateful transitions, one row per step; booleans are floats once on the torch side.

    Attributes:
        state, policy_state, action, reward, next_state, next_policy_state, absorbing, last, prev_action, first:
            the transition (s, z, a, r, s', z', absorbing, last, a_prev, first of its episode);
        window: the replay windows, where the policy has a ``replay_window_length``;
        is_expert: the rows that come from expert data (LS-IQ's joint batches), else None.

    """
    state: Array
    policy_state: Array
    action: Array
    reward: Array
    next_state: Array
    next_policy_state: Array
    absorbing: Array
    last: Array
    prev_action: Array
    first: Array
    window: Optional[Windows] = None
    is_expert: Optional[Array] = None


#: The fields of one transition, in order (without the optional window and origin).
TRANSITION_FIELDS = TransitionBatch._fields[:10]


class Sequences(NamedTuple):
    """
    Left-aligned windows of ``length`` steps (``StatefulReplayMemory.sequences``).

    Attributes:
        values: the gathered transition fields, each of shape (batch, L, ...), zero where not filled;
        mask: (batch, L) the filled entries;
        lengths: (batch,) the filled length of each window;
        initial_policy_state: z stored at each window's first step;
        last_index: the position of the sampled step inside each window, ``lengths - 1``.

    """
    values: Dict[str, np.ndarray]
    mask: np.ndarray
    lengths: np.ndarray
    initial_policy_state: np.ndarray
    last_index: np.ndarray


def map_arrays(batch: T, fn: Callable[[Array], Array]) -> T:
    """``batch`` (a :class:`TransitionBatch` or :class:`Windows`) with ``fn`` applied to each array, windows
    included; absent optional fields stay None."""
    return type(batch)(*(None if value is None else map_arrays(value, fn) if isinstance(value, Windows)
                         else fn(value) for value in batch))


def concatenate_batches(first: T, second: T) -> T:
    """Two numpy batches (with their windows) as one, rows of ``first`` then rows of ``second``; an optional field
    must be present in both or in neither."""
    out = []
    for a, b in zip(first, second):
        if a is None or b is None:
            if a is not None or b is not None:
                raise ValueError('cannot concatenate a batch with an optional field and one without it')
            out.append(None)
        elif isinstance(a, Windows):
            out.append(concatenate_batches(a, b))
        else:
            out.append(np.concatenate([a, b]))
    return type(first)(*out)
