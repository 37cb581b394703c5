"""
The reference's initialisation of its MLP networks, by the name of the reference class each baseline network
corresponds to (``robfiras/s2pg``, ``s2pg/networks/vanilla_networks.py`` and ``recurrent_networks.py``).

The reference's MLPs have the same layers as :func:`~mushroom_s2pg.networks.mlp.mlp` (two hidden ReLU layers and a
linear output); they differ only in how the weights start. Every rule keeps PyTorch's default biases.

"""
import math
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

import torch.nn as nn

from mushroom_s2pg.networks.recurrent_actors import check_structure

__all__ = ['MLPInit', 'REFERENCE_MLP_INITS', 'reference_classes', 'reference_mlp_init']

_RELU = math.sqrt(2.)


@dataclass(frozen=True)
class MLPInit:
    """
    Initial weights of an MLP: Xavier-uniform at ``hidden_gain`` for the hidden layers and ``output_gain`` for the
    output layer; a gain of None keeps PyTorch's default weights (U(-1/sqrt(fan_in), 1/sqrt(fan_in))), and
    ``output_bound`` draws the output weights from U(-bound, bound) instead.

    """
    hidden_gain: Optional[float]
    output_gain: Optional[float] = None
    output_bound: Optional[float] = None


#: The initialisation of each reference MLP class the baselines correspond to.
REFERENCE_MLP_INITS: Dict[str, MLPInit] = {
    # SAC vanilla / oracle actor (also LS-IQ's): ReLU gains, output at 0.01 times the linear gain
    'SACActorNetwork': MLPInit(_RELU, 0.01),
    # SAC vanilla / oracle critic: ReLU gains, linear output gain
    'SACCriticNetwork': MLPInit(_RELU, 1.),
    # the window actors (SAC and TD3): 0.1 times the ReLU gain in every layer, the output included
    'SACWindowActorNetwork': MLPInit(0.1 * _RELU, 0.1 * _RELU),
    'TD3WindowActorNetwork': MLPInit(0.1 * _RELU, 0.1 * _RELU),
    # TD3 vanilla / oracle actor: fan-in uniform hidden weights (PyTorch's default), output U(-3e-3, 3e-3)
    'TD3ActorNetwork': MLPInit(None, output_bound=3e-3),
    # the generic critic of the window, BPTT and TD3 baselines (activations relu, relu, identity): ReLU gains, and
    # 0.1 for the output (the reference falls back to gain 0.1 where torch has no gain for 'identity')
    'FullyConnectedNetwork': MLPInit(_RELU, 0.1),
    # PPO / GAIL vanilla and window actors and critics: 0.01 times the ReLU gains and the linear output gain
    'PPONetwork': MLPInit(0.01 * _RELU, 0.01),
    # GAIL's discriminator (FullyConnectedNetwork with activations tanh, tanh, identity): tanh gains, output 0.1
    'DiscriminatorNetwork': MLPInit(5. / 3., 0.1),
}


def reference_mlp_init(network: nn.Sequential, reference_class: str) -> nn.Sequential:
    """
    Re-initialise every ``nn.Linear`` of ``network`` (the last one is the output layer) as the reference class
    ``reference_class`` of :data:`REFERENCE_MLP_INITS` does; a ValueError names an unknown class.

    """
    if reference_class not in REFERENCE_MLP_INITS:
        raise ValueError(f'Unknown reference MLP class {reference_class!r}. '
                         f'Valid: {", ".join(sorted(REFERENCE_MLP_INITS))}')
    rule = REFERENCE_MLP_INITS[reference_class]
    linears = [module for module in network if isinstance(module, nn.Linear)]
    for i, layer in enumerate(linears):
        layer.reset_parameters()
        output = i == len(linears) - 1
        gain = rule.output_gain if output else rule.hidden_gain
        if output and rule.output_bound is not None:
            nn.init.uniform_(layer.weight, -rule.output_bound, rule.output_bound)
        elif gain is not None:
            nn.init.xavier_uniform_(layer.weight, gain=gain)
    return network


def reference_classes(structure: str, *classes: str) -> Tuple[Optional[str], ...]:
    """
    The reference classes whose initialisation a baseline's MLPs take under ``structure``: ``classes`` themselves
    for ``'reference'``, None each (the library's initialisation) for ``'library'``; a ValueError for any other.

    """
    reference = check_structure(structure) == 'reference'
    return tuple(name if reference else None for name in classes)
