"""
How a policy's network is fed: one step (S2PG), an unrolled truncation window (BPTT) or an observation
window (window baselines). A variant picks one strategy; policies never re-implement it.

Network conventions: recurrent actor networks are called ``network(obs, z, a_prev)`` and
``network.unroll_at(obs_seq, z0, a_prev_seq, indices)``; window actors ``network(flat_window)``. Each
returns its family's tuple of outputs, turned into a :class:`~mushroom_s2pg.core.interfaces.PolicyStep`
by the policy.
"""
from abc import ABC, abstractmethod
from typing import Any, Optional, Tuple

import numpy as np
import torch

from mushroom_s2pg.core.batch import TransitionBatch

__all__ = ['BatchInputs', 'ObservationWindow', 'SingleStep', 'TruncatedUnroll']


def _right_aligned_windows(sequence: torch.Tensor, end_index: torch.Tensor, length: int) -> torch.Tensor:
    """The ``length`` rows of each ``(T, d)`` sequence that end at ``end_index`` (inclusive), zero-padded on the left
    where the sequence starts later (episode start)."""
    offsets = end_index[:, None] - (length - 1) + torch.arange(length, device=sequence.device)[None, :]
    valid = (offsets >= 0)[..., None]
    index = offsets.clamp(min=0)[..., None].expand(-1, -1, sequence.shape[-1])
    windows = torch.gather(sequence, 1, index)
    return torch.where(valid, windows, torch.zeros((), dtype=sequence.dtype, device=sequence.device))

Outputs = Any
Observe = Any  # callable: full state tensor -> observed entries


class BatchInputs(ABC):
    """A strategy turning run-time inputs and replay batches into network outputs."""

    #: length of the replay windows the strategy needs (``StatefulReplayMemory.transition_windows``), or None
    replay_window_length: Optional[int] = None

    def input_dim(self, obs_dim: int) -> int:
        """Width of the network's observation input."""
        return obs_dim

    def policy_state_shape(self, network: torch.nn.Module, obs_dim: int) -> Tuple[int, ...]:
        """Shape of the internal state carried at run time."""
        return (int(network.policy_state_dim),)

    def stored_policy_state(self, policy_state: np.ndarray) -> np.ndarray:
        """The part of a batch of internal states that replay memories keep."""
        return policy_state

    def run_outputs(self, network: torch.nn.Module, observe: Observe, state: torch.Tensor,
                    policy_state: torch.Tensor, prev_action: torch.Tensor) -> Tuple[Outputs, Optional[torch.Tensor]]:
        """
        Outputs for a batch of run-time steps, and the carried next internal state where the strategy
        defines it itself (observation windows), else None (the policy's outputs define z').

        """
        return network(observe(state), policy_state, prev_action), None

    def observed(self, observe: Observe, batch: TransitionBatch) -> Tuple[torch.Tensor, torch.Tensor]:
        """What the policy observes at t and at t+1 (e.g. for a value function on the policy's inputs)."""
        return observe(batch.state), observe(batch.next_state)

    @abstractmethod
    def batch_outputs(self, network: torch.nn.Module, observe: Observe, batch: TransitionBatch, current: bool,
                      next: bool) -> Tuple[Optional[Outputs], Optional[Outputs]]:
        """Outputs at the batch's steps t (with gradients) and t+1 (without); None where not asked for."""


class SingleStep(BatchInputs):
    """S2PG: one step at (s, z, a_prev) and one at (s', z', a), from the stored internal states (Lemma 2.1)."""

    def batch_outputs(self, network, observe, batch, current, next):
        nxt = cur = None
        if next:
            with torch.no_grad():
                nxt = network(observe(batch.next_state), batch.next_policy_state, batch.action)
        if current:
            cur = network(observe(batch.state), batch.policy_state, batch.prev_action)
        return cur, nxt


class TruncatedUnroll(BatchInputs):
    """
    Truncated BPTT: the recurrent network is unrolled over the last ``truncation_length`` steps up to t
    (cut at the episode start) from the stored hidden state, in one batched call; outputs at t and t+1.

    """
    def __init__(self, truncation_length: int):
        if int(truncation_length) < 1:
            raise ValueError(f'truncation_length must be >= 1, got {truncation_length}')
        self.replay_window_length = int(truncation_length)

    def batch_outputs(self, network, observe, batch, current, next):
        window = batch.window
        lengths = window.lengths
        wanted = [index for index, needed in ((lengths - 1, current), (lengths, next)) if needed]
        with torch.set_grad_enabled(current and torch.is_grad_enabled()):
            outputs = network.unroll_at(observe(window.state), window.initial_policy_state,
                                        window.prev_action, wanted)
        cur = outputs[0] if current else None
        nxt = type(outputs[-1])(*(None if value is None else value.detach() for value in outputs[-1])) if next else None
        return cur, nxt


class ObservationWindow(BatchInputs):
    """
    Window baselines: the network sees the last ``window_length`` observations, zero-padded at the episode
    start. At run time the previous L - 1 observations are the internal state (so they reset with every
    episode like any z); in replay the windows are rebuilt from stored states, so no internal state is kept.

    """
    def __init__(self, window_length: int):
        if int(window_length) < 1:
            raise ValueError(f'window_length must be >= 1, got {window_length}')
        self.window_length = int(window_length)
        self.replay_window_length = self.window_length if self.window_length > 1 else None

    def input_dim(self, obs_dim: int) -> int:
        return self.window_length * obs_dim

    def policy_state_shape(self, network, obs_dim):
        return ((self.window_length - 1) * obs_dim,)

    def stored_policy_state(self, policy_state):
        return policy_state[..., :0]

    def run_outputs(self, network, observe, state, policy_state, prev_action):
        obs = observe(state)
        flat = torch.cat([policy_state, obs], dim=-1)
        return network(flat), flat[..., obs.shape[-1]:]

    def observed(self, observe, batch):
        if self.window_length == 1:
            return observe(batch.state), observe(batch.next_state)
        window = batch.window
        obs = observe(window.state)
        lengths = window.lengths
        current = _right_aligned_windows(obs, lengths - 1, self.window_length)
        nxt = _right_aligned_windows(obs, lengths, self.window_length)
        return current.reshape(len(lengths), -1), nxt.reshape(len(lengths), -1)

    def batch_outputs(self, network, observe, batch, current, next):
        current_inputs, next_inputs = self.observed(observe, batch)
        cur = nxt = None
        if next:
            with torch.no_grad():
                nxt = network(next_inputs)
        if current:
            cur = network(current_inputs)
        return cur, nxt
