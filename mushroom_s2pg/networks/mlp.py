"""The one multilayer-perceptron builder of the package (actors, critics, value networks, benchmarks)."""
from typing import Sequence, Type

import torch.nn as nn

__all__ = ['mlp']


def mlp(input_dim: int, output_dim: int, n_features: Sequence[int] = (256, 256),
        activation: Type[nn.Module] = nn.ReLU) -> nn.Sequential:
    """
    Linear layers of the given hidden widths, each followed by ``activation``, then a linear output layer.

    Args:
        input_dim (int): width of the input;
        output_dim (int): width of the output;
        n_features (Sequence[int]): hidden widths, e.g. (256, 256) as in the reference's MLPs;
        activation (type): the hidden activation's class.

    Returns:
        The network; its last module is the output ``nn.Linear``.

    """
    layers, width = [], int(input_dim)
    for n in n_features:
        layers += [nn.Linear(width, int(n)), activation()]
        width = int(n)
    layers.append(nn.Linear(width, int(output_dim)))
    return nn.Sequential(*layers)
