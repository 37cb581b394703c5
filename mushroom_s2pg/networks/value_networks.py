"""State-value functions of the on-policy agents over replay batches (REFERENCE section 3: V network 2x128)."""
from abc import ABC, abstractmethod
from typing import Optional, Sequence

import numpy as np
import torch
import torch.nn as nn

from mushroom_s2pg.core import StatefulPolicy, TransitionBatch, checked_critic_obs_mask, critic_state
from mushroom_s2pg.networks.mlp import mlp, scaled_xavier_init
from mushroom_s2pg.networks.outputs import StateValues
from mushroom_s2pg.networks.recurrent_actors import GRUCore, check_structure, xavier_init

__all__ = ['MLPStateValue', 'RecurrentStateValue', 'StateValue']


class StateValue(nn.Module, ABC):
    """V evaluated on a rollout batch at the stored steps t (with gradients) and t+1."""

    @abstractmethod
    def values(self, policy: StatefulPolicy, batch: TransitionBatch, next: bool = True) -> StateValues:
        """V_t and, when ``next``, V_{t+1} (None otherwise), each of shape (batch,)."""


class MLPStateValue(StateValue):
    """
    MLP V on the policy's observation with its internal state and previous action, V(o, z, a_prev) (the
    paper's POMDP setting), or on the full state and z, V(s_full, z) (``privileged``; it sees the entries
    ``critic_obs_mask`` of the standardised full state, default all); stateless policies drop z and a_prev.
    Inputs are standardised like the policy's; Xavier-uniform weights at 1 % of the usual gain, as the reference's
    PPO networks.

    """
    #: class default for networks pickled before the critic mask existed (they saw the full state)
    critic_obs_mask: Optional[np.ndarray] = None

    def __init__(self, policy: StatefulPolicy, state_dim: int, privileged: bool,
                 n_features: Sequence[int] = (128, 128), critic_obs_mask: Optional[np.ndarray] = None):
        super().__init__()
        self.privileged = bool(privileged)
        self.critic_obs_mask = checked_critic_obs_mask(critic_obs_mask, (state_dim,))
        state_dim = int(self.critic_obs_mask.sum())
        self.policy_state_dim = int(policy.stored_policy_state(np.zeros((1,) + policy.policy_state_shape)).shape[1])
        input_dim = state_dim if self.privileged else policy.inputs.input_dim(int(policy.policy_obs_mask.sum()))
        if self.policy_state_dim > 0:
            input_dim += self.policy_state_dim + (0 if self.privileged else policy.action_shape[0])
        self.mlp = scaled_xavier_init(mlp(input_dim, 1, tuple(n_features)), scale=0.01)

    def _inputs(self, policy: StatefulPolicy, batch: TransitionBatch, nxt: bool) -> torch.Tensor:
        if self.privileged:
            state = policy.standardize(batch.next_state if nxt else batch.state)
            inputs = [critic_state(state, self.critic_obs_mask)]
        else:
            inputs = [policy.observed_batch(batch)[int(nxt)]]
        if self.policy_state_dim > 0:
            inputs.append(batch.next_policy_state if nxt else batch.policy_state)
            if not self.privileged:
                inputs.append(batch.action if nxt else batch.prev_action)
        return torch.cat(inputs, dim=-1)

    def values(self, policy, batch, next=True):
        v = self.mlp(self._inputs(policy, batch, False)).squeeze(-1)
        v_next = self.mlp(self._inputs(policy, batch, True)).squeeze(-1) if next else None
        return StateValues(v, v_next)


class RecurrentStateValue(StateValue):
    """
    The recurrent critic of PPO-BPTT (section 4 of the paper, as in the reference): a GRU of its own over the
    window of observations and previous actions up to t (``batch.window``, cut at the episode start), started
    from a zero hidden state, with the head [ReLU(Linear(o_t)), h_t] -> Linear -> ReLU -> 1. V_{t+1} is read one
    step further in the same unroll. ``structure='reference'`` is the reference's ``PPOCriticBPTTNetwork``: a
    post-GRU observation layer of its own for the head, and Xavier-uniform weights at the ReLU gain for every layer
    (the output included); ``'library'``: one shared encoder and PyTorch's initialisation.

    """
    def __init__(self, obs_dim: int, action_dim: int, n_features: int = 128, hidden_dim: int = 128,
                 structure: str = 'library'):
        super().__init__()
        reference = check_structure(structure) == 'reference'
        self.hidden_dim = int(hidden_dim)
        self.core = GRUCore(obs_dim, action_dim, self.hidden_dim, n_features, post_rnn_encoder=reference)
        self.head = mlp(n_features + self.hidden_dim, 1, (n_features,))
        if reference:
            self.core.init_encoders(1.)
            for layer in (self.head[0], self.head[-1]):
                xavier_init(layer, 'relu')

    def values(self, policy, batch, next=True):
        window = batch.window
        lengths = window.lengths
        state = window.state
        h0 = torch.zeros(state.shape[0], self.hidden_dim, device=state.device)
        indices = [lengths - 1, lengths] if next else [lengths - 1]
        outputs = self.core.unroll_at(policy.observation(state), h0, window.prev_action, indices)
        v = [self.head(torch.cat([features.obs_features, features.policy_state], dim=-1)).squeeze(-1)
             for features in outputs]
        return StateValues(v[0], v[1] if next else None)
