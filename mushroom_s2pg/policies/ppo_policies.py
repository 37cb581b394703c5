"""Gaussian policies with a state-independent learnable log-std for PPO and GAIL (REFERENCE section 2)."""
import math
from itertools import chain
from typing import Dict, Tuple

import numpy as np
import torch
import torch.nn as nn

from mushroom_s2pg.core.stateful_policy import StatefulPolicy
from mushroom_s2pg.networks.recurrent_actors import DeterministicGRUActor, MLPActor
from mushroom_s2pg.policies.squashed_gaussian import gaussian_log_prob
from mushroom_s2pg.policies.window_policies import _ObservationWindowPolicy

__all__ = ['PPOStatefulPolicy', 'PPORecurrentPolicy', 'PPOWindowPolicy']


class _LearnableStd:
    """A state-independent log-std vector, learned with the network."""
    def _init_std(self, dim: int, std_0: float) -> None:
        self.log_std = nn.Parameter(torch.full((dim,), math.log(std_0)))
        self._add_save_attr(log_std='pickle')

    def parameters(self):
        return chain(self.network.parameters(), [self.log_std])

    def entropy(self) -> float:
        return float((self.log_std + 0.5 * math.log(2 * math.pi * math.e)).sum())

    def _sample(self, mean: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
        return mean if self.deterministic else mean + log_std.exp() * torch.randn_like(mean)


class _GRUMeans:
    """Action mean scale_action(tanh(head)) and GRU state from the TD3-style GRU network."""
    def means_t(self, state, policy_state, prev_action) -> Tuple[torch.Tensor, torch.Tensor]:
        a, z = self.network(self.observation(state), policy_state, prev_action)
        return self.scale_action(a), z

    def _draw(self, state, policy_state, prev_action, sample_z: bool):
        prev_action = self.initial_prev_action() if prev_action is None else prev_action
        with torch.no_grad():
            mean_a, mean_z = self.means_t(torch.as_tensor(state, dtype=torch.float32)[None],
                                          torch.as_tensor(policy_state, dtype=torch.float32)[None],
                                          torch.as_tensor(prev_action, dtype=torch.float32)[None])
            n_a = mean_a.shape[-1]
            a = self._sample(mean_a, self.log_std[:n_a])
            z = self._sample(mean_z, self.log_std[n_a:]) if sample_z else mean_z
        return a[0].numpy(), z[0].numpy()


class PPOStatefulPolicy(_LearnableStd, _GRUMeans, StatefulPolicy):
    """
    PPO-RS policy: joint Gaussian over (a, z') with means from the GRU network (the mean of z' is the GRU
    state) and a learnable state-independent log-std (initial std ``std_0``); z' is not squashed.

    """
    def __init__(self, network: DeterministicGRUActor, action_low: np.ndarray, action_high: np.ndarray,
                 policy_obs_mask: np.ndarray, std_0: float = 0.5):
        StatefulPolicy.__init__(self, (network.policy_state_dim,), (network.action_dim,), policy_obs_mask)
        self._set_network(network, action_low, action_high)
        self._init_std(network.action_dim + network.policy_state_dim, std_0)

    def draw_action(self, state, policy_state, prev_action=None):
        return self._draw(state, policy_state, prev_action, sample_z=True)

    def log_prob_t(self, state, policy_state, prev_action, action, next_policy_state) -> torch.Tensor:
        """Joint log pi(a, z' | o, z, a_prev): the quantity of the PPO ratio (Lemma A.1, Algorithm 3)."""
        mean_a, mean_z = self.means_t(state, policy_state, prev_action)
        return gaussian_log_prob(torch.cat([action, next_policy_state], -1), torch.cat([mean_a, mean_z], -1),
                                 self.log_std)

    def log_prob_batch_t(self, batch: Dict[str, torch.Tensor]) -> torch.Tensor:
        return self.log_prob_t(batch['state'], batch['policy_state'], batch['prev_action'], batch['action'],
                               batch['next_policy_state'])


class PPORecurrentPolicy(_LearnableStd, _GRUMeans, StatefulPolicy):
    """PPO-BPTT policy: Gaussian actions, GRU state carried deterministically, log-probs by unrolling windows."""
    def __init__(self, network: DeterministicGRUActor, action_low: np.ndarray, action_high: np.ndarray,
                 policy_obs_mask: np.ndarray, std_0: float = 0.5):
        StatefulPolicy.__init__(self, (network.policy_state_dim,), (network.action_dim,), policy_obs_mask)
        self._set_network(network, action_low, action_high)
        self._init_std(network.action_dim, std_0)

    def draw_action(self, state, policy_state, prev_action=None):
        return self._draw(state, policy_state, prev_action, sample_z=False)

    def log_prob_batch_t(self, batch: Dict[str, torch.Tensor]) -> torch.Tensor:
        window = batch['window']
        (a, _), = self.network.unroll_at(self.observation(window['state']), window['initial_policy_state'],
                                         window['prev_action'], [window['lengths'] - 1])
        mean_a = self.scale_action(a)
        return gaussian_log_prob(batch['action'], mean_a, self.log_std)


class PPOWindowPolicy(_LearnableStd, _ObservationWindowPolicy):
    """PPO window / vanilla / oracle policy: Gaussian with mean scale_action(tanh(MLP(window)))."""
    def __init__(self, network: MLPActor, action_low: np.ndarray, action_high: np.ndarray,
                 policy_obs_mask: np.ndarray, window_length: int = 1, std_0: float = 0.5):
        _ObservationWindowPolicy.__init__(self, network, action_low, action_high, policy_obs_mask, window_length)
        self._init_std(len(action_low), std_0)

    def _mean(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.scale_action(torch.tanh(self.network(inputs)))

    def draw_action(self, state, policy_state, prev_action=None):
        inputs, next_policy_state = self._window_input(state, policy_state)
        with torch.no_grad():
            action = self._sample(self._mean(inputs), self.log_std)
        return action[0].numpy(), next_policy_state

    def log_prob_batch_t(self, batch: Dict[str, torch.Tensor]) -> torch.Tensor:
        inputs, _ = self.batch_inputs_t(batch)
        return gaussian_log_prob(batch['action'], self._mean(inputs), self.log_std)
