"""Shared training loop of the off-policy stateful agents (replay, refresh, targets, NaN guard)."""
from abc import ABCMeta, abstractmethod
from typing import Dict, List, Optional, Tuple

import numpy as np

import torch

from mushroom_s2pg.core.batch import TransitionBatch
from mushroom_s2pg.core.interfaces import CriticInput
from mushroom_s2pg.core.replay_memory import StatefulReplayMemory
from mushroom_s2pg.core.stateful_policy import StatefulPolicy
from mushroom_s2pg.core.training import TrainableStatefulAgent, to_torch

__all__ = ['OffPolicyStatefulAgent', 'soft_update']


def soft_update(target: torch.nn.Module, online: torch.nn.Module, tau: float) -> None:
    """Polyak averaging target <- (1 - tau) target + tau online, in place."""
    with torch.no_grad():
        torch._foreach_lerp_(list(target.parameters()), list(online.parameters()), tau)


class OffPolicyStatefulAgent(TrainableStatefulAgent, metaclass=ABCMeta):
    """
    Base class of the replay-based agents (SAC/TD3 families, LS-IQ). ``fit`` joins Core's dataset with
    the logged internal states, stores it, samples a batch, calls the algorithm's ``_update`` (its maths
    only), stops on a non-finite loss, and refreshes the sampled internal states with the fresh z'
    returned by ``_update`` (REFERENCE section 2, mixing factor ``tau_z``).

    A subclass provides :meth:`_update` and its twin critic with the critic's optimizer (:attr:`critic`,
    :attr:`critic_optimizer`, which :meth:`_fit_critic` trains).

    """
    def __init__(self, mdp_info, policy: StatefulPolicy, batch_size: int, initial_replay_size: int,
                 max_replay_size: int, tau: float, tau_z: float = 1., n_updates_per_fit: int = 1,
                 critic_obs_mask: Optional[np.ndarray] = None):
        super().__init__(mdp_info, policy, critic_obs_mask=critic_obs_mask)
        if not 0. <= tau_z <= 1.:
            raise ValueError(f'tau_z must be in [0, 1], got {tau_z}')
        if batch_size < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}')
        self._batch_size = int(batch_size)
        self._tau = float(tau)
        self._tau_z = float(tau_z)
        self._n_updates_per_fit = int(n_updates_per_fit)
        self._gamma = float(mdp_info.gamma)
        self._replay_memory = StatefulReplayMemory(initial_replay_size, max_replay_size)

        self._add_save_attr(
            _batch_size='primitive',
            _tau='primitive',
            _tau_z='primitive',
            _n_updates_per_fit='primitive',
            _gamma='primitive',
            _replay_memory='mushroom'
        )

    @property
    def replay_memory(self) -> StatefulReplayMemory:
        return self._replay_memory

    def fit(self, dataset: list, **info) -> None:
        self._replay_memory.add(self._transitions(dataset))
        if not self._replay_memory.initialized:
            return
        for _ in range(self._n_updates_per_fit):
            sampled, batch = self._sample_batch()
            losses, fresh_next_policy_state = self._update(to_torch(batch, self.device))
            self._check_finite(losses)
            if fresh_next_policy_state is not None:
                self._refresh(sampled, fresh_next_policy_state.detach().cpu().numpy())
            self._n_updates += 1

    def _sample_from(self, memory: StatefulReplayMemory) -> Tuple[np.ndarray, TransitionBatch]:
        """``batch_size`` transitions of ``memory``, with the windows the policy needs."""
        idx, batch = memory.sample(self._batch_size)
        window_length = self.policy.replay_window_length
        if window_length is not None:
            batch = batch._replace(window=memory.transition_windows(idx, window_length))
        return idx, batch

    def _sample_batch(self) -> Tuple[List[Tuple[StatefulReplayMemory, np.ndarray]], TransitionBatch]:
        """
        The batch of one update and where its rows come from: (memory, positions) pairs in row order, so that
        the fresh z' of the update refresh each memory (algorithms with a second memory, e.g. LS-IQ's expert
        memory, override this).

        """
        idx, batch = self._sample_from(self._replay_memory)
        return [(self._replay_memory, idx)], batch

    def _refresh(self, sampled: List[Tuple[StatefulReplayMemory, np.ndarray]], fresh: np.ndarray) -> None:
        """Write the fresh z' of each row back into the memory the row came from (mixing factor ``tau_z``)."""
        start = 0
        for memory, idx in sampled:
            memory.refresh_policy_states(idx, fresh[start:start + len(idx)], self._tau_z)
            start += len(idx)

    @property
    @abstractmethod
    def critic(self) -> torch.nn.Module:
        """The online twin critic (a :class:`~mushroom_s2pg.networks.critics.TwinCritic`)."""

    @property
    @abstractmethod
    def critic_optimizer(self) -> torch.optim.Optimizer:
        """The optimizer of :attr:`critic`."""

    def _fit_critic(self, batch: TransitionBatch, target: torch.Tensor) -> torch.Tensor:
        """One step of the twin :attr:`critic` on the squared error to ``target`` at the stored data."""
        q = self.critic(CriticInput.stored(batch, self._critic_obs_mask))
        return self._optimize(self.critic_optimizer, ((q - target) ** 2).mean(1).sum())

    @abstractmethod
    def _update(self, batch: TransitionBatch) -> Tuple[Dict[str, torch.Tensor], Optional[torch.Tensor]]:
        """
        One gradient step of the algorithm.

        Args:
            batch (TransitionBatch): sampled transitions as torch tensors (booleans as floats); where the policy
                has a ``replay_window_length``, ``batch.window`` holds ``StatefulReplayMemory.transition_windows``.

        Returns:
            The losses (scalars) and fresh samples of z' at the sampled (s, z, a_prev) for the
            refresh of the replay memory (None to skip the refresh).

        """
