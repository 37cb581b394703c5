"""Stateful-policy algorithms with MushroomRL's names."""
from mushroom_s2pg.algorithms.hyperparameters import Hyperparameter
from mushroom_s2pg.algorithms.registry import (ALGORITHMS, IMITATION_ALGORITHMS, available_algorithms,
                                               check_hyperparameters, declared_hyperparameters,
                                               default_hyperparameters, did_you_mean, hyperparameter_names,
                                               expert_data_for, make_agent, needs_expert_data)
from mushroom_s2pg.algorithms.gail import StatefulGAIL
from mushroom_s2pg.algorithms.gail_variants import GAIL_BPTT, GAIL_ORACLE, GAIL_RS, GAIL_VANILLA
from mushroom_s2pg.algorithms.lsiq import StatefulLSIQ
from mushroom_s2pg.algorithms.lsiq_variants import LSIQ_BPTT, LSIQ_ORACLE, LSIQ_RS, LSIQ_VANILLA
from mushroom_s2pg.algorithms.gae import compute_gae
from mushroom_s2pg.algorithms.reference_hyperparameters import (REFERENCE_HYPERPARAMETERS,
                                                                 hyperparameter_table_markdown)
from mushroom_s2pg.algorithms.ppo import StatefulPPO
from mushroom_s2pg.algorithms.ppo_variants import PPO_BPTT, PPO_ORACLE, PPO_RS, PPO_VANILLA, PPO_WINDOW
from mushroom_s2pg.algorithms.sac import StatefulSAC
from mushroom_s2pg.algorithms.sac_variants import SAC_BPTT, SAC_ORACLE, SAC_RS, SAC_VANILLA, SAC_WINDOW
from mushroom_s2pg.algorithms.td3 import StatefulTD3
from mushroom_s2pg.algorithms.td3_variants import TD3_BPTT, TD3_ORACLE, TD3_RS, TD3_VANILLA, TD3_WINDOW
from mushroom_s2pg.expert_data import ExpertData, ExpertDataError

__all__ = ['ALGORITHMS', 'IMITATION_ALGORITHMS', 'ExpertData', 'ExpertDataError', 'StatefulGAIL', 'GAIL_BPTT',
           'GAIL_ORACLE', 'GAIL_RS', 'GAIL_VANILLA', 'LSIQ_BPTT', 'LSIQ_ORACLE', 'LSIQ_RS',
           'LSIQ_VANILLA', 'StatefulLSIQ', 'expert_data_for', 'needs_expert_data',
           'PPO_BPTT', 'PPO_ORACLE', 'PPO_RS', 'PPO_VANILLA', 'PPO_WINDOW', 'StatefulPPO',
           'compute_gae', 'SAC_BPTT', 'SAC_ORACLE', 'SAC_RS', 'SAC_VANILLA', 'SAC_WINDOW', 'StatefulSAC',
           'StatefulTD3', 'TD3_BPTT', 'TD3_ORACLE', 'TD3_RS', 'TD3_VANILLA', 'TD3_WINDOW', 'available_algorithms',
           'check_hyperparameters', 'declared_hyperparameters', 'did_you_mean', 'default_hyperparameters',
           'Hyperparameter', 'hyperparameter_names', 'make_agent', 'REFERENCE_HYPERPARAMETERS',
           'hyperparameter_table_markdown']
