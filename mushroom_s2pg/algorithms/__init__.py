"""Stateful-policy algorithms with MushroomRL's names."""
from mushroom_s2pg.algorithms.registry import (ALGORITHMS, available_algorithms, default_hyperparameters,
                                               hyperparameter_names, make_agent)
from mushroom_s2pg.algorithms.sac_rs import SAC_RS
from mushroom_s2pg.algorithms.td3_rs import TD3_RS

__all__ = ['ALGORITHMS', 'SAC_RS', 'TD3_RS', 'available_algorithms', 'default_hyperparameters',
           'hyperparameter_names', 'make_agent']
