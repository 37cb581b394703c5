"""Stateless actors of the window, vanilla and oracle baselines: MLPs on an observation (window)."""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn

from mushroom_s2pg.networks.mlp import mlp
from mushroom_s2pg.networks.recurrent_actors import small_init

__all__ = ['DeterministicMLPActor', 'GaussianMLPActor']


class GaussianMLPActor(nn.Module):
    """
    MLP to the mean and log-std of a (pre-tanh) Gaussian action; returns (mean_a, log_std_a, None, None), the
    output tuple of :class:`~mushroom_s2pg.networks.recurrent_actors.GaussianGRUActor` without internal state.

    """
    def __init__(self, input_dim: int, action_dim: int, n_features: Sequence[int] = (256, 256)):
        super().__init__()
        self.mlp = mlp(input_dim, 2 * action_dim, n_features)
        small_init(self.mlp[-1])

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, None, None]:
        mean, log_std = torch.chunk(self.mlp(x), 2, dim=-1)
        return mean, log_std, None, None


class DeterministicMLPActor(nn.Module):
    """
    MLP to a tanh action in [-1, 1] (a linear one with ``squash_action=False``, the PPO actors' mean); returns
    (action, None), the output tuple of :class:`~mushroom_s2pg.networks.recurrent_actors.DeterministicGRUActor`
    without internal state.

    """
    def __init__(self, input_dim: int, action_dim: int, n_features: Sequence[int] = (256, 256),
                 squash_action: bool = True):
        super().__init__()
        self.squash_action = bool(squash_action)
        self.mlp = mlp(input_dim, action_dim, n_features)
        small_init(self.mlp[-1])

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        a = self.mlp(x)
        return (torch.tanh(a) if self.squash_action else a), None
