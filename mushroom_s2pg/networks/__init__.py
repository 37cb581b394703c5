"""Actor and critic networks."""
from mushroom_s2pg.networks.critics import MLPQNetwork, StatefulQNetwork, TwinCritic
from mushroom_s2pg.networks.recurrent_actors import DeterministicGRUActor, GaussianGRUActor, MLPActor
from mushroom_s2pg.networks.value_networks import VNetwork

__all__ = ['DeterministicGRUActor', 'GaussianGRUActor', 'MLPActor', 'MLPQNetwork', 'StatefulQNetwork',
           'TwinCritic', 'VNetwork']
