"""The one multilayer-perceptron builder of the package (actors, critics, value networks, benchmarks)."""
from typing import Sequence, Type

import torch.nn as nn

__all__ = ['mlp', 'scaled_xavier_init']


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


def scaled_xavier_init(network: nn.Sequential, scale: float = 0.1) -> nn.Sequential:
    """
    Xavier-uniform weights with ``scale`` times the layer's usual gain (ReLU gain for hidden layers, 1 for the
    output layer); biases keep torch's default. This is the initialisation of the reference's S2PG critics.

    """
    linears = [module for module in network if isinstance(module, nn.Linear)]
    for i, layer in enumerate(linears):
        gain = nn.init.calculate_gain('relu' if i < len(linears) - 1 else 'linear')
        nn.init.xavier_uniform_(layer.weight, gain=scale * gain)
    return network
