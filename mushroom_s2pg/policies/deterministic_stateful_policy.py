"""The TD3-RS policy: deterministic (a, z') with Gaussian exploration noise (REFERENCE section 2)."""
from typing import Dict, Optional, Tuple

import numpy as np
import torch

from mushroom_s2pg.core.stateful_policy import StatefulPolicy
from mushroom_s2pg.networks.recurrent_actors import DeterministicGRUActor

__all__ = ['DeterministicStatefulPolicy']


class DeterministicStatefulPolicy(StatefulPolicy):
    """
    mu(o, z, a_prev) = (a, z'), the deterministic limit of a stateful policy (Theorem 2.3). While
    collecting data, N(0, std) noise is added to the normalised action and N(0, std_z) to z', both
    clipped to [-1, 1].

    """
    refresh_policy_state = True

    def __init__(self, network: DeterministicGRUActor, action_low: np.ndarray, action_high: np.ndarray,
                 policy_obs_mask: np.ndarray, std: float = 0.1, std_z: float = 0.01):
        super().__init__((network.policy_state_dim,), (network.action_dim,), policy_obs_mask)
        self._set_network(network, action_low, action_high)
        self.std = float(std)
        self.std_z = float(std_z)
        self._add_save_attr(std='primitive', std_z='primitive')

    def forward_t(self, state: torch.Tensor, policy_state: torch.Tensor, prev_action: torch.Tensor
                  ) -> Tuple[torch.Tensor, torch.Tensor]:
        """
        Returns:
            The normalised action in [-1, 1] and the next internal state.

        """
        return self.network(self.observation(state), policy_state, prev_action)

    def perturb_t(self, action_normalised: torch.Tensor, next_policy_state: torch.Tensor,
                  std: float, std_z: float, clip: Optional[float] = None, clip_z: Optional[float] = None
                  ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Add (optionally clipped) Gaussian noise to (a, z') and clip both to [-1, 1]."""
        noise_a = torch.randn_like(action_normalised) * std
        if clip is not None:
            noise_a = noise_a.clamp(-clip, clip)
        action_normalised = (action_normalised + noise_a).clamp(-1., 1.)
        if next_policy_state is None or std_z == 0:
            return action_normalised, next_policy_state
        noise_z = torch.randn_like(next_policy_state) * std_z
        if clip_z is not None:
            noise_z = noise_z.clamp(-clip_z, clip_z)
        return action_normalised, (next_policy_state + noise_z).clamp(-1., 1.)

    def explore_t(self, state: torch.Tensor, policy_state: torch.Tensor, prev_action: torch.Tensor
                  ) -> Tuple[torch.Tensor, torch.Tensor]:
        """The behaviour policy: scaled action and next internal state, with exploration noise."""
        a, z = self.forward_t(state, policy_state, prev_action)
        if not self.deterministic:
            a, z = self.perturb_t(a, z, self.std, self.std_z)
        return self.scale_action(a), z

    def forward_batch_t(self, batch: Dict[str, torch.Tensor], network: Optional[torch.nn.Module] = None,
                        need_current: bool = True, need_next: bool = True) -> Tuple[Optional[tuple], Optional[tuple]]:
        """
        (a, z') of ``network`` (default: the policy's own) at the replay batch's (s, z, a_prev) and at
        (s', z', a), one step each.

        """
        network = self.network if network is None else network
        current = nxt = None
        if need_current:
            current = network(self.observation(batch['state']), batch['policy_state'], batch['prev_action'])
        if need_next:
            nxt = network(self.observation(batch['next_state']), batch['next_policy_state'], batch['action'])
        return current, nxt

    def draw_action(self, state: np.ndarray, policy_state: np.ndarray,
                    prev_action: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
        prev_action = self.initial_prev_action() if prev_action is None else prev_action
        with torch.no_grad():
            a, z = self.explore_t(torch.as_tensor(state, dtype=torch.float32)[None],
                                  torch.as_tensor(policy_state, dtype=torch.float32)[None],
                                  torch.as_tensor(prev_action, dtype=torch.float32)[None])
        return a[0].numpy(), z[0].numpy()
