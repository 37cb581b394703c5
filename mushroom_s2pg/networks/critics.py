"""Critic networks (REFERENCE section 3)."""
from typing import Sequence

import torch
import torch.nn as nn

__all__ = ['StatefulQNetwork', 'MLPQNetwork', 'TwinCritic']


class StatefulQNetwork(nn.Module):
    """
    Privileged critic Q(s_full, z, a, z', a_prev) of SAC-RS and TD3-RS: encoders of [z, z'],
    [s, a, a_prev] and [a, a_prev] are summed, passed through a ReLU and an MLP 128-128-1.
    It learns the value of the internal-state transition (Theorem 2.2).

    """
    def __init__(self, state_dim: int, action_dim: int, policy_state_dim: int, n_features: int = 128):
        super().__init__()
        self.policy_state_encoder = nn.Linear(2 * policy_state_dim, n_features)
        self.state_encoder = nn.Linear(state_dim + 2 * action_dim, n_features)
        self.action_encoder = nn.Linear(2 * action_dim, n_features)
        self.mlp = nn.Sequential(nn.ReLU(), nn.Linear(n_features, n_features), nn.ReLU(),
                                 nn.Linear(n_features, 1))

    def forward(self, state: torch.Tensor, policy_state: torch.Tensor, action: torch.Tensor,
                next_policy_state: torch.Tensor, prev_action: torch.Tensor) -> torch.Tensor:
        actions = torch.cat([action, prev_action], dim=-1)
        h = (self.policy_state_encoder(torch.cat([policy_state, next_policy_state], dim=-1))
             + self.state_encoder(torch.cat([state, actions], dim=-1))
             + self.action_encoder(actions))
        return self.mlp(h).squeeze(-1)

    @staticmethod
    def batch_args(batch: dict, which: str, action: torch.Tensor = None,
                   next_policy_state: torch.Tensor = None) -> tuple:
        """
        Inputs of the critic from a replay batch: ``which='data'`` the stored (s, z, a, z', a_prev),
        ``'policy'`` (s, z, a~pi, z'~pi, a_prev) and ``'next'`` (s', z', a'~pi, z''~pi, a).

        """
        if which == 'data':
            return (batch['state'], batch['policy_state'], batch['action'], batch['next_policy_state'],
                    batch['prev_action'])
        if which == 'policy':
            return batch['state'], batch['policy_state'], action, next_policy_state, batch['prev_action']
        return batch['next_state'], batch['next_policy_state'], action, next_policy_state, batch['action']


class MLPQNetwork(nn.Module):
    """Plain MLP critic Q(s, a) (BPTT, window, vanilla and oracle baselines)."""
    def __init__(self, state_dim: int, action_dim: int, n_features: Sequence[int] = (256, 256)):
        super().__init__()
        layers, width = [], state_dim + action_dim
        for n in n_features:
            layers += [nn.Linear(width, n), nn.ReLU()]
            width = n
        layers.append(nn.Linear(width, 1))
        self.mlp = nn.Sequential(*layers)

    def forward(self, state: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        return self.mlp(torch.cat([state, action], dim=-1)).squeeze(-1)

    @staticmethod
    def batch_args(batch: dict, which: str, action: torch.Tensor = None,
                   next_policy_state: torch.Tensor = None) -> tuple:
        """Inputs (s, a), (s, a~pi) or (s', a'~pi) from a replay batch; internal states are ignored."""
        if which == 'data':
            return batch['state'], batch['action']
        if which == 'policy':
            return batch['state'], action
        return batch['next_state'], action


class TwinCritic(nn.Module):
    """Two independent critics evaluated on the same inputs (clipped double-Q)."""
    def __init__(self, critic_1: nn.Module, critic_2: nn.Module):
        super().__init__()
        self.critics = nn.ModuleList([critic_1, critic_2])

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        """
        Returns:
            A tensor of shape (2, batch) with both critics' values.

        """
        return torch.stack([critic(*inputs) for critic in self.critics])

    def q1(self, *inputs: torch.Tensor) -> torch.Tensor:
        return self.critics[0](*inputs)

    def batch_args(self, batch: dict, which: str, action: torch.Tensor = None,
                   next_policy_state: torch.Tensor = None) -> tuple:
        return self.critics[0].batch_args(batch, which, action, next_policy_state)
