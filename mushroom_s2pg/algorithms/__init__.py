"""Stateful-policy algorithms with MushroomRL's names."""
from mushroom_s2pg.algorithms.registry import (ALGORITHMS, available_algorithms, default_hyperparameters,
                                               hyperparameter_names, make_agent)
from mushroom_s2pg.algorithms.sac import StatefulSAC
from mushroom_s2pg.algorithms.sac_variants import SAC_BPTT, SAC_ORACLE, SAC_RS, SAC_VANILLA, SAC_WINDOW
from mushroom_s2pg.algorithms.td3 import StatefulTD3
from mushroom_s2pg.algorithms.td3_variants import TD3_BPTT, TD3_ORACLE, TD3_RS, TD3_VANILLA, TD3_WINDOW

__all__ = ['ALGORITHMS', 'SAC_BPTT', 'SAC_ORACLE', 'SAC_RS', 'SAC_VANILLA', 'SAC_WINDOW', 'StatefulSAC',
           'StatefulTD3', 'TD3_BPTT', 'TD3_ORACLE', 'TD3_RS', 'TD3_VANILLA', 'TD3_WINDOW', 'available_algorithms',
           'default_hyperparameters', 'hyperparameter_names', 'make_agent']
