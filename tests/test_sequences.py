"""Sequence windows of the replay memory on hand-made arrays (BPTT and window baselines)."""
import numpy as np
import pytest

from mushroom_s2pg.core import StatefulReplayMemory, TransitionBatch
from mushroom_s2pg.core.batch import map_arrays


def _episodes(lengths, max_size=100, split=None):
    """Consecutive episodes; state = global step id, z = 1000 + id, action = -id."""
    first = np.concatenate([[True] + [False] * (n - 1) for n in lengths])
    last = np.concatenate([[False] * (n - 1) + [True] for n in lengths])
    n = len(first)
    ids = np.arange(n, dtype=np.float32)
    tr = TransitionBatch(state=ids[:, None], policy_state=1000 + ids[:, None], action=-ids[:, None], reward=ids,
                         next_state=ids[:, None] + 0.5, next_policy_state=2000 + ids[:, None],
                         absorbing=np.zeros(n, bool), last=last,
                         prev_action=np.where(first, 0., -(ids - 1))[:, None].astype(np.float32), first=first)
    memory = StatefulReplayMemory(1, max_size)
    if split is None:
        memory.add(tr)
    else:
        for lo, hi in zip([0] + split, split + [n]):
            memory.add(map_arrays(tr, lambda values: values[lo:hi]))
    return memory


def test_windows_are_cut_at_episode_starts_and_padded_on_the_right():
    memory = _episodes([3, 6])          # episode A: 0-2, episode B: 3-8
    seq = memory.sequences(np.array([1, 4, 8, 3]), 4)
    np.testing.assert_array_equal(seq.lengths, [2, 2, 4, 1])
    np.testing.assert_array_equal(seq.values['state'][..., 0], [[0, 1, 0, 0], [3, 4, 0, 0], [5, 6, 7, 8], [3, 0, 0, 0]])
    np.testing.assert_array_equal(seq.mask, [[1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 1, 1], [1, 0, 0, 0]])
    np.testing.assert_array_equal(seq.initial_policy_state[:, 0], [1000, 1003, 1005, 1003])
    np.testing.assert_array_equal(seq.last_index, seq.lengths - 1)


def test_windows_of_length_one_and_full_length():
    memory = _episodes([10])
    seq1 = memory.sequences(np.array([0, 5, 9]), 1)
    np.testing.assert_array_equal(seq1.values['state'][..., 0], [[0], [5], [9]])
    np.testing.assert_array_equal(seq1.lengths, [1, 1, 1])
    seq = memory.sequences(np.array([9]), 10)
    np.testing.assert_array_equal(seq.values['state'][0, :, 0], np.arange(10))
    assert seq.lengths[0] == 10 and seq.mask.all()


def test_windows_across_the_wrap_around_and_the_oldest_step():
    memory = _episodes([12], max_size=5)    # global steps 7..11 are kept at positions 2,3,4,0,1
    np.testing.assert_array_equal(memory.state[:, 0], [10, 11, 7, 8, 9])
    seq = memory.sequences(np.array([1, 0, 2]), 4)
    np.testing.assert_array_equal(seq.values['state'][..., 0], [[8, 9, 10, 11], [7, 8, 9, 10], [7, 0, 0, 0]])
    np.testing.assert_array_equal(seq.lengths, [4, 4, 1])   # step 6 was overwritten: the window stops at 7
    np.testing.assert_array_equal(seq.initial_policy_state[:, 0], [1008, 1007, 1007])


def test_episode_start_is_tracked_across_separate_adds():
    memory = _episodes([4, 5], split=[2, 6])
    seq = memory.sequences(np.array([8, 5]), 8)
    np.testing.assert_array_equal(seq.lengths, [5, 2])
    np.testing.assert_array_equal(seq.values['state'][0, :5, 0], [4, 5, 6, 7, 8])


def test_transition_windows_append_the_next_state_and_action():
    memory = _episodes([3, 6])
    win = memory.transition_windows(np.array([4, 2]), 3)
    np.testing.assert_array_equal(win.lengths, [2, 3])
    np.testing.assert_array_equal(win.state[..., 0], [[3, 4, 4.5, 0], [0, 1, 2, 2.5]])
    np.testing.assert_array_equal(win.prev_action[..., 0], [[0, -3, -4, 0], [0, 0, -1, -2]])
    np.testing.assert_array_equal(win.mask, [[1, 1, 1, 0], [1, 1, 1, 1]])


def test_invalid_window_length():
    with pytest.raises(ValueError, match='got 0'):
        _episodes([3]).sequences(np.array([0]), 0)
