"""Actor and critic networks."""
from mushroom_s2pg.networks.cpg import CPGNetwork
from mushroom_s2pg.networks.discriminator import Discriminator
from mushroom_s2pg.networks.critics import MLPQNetwork, StatefulQNetwork, TwinCritic
from mushroom_s2pg.networks.mlp import mlp, scaled_xavier_init
from mushroom_s2pg.networks.mlp_actors import DeterministicMLPActor, GaussianMLPActor
from mushroom_s2pg.networks.outputs import (DeterministicOutputs, GaussianOutputs, GRUFeatures, OscillatorParameters,
                                            StateValues)
from mushroom_s2pg.networks.recurrent_actors import DeterministicGRUActor, GaussianGRUActor
from mushroom_s2pg.networks.value_networks import MLPStateValue, RecurrentStateValue, StateValue

__all__ = ['CPGNetwork', 'Discriminator', 'DeterministicGRUActor', 'DeterministicMLPActor', 'DeterministicOutputs',
           'GRUFeatures', 'GaussianGRUActor', 'GaussianMLPActor', 'GaussianOutputs', 'MLPQNetwork', 'MLPStateValue',
           'OscillatorParameters', 'RecurrentStateValue', 'StateValue', 'StateValues', 'StatefulQNetwork', 'TwinCritic',
           'mlp', 'scaled_xavier_init']
