"""The internal-state core: one mechanism for z in rollouts, replay and updates."""
from mushroom_s2pg.core.errors import NonFiniteLossError
from mushroom_s2pg.core.off_policy_agent import OffPolicyStatefulAgent, soft_update
from mushroom_s2pg.core.replay_memory import StatefulReplayMemory, right_aligned_windows
from mushroom_s2pg.core.stateful_agent import TRANSITION_FIELDS, StatefulAgent
from mushroom_s2pg.core.stateful_policy import StatefulPolicy
from mushroom_s2pg.core.training import TrainableStatefulAgent, adam

__all__ = ['NonFiniteLossError', 'OffPolicyStatefulAgent', 'StatefulAgent', 'StatefulPolicy',
           'StatefulReplayMemory', 'TRANSITION_FIELDS', 'TrainableStatefulAgent', 'adam', 'right_aligned_windows', 'soft_update']
