"""GAIL with stateful, recurrent, vanilla and oracle policies: construction only, maths in gail.py."""
from typing import Optional, Sequence

import numpy as np

from mushroom_s2pg.algorithms.hyperparameters import NETWORK_STRUCTURE, declare, shared
from mushroom_s2pg.algorithms.gail import ExpertData, StatefulGAIL
from mushroom_s2pg.algorithms.ppo_variants import _gru_policy, _window_policy
from mushroom_s2pg.core import SingleStep, TruncatedUnroll
from mushroom_s2pg.networks.value_networks import RecurrentStateValue

__all__ = ['GAIL_RS', 'GAIL_BPTT', 'GAIL_VANILLA', 'GAIL_ORACLE']


def _located(expert_data: Optional[ExpertData], mdp_info, policy_obs_mask: np.ndarray) -> Optional[ExpertData]:
    """The expert data with the entries they hold resolved against the task (before any policy is built)."""
    if expert_data is None:
        return None
    return expert_data.located(mdp_info.observation_space.shape[0], policy_obs_mask)


class GAIL_RS(StatefulGAIL):
    """
    GAIL-RS: the PPO-RS policy (joint Gaussian over (a, z') from a GRU actor, learnable state-independent
    log-std, initial std 0.5) with dim z = 32, rewarded by the discriminator. Further keyword arguments: those
    of :class:`StatefulGAIL` and :class:`StatefulPPO`.

    """
    #: the constructor's arguments, then those of :class:`StatefulGAIL` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('policy_state_dim', 32),
        shared('n_features_actor', 128),
        shared('std_0', 0.5),
        NETWORK_STRUCTURE,
    ), StatefulGAIL.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, expert_data: Optional[ExpertData] = None,
                 policy_state_dim: int = 32, n_features_actor: int = 128, std_0: float = 0.5,
                 network_structure: str = 'library', **kwargs):
        expert_data = _located(expert_data, mdp_info, policy_obs_mask)
        super().__init__(mdp_info, _gru_policy(mdp_info, policy_obs_mask, SingleStep(), True, policy_state_dim,
                                               n_features_actor, std_0, network_structure), expert_data,
                         network_structure=network_structure, **kwargs)


class GAIL_BPTT(StatefulGAIL):
    """
    GAIL with the same GRU actor, its state carried deterministically, trained by truncated BPTT over
    ``truncation_length`` steps (the reference runs 5 and 32). With ``privileged_critic=False`` the value function
    is a GRU of its own over the truncation windows (as PPO-BPTT's); by default (privileged) it is the MLP
    V(s_full). Defaults that differ from GAIL-RS are the reference BPTT launcher's
    (``experiments/02_Imitation_Learning/01_BPTT``): learning rates 1e-5, clipping 0.005, D trained every fit.

    """
    #: the constructor's arguments, then those of :class:`StatefulGAIL` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('truncation_length', 5),
        shared('policy_state_dim', 32),
        shared('n_features_actor', 128),
        shared('n_features_critic', 128),
        shared('std_0', 0.5),
        shared('lr_actor', 1e-5),
        shared('lr_critic', 1e-5),
        shared('eps_clip', 0.005),
        shared('train_discriminator_every', 1),
        NETWORK_STRUCTURE,
    ), StatefulGAIL.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, expert_data: Optional[ExpertData] = None,
                 truncation_length: int = 5, policy_state_dim: int = 32, n_features_actor: int = 128,
                 n_features_critic: int = 128, std_0: float = 0.5, lr_actor: float = 1e-5, lr_critic: float = 1e-5,
                 eps_clip: float = 0.005, train_discriminator_every: int = 1, network_structure: str = 'library',
                 **kwargs):
        kwargs.update(lr_actor=lr_actor, lr_critic=lr_critic, eps_clip=eps_clip,
                      train_discriminator_every=train_discriminator_every)
        expert_data = _located(expert_data, mdp_info, policy_obs_mask)
        policy = _gru_policy(mdp_info, policy_obs_mask, TruncatedUnroll(truncation_length), False, policy_state_dim,
                             n_features_actor, std_0, network_structure)
        if not kwargs.get('privileged_critic', True):
            kwargs['critic'] = RecurrentStateValue(int(np.sum(policy_obs_mask)), mdp_info.action_space.shape[0],
                                                   n_features_critic, n_features_critic, network_structure)
        super().__init__(mdp_info, policy, expert_data, network_structure=network_structure, **kwargs)


class GAIL_VANILLA(StatefulGAIL):
    """
    GAIL with a stateless MLP policy on the current (masked) observation; learning rates 1e-5 as in the reference
    vanilla launcher (``experiments/02_Imitation_Learning/03_Vanilla``).

    """
    #: the constructor's arguments, then those of :class:`StatefulGAIL` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('actor_features', (128, 128)),
        shared('std_0', 0.5),
        shared('lr_actor', 1e-5),
        shared('lr_critic', 1e-5),
        NETWORK_STRUCTURE,
    ), StatefulGAIL.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, expert_data: Optional[ExpertData] = None,
                 actor_features: Sequence[int] = (128, 128), std_0: float = 0.5, lr_actor: float = 1e-5,
                 lr_critic: float = 1e-5, network_structure: str = 'library', **kwargs):
        kwargs.update(lr_actor=lr_actor, lr_critic=lr_critic)
        expert_data = _located(expert_data, mdp_info, policy_obs_mask)
        super().__init__(mdp_info, _window_policy(mdp_info, policy_obs_mask, 1, actor_features, std_0,
                                                        network_structure), expert_data,
                         network_structure=network_structure, **kwargs)


class GAIL_ORACLE(StatefulGAIL):
    """GAIL with a stateless MLP policy on the full state (an upper reference, and the expert trainer)
    Its policy sees the full state whatever ``policy_obs_mask`` is (the upper bound: the policy with everything);
    its privileged critic sees ``critic_obs_mask``, as in the other variants.

    """
    #: the constructor's arguments, then those of :class:`StatefulGAIL` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('actor_features', (128, 128)),
        shared('std_0', 0.5),
        NETWORK_STRUCTURE,
    ), StatefulGAIL.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, expert_data: Optional[ExpertData] = None,
                 actor_features: Sequence[int] = (128, 128), std_0: float = 0.5,
                 network_structure: str = 'library', **kwargs):
        expert_data = _located(expert_data, mdp_info, policy_obs_mask)
        super().__init__(mdp_info, _window_policy(mdp_info, np.ones_like(policy_obs_mask, dtype=bool), 1,
                                                  actor_features, std_0, network_structure), expert_data,
                         network_structure=network_structure, **kwargs)
