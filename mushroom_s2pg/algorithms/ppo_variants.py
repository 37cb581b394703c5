"""PPO with stateful, recurrent, window, vanilla and oracle policies: construction only, maths in ppo.py."""
from typing import Sequence

import numpy as np

from mushroom_s2pg.algorithms.hyperparameters import NETWORK_STRUCTURE, declare, shared
from mushroom_s2pg.algorithms.ppo import StatefulPPO
from mushroom_s2pg.core import BatchInputs, ObservationStandardizer, ObservationWindow, SingleStep, TruncatedUnroll
from mushroom_s2pg.networks.mlp_actors import DeterministicMLPActor
from mushroom_s2pg.networks.recurrent_actors import DeterministicGRUActor
from mushroom_s2pg.networks.reference_init import reference_classes
from mushroom_s2pg.networks.value_networks import RecurrentStateValue
from mushroom_s2pg.policies import GaussianPolicy

__all__ = ['PPO_RS', 'PPO_BPTT', 'PPO_WINDOW', 'PPO_VANILLA', 'PPO_ORACLE']


def _gru_policy(mdp_info, policy_obs_mask, inputs: BatchInputs, stochastic_policy_state: bool,
                policy_state_dim: int, n_features: int, std_0: float, structure: str = 'library') -> GaussianPolicy:
    network = DeterministicGRUActor(int(np.sum(policy_obs_mask)), mdp_info.action_space.shape[0], policy_state_dim,
                                    n_features, squash_action=False, structure=structure)
    return GaussianPolicy(network, inputs, mdp_info.action_space.low, mdp_info.action_space.high, policy_obs_mask,
                          stochastic_policy_state, std_0, ObservationStandardizer(mdp_info.observation_space.shape))


def _window_policy(mdp_info, policy_obs_mask, window_length: int, actor_features: Sequence[int],
                   std_0: float, structure: str = 'library') -> GaussianPolicy:
    """The stateless Gaussian MLP policy of the window, vanilla and oracle baselines (PPO and GAIL); with
    ``structure='reference'`` its MLP starts as the reference's ``PPONetwork``."""
    inputs = ObservationWindow(window_length)
    reference_class, = reference_classes(structure, 'PPONetwork')
    network = DeterministicMLPActor(inputs.input_dim(int(np.sum(policy_obs_mask))), mdp_info.action_space.shape[0],
                                    tuple(actor_features), squash_action=False, reference_class=reference_class)
    return GaussianPolicy(network, inputs, mdp_info.action_space.low, mdp_info.action_space.high, policy_obs_mask,
                          False, std_0, ObservationStandardizer(mdp_info.observation_space.shape))


class PPO_RS(StatefulPPO):
    """
    PPO-RS (Al-Hafez et al., 2024, Algorithm 3): joint Gaussian over (a, z') from a GRU actor with
    dim z = 128 and a learnable state-independent log-std (initial std 0.5). Further keyword arguments:
    those of :class:`StatefulPPO` (``privileged_critic`` chooses V(o, z, a_prev) or V(s_full, z)).

    """
    #: the constructor's arguments, then those of :class:`StatefulPPO` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('policy_state_dim', 128),
        shared('n_features_actor', 128),
        shared('std_0', 0.5),
        NETWORK_STRUCTURE,
    ), StatefulPPO.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, policy_state_dim: int = 128,
                 n_features_actor: int = 128, std_0: float = 0.5, network_structure: str = 'library', **kwargs):
        super().__init__(mdp_info, _gru_policy(mdp_info, policy_obs_mask, SingleStep(), True, policy_state_dim,
                                               n_features_actor, std_0, network_structure), **kwargs)


class PPO_BPTT(StatefulPPO):
    """
    PPO with the same GRU actor, its state carried deterministically, trained by truncated BPTT. Without
    privileged information the critic is recurrent too (section 4 of the paper, as in the reference): a GRU of
    its own with ``n_features_critic`` features over the same truncation windows, from a zero hidden state.
    ``network_structure`` applies to the actor and that critic (``'reference'``: the reference's post-GRU observation
    layers and Xavier gains, :class:`~mushroom_s2pg.networks.value_networks.RecurrentStateValue`).

    """
    #: the constructor's arguments, then those of :class:`StatefulPPO` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('truncation_length', 5),
        shared('policy_state_dim', 128),
        shared('n_features_actor', 128),
        shared('n_features_critic', 128),
        shared('std_0', 0.5),
        NETWORK_STRUCTURE,
    ), StatefulPPO.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, truncation_length: int = 5,
                 policy_state_dim: int = 128, n_features_actor: int = 128, n_features_critic: int = 128,
                 std_0: float = 0.5, network_structure: str = 'library', **kwargs):
        policy = _gru_policy(mdp_info, policy_obs_mask, TruncatedUnroll(truncation_length), False, policy_state_dim,
                             n_features_actor, std_0, network_structure)
        if not kwargs.get('privileged_critic', False):
            kwargs['critic'] = RecurrentStateValue(int(np.sum(policy_obs_mask)), mdp_info.action_space.shape[0],
                                                   n_features_critic, n_features_critic, network_structure)
        super().__init__(mdp_info, policy, **kwargs)


class PPO_WINDOW(StatefulPPO):
    """PPO with a stateless MLP policy on the last ``window_length`` observations (zero-padded)."""
    #: the constructor's arguments, then those of :class:`StatefulPPO` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('window_length', 5),
        shared('actor_features', (128, 128)),
        shared('std_0', 0.5),
        NETWORK_STRUCTURE,
    ), StatefulPPO.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, window_length: int = 5,
                 actor_features: Sequence[int] = (128, 128), std_0: float = 0.5,
                 network_structure: str = 'library', **kwargs):
        super().__init__(mdp_info, _window_policy(mdp_info, policy_obs_mask, window_length, actor_features, std_0,
                                                        network_structure),
                         **kwargs)


class PPO_VANILLA(StatefulPPO):
    """PPO with a stateless MLP policy on the current (masked) observation."""
    #: the constructor's arguments, then those of :class:`StatefulPPO` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('actor_features', (128, 128)),
        shared('std_0', 0.5),
        NETWORK_STRUCTURE,
    ), StatefulPPO.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, actor_features: Sequence[int] = (128, 128),
                 std_0: float = 0.5, network_structure: str = 'library', **kwargs):
        super().__init__(mdp_info, _window_policy(mdp_info, policy_obs_mask, 1, actor_features, std_0,
                                                        network_structure), **kwargs)


class PPO_ORACLE(StatefulPPO):
    """PPO with a stateless MLP policy on the full state (an upper reference, not a POMDP method)
    Its policy sees the full state whatever ``policy_obs_mask`` is (the upper bound: the policy with everything);
    its privileged critic sees ``critic_obs_mask``, as in the other variants.

    """
    #: the constructor's arguments, then those of :class:`StatefulPPO` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('actor_features', (128, 128)),
        shared('std_0', 0.5),
        NETWORK_STRUCTURE,
    ), StatefulPPO.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, actor_features: Sequence[int] = (128, 128),
                 std_0: float = 0.5, network_structure: str = 'library', **kwargs):
        super().__init__(mdp_info, _window_policy(mdp_info, np.ones_like(policy_obs_mask, dtype=bool), 1,
                                                  actor_features, std_0, network_structure), **kwargs)
