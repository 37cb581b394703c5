"""State-value networks of the on-policy agents (REFERENCE section 3: V network 2x128)."""
from typing import Sequence

import torch
import torch.nn as nn

__all__ = ['VNetwork']


class VNetwork(nn.Module):
    """MLP V(x) on the concatenation of its inputs."""
    def __init__(self, input_dim: int, n_features: Sequence[int] = (128, 128)):
        super().__init__()
        layers, width = [], input_dim
        for n in n_features:
            layers += [nn.Linear(width, n), nn.ReLU()]
            width = n
        layers.append(nn.Linear(width, 1))
        self.mlp = nn.Sequential(*layers)

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return self.mlp(torch.cat(inputs, dim=-1)).squeeze(-1)
