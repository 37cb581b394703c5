"""State-value networks of the on-policy agents (REFERENCE section 3: V network 2x128)."""
from typing import Sequence

import torch
import torch.nn as nn

from mushroom_s2pg.networks.mlp import mlp

__all__ = ['VNetwork']


class VNetwork(nn.Module):
    """MLP V(x) on the concatenation of its inputs."""
    def __init__(self, input_dim: int, n_features: Sequence[int] = (128, 128)):
        super().__init__()
        self.mlp = mlp(input_dim, 1, n_features)

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return self.mlp(torch.cat(inputs, dim=-1)).squeeze(-1)
