"""Stateless actors of the window, vanilla and oracle baselines: MLPs on an observation (window)."""
from typing import Optional, Sequence

import torch
import torch.nn as nn

from mushroom_s2pg.networks.mlp import mlp
from mushroom_s2pg.networks.outputs import DeterministicOutputs, GaussianOutputs
from mushroom_s2pg.networks.reference_init import reference_mlp_init
from mushroom_s2pg.networks.recurrent_actors import small_init

__all__ = ['DeterministicMLPActor', 'GaussianMLPActor']


def _initialise(network: nn.Sequential, reference_class: Optional[str]) -> None:
    if reference_class is None:
        small_init(network[-1])
    else:
        reference_mlp_init(network, reference_class)


class GaussianMLPActor(nn.Module):
    """
    MLP to the mean and log-std of a (pre-tanh) Gaussian action: the :class:`GaussianOutputs` of
    :class:`~mushroom_s2pg.networks.recurrent_actors.GaussianGRUActor` without internal state. ``reference_class``
    names the reference MLP whose initialisation it takes (``'SACActorNetwork'``, ``'SACWindowActorNetwork'``;
    :data:`~mushroom_s2pg.networks.reference_init.REFERENCE_MLP_INITS`); None: PyTorch's, with an output layer drawn
    from U(-3e-3, 3e-3).

    """
    def __init__(self, input_dim: int, action_dim: int, n_features: Sequence[int] = (256, 256),
                 reference_class: Optional[str] = None):
        super().__init__()
        self.mlp = mlp(input_dim, 2 * action_dim, n_features)
        _initialise(self.mlp, reference_class)

    def forward(self, x: torch.Tensor) -> GaussianOutputs:
        mean, log_std = torch.chunk(self.mlp(x), 2, dim=-1)
        return GaussianOutputs(mean_action=mean, log_std_action=log_std)


class DeterministicMLPActor(nn.Module):
    """
    MLP to a tanh action in [-1, 1] (a linear one with ``squash_action=False``, the PPO actors' mean): the
    :class:`DeterministicOutputs` of :class:`~mushroom_s2pg.networks.recurrent_actors.DeterministicGRUActor` without
    internal state. ``reference_class``: as in :class:`GaussianMLPActor` (``'TD3ActorNetwork'``,
    ``'TD3WindowActorNetwork'``, ``'PPONetwork'``).

    """
    def __init__(self, input_dim: int, action_dim: int, n_features: Sequence[int] = (256, 256),
                 squash_action: bool = True, reference_class: Optional[str] = None):
        super().__init__()
        self.squash_action = bool(squash_action)
        self.mlp = mlp(input_dim, action_dim, n_features)
        _initialise(self.mlp, reference_class)

    def forward(self, x: torch.Tensor) -> DeterministicOutputs:
        a = self.mlp(x)
        return DeterministicOutputs(action=torch.tanh(a) if self.squash_action else a)
