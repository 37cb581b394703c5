"""Typed values exchanged between algorithms, policies and critics."""
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
import torch

from mushroom_s2pg.core.batch import TransitionBatch

__all__ = ['BatchEvaluation', 'CriticInput', 'PolicyStep', 'checked_critic_obs_mask', 'critic_state']

def checked_critic_obs_mask(critic_obs_mask: Optional[np.ndarray], obs_shape: Sequence[int]) -> np.ndarray:
    """
    ``critic_obs_mask`` as a boolean array of the full state's shape: the entries a privileged critic sees
    (None: all of them).

    Raises:
        ValueError: for a mask of another shape, or one that hides every entry.

    """
    obs_shape = tuple(obs_shape)
    if critic_obs_mask is None:
        return np.ones(obs_shape, dtype=bool)
    mask = np.asarray(critic_obs_mask, dtype=bool)
    if mask.shape != obs_shape:
        raise ValueError(f'critic_obs_mask has shape {mask.shape} but the observation space has shape {obs_shape}')
    if not mask.any():
        raise ValueError('critic_obs_mask hides every entry of the state: the critic would see nothing')
    return mask.copy()


def critic_state(state: torch.Tensor, critic_obs_mask: Optional[np.ndarray] = None) -> torch.Tensor:
    """``state[..., critic_obs_mask]``: what a privileged critic sees of a batch of full states (the states
    themselves, not a copy, for None or an all-True mask)."""
    if critic_obs_mask is None or bool(np.all(critic_obs_mask)):
        return state
    index = torch.as_tensor(np.flatnonzero(critic_obs_mask), device=state.device)
    return state.index_select(-1, index)


@dataclass(frozen=True)
class PolicyStep:
    """
    The policy's output at a batch of steps: pi(a, z' | o, z, a_prev) of the paper's eq. (2).

    Attributes:
        action: the action in the environment's bounds (what critics and environments receive);
        normalised_action: the same action in [-1, 1] before the scaling to the bounds (None for policies
            whose Gaussian lives in the bounds' space, e.g. PPO's);
        next_policy_state: z' (None for stateless policies);
        log_prob_action: log pi_a(a | o, z, a_prev) of the sample (None for deterministic policies);
        log_prob_policy_state: log pi_z(z' | o, z, a_prev) of the sample (None where z' is not sampled).

    """
    action: torch.Tensor
    normalised_action: Optional[torch.Tensor] = None
    next_policy_state: Optional[torch.Tensor] = None
    log_prob_action: Optional[torch.Tensor] = None
    log_prob_policy_state: Optional[torch.Tensor] = None

    def detach(self) -> 'PolicyStep':
        """The same step without gradients."""
        return PolicyStep(*(None if value is None else value.detach() for value in (
            self.action, self.normalised_action, self.next_policy_state, self.log_prob_action,
            self.log_prob_policy_state)))


@dataclass(frozen=True)
class BatchEvaluation:
    """
    The policy evaluated on a replay batch: at the stored (s_t, z_t, a_{t-1}) with gradients (``current``)
    and at (s_{t+1}, z'_t, a_t) without gradients (``next``); either is None when it was not asked for.

    """
    current: Optional[PolicyStep]
    next: Optional[PolicyStep]


@dataclass(frozen=True)
class CriticInput:
    """
    The inputs of a critic Q(s, z, a, z', a_prev) (Theorem 2.2: the value of the internal-state
    transition). Stateless critics use ``state`` and ``action`` only. Built by the agents with
    :meth:`stored`, :meth:`current` and :meth:`next` from a replay batch and a :class:`PolicyStep`; given the agent's
    ``critic_obs_mask``, ``state`` holds the masked entries of the full state (:func:`critic_state`), the replay
    batch keeps the full state.

    """
    state: torch.Tensor
    action: torch.Tensor
    policy_state: Optional[torch.Tensor] = None
    next_policy_state: Optional[torch.Tensor] = None
    prev_action: Optional[torch.Tensor] = None

    @classmethod
    def stored(cls, batch: TransitionBatch, critic_obs_mask: Optional[np.ndarray] = None) -> 'CriticInput':
        """The stored transition (s, z, a, z', a_prev)."""
        return cls(critic_state(batch.state, critic_obs_mask), batch.action, batch.policy_state,
                   batch.next_policy_state, batch.prev_action)

    @classmethod
    def current(cls, batch: TransitionBatch, step: PolicyStep,
                critic_obs_mask: Optional[np.ndarray] = None) -> 'CriticInput':
        """(s, z, a ~ pi, z' ~ pi, a_prev) at the stored step."""
        return cls(critic_state(batch.state, critic_obs_mask), step.action, batch.policy_state,
                   step.next_policy_state, batch.prev_action)

    @classmethod
    def next(cls, batch: TransitionBatch, step: PolicyStep,
             critic_obs_mask: Optional[np.ndarray] = None) -> 'CriticInput':
        """(s', z', a' ~ pi, z'' ~ pi, a) at the following step."""
        return cls(critic_state(batch.next_state, critic_obs_mask), step.action, batch.next_policy_state,
                   step.next_policy_state, batch.action)
