"""The internal-state core: one mechanism for z in rollouts, replay and updates."""
from mushroom_s2pg.core.batch import Sequences, TransitionBatch, Windows
from mushroom_s2pg.core.batch_inputs import BatchInputs, ObservationWindow, SingleStep, TruncatedUnroll
from mushroom_s2pg.core.errors import NonFiniteLossError
from mushroom_s2pg.core.interfaces import (BatchEvaluation, CriticInput, PolicyStep, checked_critic_obs_mask,
                                           critic_state)
from mushroom_s2pg.core.off_policy_agent import OffPolicyStatefulAgent, soft_update
from mushroom_s2pg.core.replay_memory import StatefulReplayMemory
from mushroom_s2pg.core.policy_state_roll import roll_policy_states
from mushroom_s2pg.core.stateful_agent import TRANSITION_FIELDS, StatefulAgent
from mushroom_s2pg.core.standardizer import ObservationStandardizer
from mushroom_s2pg.core.stateful_policy import StatefulPolicy
from mushroom_s2pg.core.training import TrainableStatefulAgent, adam, to_torch

__all__ = ['BatchEvaluation', 'BatchInputs', 'CriticInput', 'NonFiniteLossError', 'ObservationStandardizer',
           'ObservationWindow', 'OffPolicyStatefulAgent', 'PolicyStep', 'SingleStep', 'StatefulAgent', 'StatefulPolicy',
           'StatefulReplayMemory', 'Sequences', 'TRANSITION_FIELDS', 'TrainableStatefulAgent', 'TransitionBatch',
           'TruncatedUnroll', 'Windows', 'adam', 'checked_critic_obs_mask', 'critic_state',
           'roll_policy_states', 'soft_update', 'to_torch']
