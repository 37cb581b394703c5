"""LS-IQ with stateful, recurrent, vanilla and oracle policies: construction only, maths in lsiq.py."""
from typing import Optional, Sequence

import numpy as np

from mushroom_s2pg.algorithms.hyperparameters import NETWORK_STRUCTURE, Hyperparameter, declare, shared
from mushroom_s2pg.algorithms.lsiq import StatefulLSIQ
from mushroom_s2pg.expert_data import ExpertData
from mushroom_s2pg.algorithms.sac_variants import _dims, squashed_window_policy
from mushroom_s2pg.core import SingleStep, TruncatedUnroll
from mushroom_s2pg.networks.critics import MLPQNetwork, ResidualStatefulQNetwork, StatefulQNetwork
from mushroom_s2pg.networks.recurrent_actors import GaussianGRUActor
from mushroom_s2pg.networks.reference_init import reference_classes
from mushroom_s2pg.policies import SquashedGaussianPolicy

__all__ = ['LSIQ_RS', 'LSIQ_BPTT', 'LSIQ_VANILLA', 'LSIQ_ORACLE']


def _mlp_parts(mdp_info, policy_obs_mask: np.ndarray, actor_features: Sequence[int], critic_features: Sequence[int],
               log_std_min: float, log_std_max: float, critic_obs_mask=None, structure: str = 'library'):
    """The stateless MLP policy on the (masked) observation and the one critic Q(s_full[critic_obs_mask], a) of the
    baselines; ``structure='reference'``: initialised as the reference's ``SACActorNetwork`` and
    ``FullyConnectedNetwork`` (its LS-IQ vanilla launcher's)."""
    _, state_dim, action_dim = _dims(mdp_info, policy_obs_mask, critic_obs_mask)
    actor_class, critic_class = reference_classes(structure, 'SACActorNetwork', 'FullyConnectedNetwork')
    policy = squashed_window_policy(mdp_info, policy_obs_mask, 1, actor_features, log_std_min, log_std_max,
                                    actor_class)
    return policy, MLPQNetwork(state_dim, action_dim, tuple(critic_features), critic_class)


class LSIQ_RS(StatefulLSIQ):
    """
    LS-IQ-RS: the SAC-RS policy (GRU actor, tanh-Gaussian over (a, z'), dim z = ``policy_state_dim``) trained by
    LS-IQ with the privileged stateful critic Q(s_full, z, a, z') (Q(s_full, z, a, z', a_prev) with
    ``use_prev_action=True``); log-stds bounded to (-5, 2) as in the reference. ``use_prev_action`` (actor and
    critic) is False by default, as in the reference LS-IQ-RS launcher (``use_prev_actions = [False]``; its critic
    is always built without a_prev).

    ``critic_inputs`` is an ablation of the critic: ``'stateful'`` (default, the reference and Theorem 2.2);
    ``'state_action'``, the baselines' MLP Q(s_full, a) with two hidden layers of ``n_features_critic``, blind to z
    and z' (the internal state then learns from the entropy bonus and, through the action, one step only); or
    ``'residual'``, that MLP plus the reference critic as a residual that starts at zero
    (:class:`~mushroom_s2pg.networks.critics.ResidualStatefulQNetwork`; it sees z and z'). Further keyword arguments:
    those of :class:`StatefulLSIQ` (reference defaults).

    """
    #: the critics of ``critic_inputs``
    CRITIC_INPUTS = ('stateful', 'state_action', 'residual')

    #: the constructor's arguments, then those of :class:`StatefulLSIQ` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('policy_state_dim', 32),
        shared('n_features_actor', 256),
        shared('n_features_critic', 256),
        shared('log_std_min', -5.0),
        shared('log_std_max', 2.0),
        Hyperparameter('use_prev_action', bool, False, 'whether the GRU reads the previous action'),
        Hyperparameter('critic_inputs', str, 'stateful',
                       "inputs of the critic: 'stateful', 'state_action' or 'residual' (ablation)"),
        NETWORK_STRUCTURE,
    ), StatefulLSIQ.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, expert_data: Optional[ExpertData] = None,
                 policy_state_dim: int = 32, n_features_actor: int = 256, n_features_critic: int = 256,
                 log_std_min: float = -5., log_std_max: float = 2., use_prev_action: bool = False,
                 critic_inputs: str = 'stateful', network_structure: str = 'library', **kwargs):
        if critic_inputs not in self.CRITIC_INPUTS:
            raise ValueError(f'critic_inputs must be one of {self.CRITIC_INPUTS}, got {critic_inputs!r}')
        obs_dim, state_dim, action_dim = _dims(mdp_info, policy_obs_mask, kwargs.get('critic_obs_mask'))
        network = GaussianGRUActor(obs_dim, action_dim, policy_state_dim, n_features_actor, use_prev_action,
                                   network_structure)
        policy = SquashedGaussianPolicy(network, SingleStep(), mdp_info.action_space.low, mdp_info.action_space.high,
                                        policy_obs_mask, stochastic_policy_state=True, log_std_min=log_std_min,
                                        log_std_max=log_std_max)
        if critic_inputs == 'stateful':
            critic = StatefulQNetwork(state_dim, action_dim, policy_state_dim, n_features_critic, use_prev_action)
        elif critic_inputs == 'residual':
            critic = ResidualStatefulQNetwork(state_dim, action_dim, policy_state_dim, n_features_critic,
                                              use_prev_action)
        else:
            critic = MLPQNetwork(state_dim, action_dim, (n_features_critic, n_features_critic))
        super().__init__(mdp_info, policy, critic, expert_data, **kwargs)


class LSIQ_BPTT(StatefulLSIQ):
    """
    LS-IQ with the same GRU actor, its state carried deterministically, trained by truncated BPTT over
    ``truncation_length`` steps (the reference runs 5 and 32); privileged MLP critic Q(s_full, a) [256, 256]. The
    actor's learning rate is the reference BPTT launcher's (3e-5; it leaves the script's default).

    """
    UNUSED_HYPERPARAMETERS = StatefulLSIQ.SAMPLED_STATE_HYPERPARAMETERS

    #: the constructor's arguments, then those of :class:`StatefulLSIQ` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('truncation_length', 5),
        shared('policy_state_dim', 32),
        shared('n_features_actor', 256),
        shared('critic_features', (256, 256)),
        shared('log_std_min', -5.0),
        shared('log_std_max', 2.0),
        shared('lr_actor', 3e-5),
        NETWORK_STRUCTURE,
    ), StatefulLSIQ.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, expert_data: Optional[ExpertData] = None,
                 truncation_length: int = 5, policy_state_dim: int = 32, n_features_actor: int = 256,
                 critic_features: Sequence[int] = (256, 256), log_std_min: float = -5., log_std_max: float = 2.,
                 lr_actor: float = 3e-5, network_structure: str = 'library', **kwargs):
        obs_dim, state_dim, action_dim = _dims(mdp_info, policy_obs_mask, kwargs.get('critic_obs_mask'))
        actor = GaussianGRUActor(obs_dim, action_dim, policy_state_dim, n_features_actor, structure=network_structure,
                                 sample_policy_state=False)
        policy = SquashedGaussianPolicy(actor,
                                        TruncatedUnroll(truncation_length), mdp_info.action_space.low,
                                        mdp_info.action_space.high, policy_obs_mask, stochastic_policy_state=False,
                                        log_std_min=log_std_min, log_std_max=log_std_max)
        critic_class, = reference_classes(network_structure, 'FullyConnectedNetwork')
        critic = MLPQNetwork(state_dim, action_dim, tuple(critic_features), critic_class)
        super().__init__(mdp_info, policy, critic, expert_data, lr_actor=lr_actor, **kwargs)


class LSIQ_VANILLA(StatefulLSIQ):
    """LS-IQ with a stateless MLP policy on the current (masked) observation; privileged critic Q(s_full, a)."""
    UNUSED_HYPERPARAMETERS = StatefulLSIQ.SAMPLED_STATE_HYPERPARAMETERS

    #: the constructor's arguments, then those of :class:`StatefulLSIQ` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('actor_features', (256, 256)),
        shared('critic_features', (256, 256)),
        shared('log_std_min', -5.0),
        shared('log_std_max', 2.0),
        NETWORK_STRUCTURE,
    ), StatefulLSIQ.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, expert_data: Optional[ExpertData] = None,
                 actor_features: Sequence[int] = (256, 256), critic_features: Sequence[int] = (256, 256),
                 log_std_min: float = -5., log_std_max: float = 2., network_structure: str = 'library',
                 **kwargs):
        super().__init__(mdp_info, *_mlp_parts(mdp_info, policy_obs_mask, actor_features, critic_features,
                                               log_std_min, log_std_max, kwargs.get('critic_obs_mask'),
                                               network_structure), expert_data, **kwargs)


class LSIQ_ORACLE(StatefulLSIQ):
    """LS-IQ with a stateless MLP policy on the full state (an upper reference, not a POMDP method)
    Its policy sees the full state whatever ``policy_obs_mask`` is (the upper bound: the policy with everything);
    its privileged critic sees ``critic_obs_mask``, as in the other variants.

    """
    UNUSED_HYPERPARAMETERS = StatefulLSIQ.SAMPLED_STATE_HYPERPARAMETERS

    #: the constructor's arguments, then those of :class:`StatefulLSIQ` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('actor_features', (256, 256)),
        shared('critic_features', (256, 256)),
        shared('log_std_min', -5.0),
        shared('log_std_max', 2.0),
        NETWORK_STRUCTURE,
    ), StatefulLSIQ.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, expert_data: Optional[ExpertData] = None,
                 actor_features: Sequence[int] = (256, 256), critic_features: Sequence[int] = (256, 256),
                 log_std_min: float = -5., log_std_max: float = 2., network_structure: str = 'library',
                 **kwargs):
        super().__init__(mdp_info, *_mlp_parts(mdp_info, np.ones_like(policy_obs_mask, dtype=bool), actor_features,
                                               critic_features, log_std_min, log_std_max,
                                               kwargs.get('critic_obs_mask'), network_structure),
                         expert_data, **kwargs)
