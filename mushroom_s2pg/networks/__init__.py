"""Actor and critic networks."""
from mushroom_s2pg.networks.cpg import CPGNetwork
from mushroom_s2pg.networks.critics import MLPQNetwork, StatefulQNetwork, TwinCritic
from mushroom_s2pg.networks.recurrent_actors import DeterministicGRUActor, GaussianGRUActor, MLPActor
from mushroom_s2pg.networks.value_networks import VNetwork

__all__ = ['CPGNetwork', 'DeterministicGRUActor', 'GaussianGRUActor', 'MLPActor', 'MLPQNetwork', 'StatefulQNetwork',
           'TwinCritic', 'VNetwork']
