"""Stateless baselines: MLP policies on a window of the last L observations (L = 1: vanilla / oracle)."""
from typing import Dict, Tuple

import numpy as np
import torch

from mushroom_s2pg.core.replay_memory import right_aligned_windows
from mushroom_s2pg.core.stateful_policy import StatefulPolicy
from mushroom_s2pg.networks.recurrent_actors import MLPActor
from mushroom_s2pg.policies.squashed_gaussian import squashed_sample

__all__ = ['GaussianWindowPolicy', 'DeterministicWindowPolicy']


class _ObservationWindowPolicy(StatefulPolicy):
    """
    The policy's input is the concatenation of the last ``window_length`` observations, zero-padded at the
    episode start. At run time the previous L - 1 observations are its internal state (so that they reset
    with every episode like any z); in replay the windows are rebuilt from the stored states, so no
    internal state is stored.

    """
    refresh_policy_state = False

    def __init__(self, network: MLPActor, action_low: np.ndarray, action_high: np.ndarray,
                 policy_obs_mask: np.ndarray, window_length: int = 1):
        if window_length < 1:
            raise ValueError(f'window_length must be >= 1, got {window_length}')
        obs_dim = int(np.sum(policy_obs_mask))
        super().__init__(((window_length - 1) * obs_dim,), (len(action_low),), policy_obs_mask)
        self._set_network(network, action_low, action_high)
        self.window_length = int(window_length)
        self._obs_dim = obs_dim
        self._add_save_attr(window_length='primitive', _obs_dim='primitive')

    def stored_policy_state(self, policy_state: np.ndarray) -> np.ndarray:
        return policy_state[..., :0]

    def _window_input(self, state: np.ndarray, policy_state: np.ndarray) -> Tuple[torch.Tensor, np.ndarray]:
        obs = np.asarray(state, dtype=np.float32)[self.policy_obs_idx]
        flat = np.concatenate([np.asarray(policy_state, dtype=np.float32), obs])
        return torch.as_tensor(flat)[None], flat[self._obs_dim:]

    def batch_inputs_t(self, batch: Dict[str, torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor]:
        """Flattened observation windows ending at s_t and at s_{t+1} for a replay batch."""
        if self.window_length == 1:
            return self.observation(batch['state']), self.observation(batch['next_state'])
        window = batch['window']
        obs = self.observation(window['state']).numpy()
        lengths = window['lengths'].numpy()
        current = right_aligned_windows(obs, lengths - 1, self.window_length)
        nxt = right_aligned_windows(obs, lengths, self.window_length)
        return (torch.from_numpy(current.reshape(len(lengths), -1)),
                torch.from_numpy(nxt.reshape(len(lengths), -1)))


class GaussianWindowPolicy(_ObservationWindowPolicy):
    """Tanh-squashed Gaussian MLP policy on an observation window (SAC window / vanilla / oracle)."""
    def __init__(self, network, action_low, action_high, policy_obs_mask, window_length=1,
                 log_std_min: float = -20., log_std_max: float = 2.):
        super().__init__(network, action_low, action_high, policy_obs_mask, window_length)
        self.log_std_min = float(log_std_min)
        self.log_std_max = float(log_std_max)
        self._add_save_attr(log_std_min='primitive', log_std_max='primitive')

    def sample_inputs_t(self, inputs: torch.Tensor, deterministic: bool = False) -> Dict[str, torch.Tensor]:
        mean, log_std = torch.chunk(self.network(inputs), 2, dim=-1)
        a, log_prob = squashed_sample(mean, log_std.clamp(self.log_std_min, self.log_std_max), deterministic)
        return dict(action=self.scale_action(a), log_prob_action=log_prob)

    def sample_batch_t(self, batch: Dict[str, torch.Tensor], need_current: bool = True):
        current_inputs, next_inputs = self.batch_inputs_t(batch)
        with torch.no_grad():
            nxt = self.sample_inputs_t(next_inputs)
        return (self.sample_inputs_t(current_inputs) if need_current else None), nxt

    def draw_action(self, state, policy_state, prev_action=None):
        inputs, next_policy_state = self._window_input(state, policy_state)
        with torch.no_grad():
            action = self.sample_inputs_t(inputs, self.deterministic)['action'][0].numpy()
        return action, next_policy_state


class DeterministicWindowPolicy(_ObservationWindowPolicy):
    """Deterministic MLP policy with Gaussian exploration on an observation window (TD3 window/vanilla/oracle)."""
    def __init__(self, network, action_low, action_high, policy_obs_mask, window_length=1, std: float = 0.1):
        super().__init__(network, action_low, action_high, policy_obs_mask, window_length)
        self.std = float(std)
        self.std_z = 0.
        self._add_save_attr(std='primitive', std_z='primitive')

    def perturb_t(self, action_normalised, next_policy_state, std, std_z, clip=None, clip_z=None):
        noise = torch.randn_like(action_normalised) * std
        if clip is not None:
            noise = noise.clamp(-clip, clip)
        return (action_normalised + noise).clamp(-1., 1.), next_policy_state

    def forward_batch_t(self, batch, network=None, need_current=True, need_next=True):
        network = self.network if network is None else network
        current_inputs, next_inputs = self.batch_inputs_t(batch)
        current = (torch.tanh(network(current_inputs)), None) if need_current else None
        nxt = (torch.tanh(network(next_inputs)), None) if need_next else None
        return current, nxt

    def draw_action(self, state, policy_state, prev_action=None):
        inputs, next_policy_state = self._window_input(state, policy_state)
        with torch.no_grad():
            a = torch.tanh(self.network(inputs))
            if not self.deterministic:
                a = self.perturb_t(a, None, self.std, 0.)[0]
        return self.scale_action(a)[0].numpy(), next_policy_state
