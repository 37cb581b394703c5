"""TD3 with stateful, recurrent, window, vanilla and oracle policies: construction only, maths in td3.py."""
from typing import Optional, Sequence, Tuple

import numpy as np

from mushroom_s2pg.algorithms.hyperparameters import NETWORK_STRUCTURE, Hyperparameter, declare, shared
from mushroom_s2pg.algorithms.sac_variants import _dims, _mlp_twin_critic
from mushroom_s2pg.algorithms.td3 import StatefulTD3
from mushroom_s2pg.core import ObservationWindow, SingleStep, TruncatedUnroll
from mushroom_s2pg.networks.critics import StatefulQNetwork, TwinCritic
from mushroom_s2pg.networks.mlp_actors import DeterministicMLPActor
from mushroom_s2pg.networks.recurrent_actors import DeterministicGRUActor
from mushroom_s2pg.networks.reference_init import reference_classes
from mushroom_s2pg.policies import DeterministicPolicy

__all__ = ['TD3_RS', 'TD3_BPTT', 'TD3_WINDOW', 'TD3_VANILLA', 'TD3_ORACLE']


#: The reference classes (actor, critic) whose initialisation the stateless baselines' MLPs take under
#: ``network_structure='reference'`` (:mod:`mushroom_s2pg.networks.reference_init`).
WINDOW_REFERENCE = ('TD3WindowActorNetwork', 'FullyConnectedNetwork')
MLP_REFERENCE = ('TD3ActorNetwork', 'FullyConnectedNetwork')


def _window_parts(mdp_info, policy_obs_mask: np.ndarray, window_length: int, actor_features: Sequence[int],
                  critic_features: Sequence[int], std: float, critic_obs_mask=None,
                  reference: Tuple[Optional[str], Optional[str]] = (None, None)):
    """The deterministic MLP policy on an observation window and the critic Q(s_full[critic_obs_mask], a) of the
    window baselines; ``reference``: the reference classes of actor and critic, or Nones."""
    obs_dim, state_dim, action_dim = _dims(mdp_info, policy_obs_mask, critic_obs_mask)
    inputs = ObservationWindow(window_length)
    actor = DeterministicMLPActor(inputs.input_dim(obs_dim), action_dim, tuple(actor_features),
                                  reference_class=reference[0])
    policy = DeterministicPolicy(actor, inputs, mdp_info.action_space.low, mdp_info.action_space.high,
                                 policy_obs_mask, stochastic_policy_state=False, std=std)
    return policy, _mlp_twin_critic(state_dim, action_dim, critic_features, reference[1])


class TD3_RS(StatefulTD3):
    """
    TD3-RS (Al-Hafez et al., 2024, Algorithm 1): deterministic stateful GRU policy (a, z') with exploration
    noise N(0, std) on a and N(0, std_z) on z', privileged critic Q(s_full, z, a, z', a_prev). ``critic_encoders``
    and ``critic_init_scale`` are the ``encoders`` and ``init_scale`` of
    :class:`~mushroom_s2pg.networks.critics.StatefulQNetwork`; as SAC_RS's, the critic starts from PyTorch's
    initialisation by default (``critic_init_scale=None``), with which TD3_RS learns short-memory tasks, where the
    reference's 0.1 (its value on the paper's tasks in the reference table) does not. ``network_structure``: that of
    :class:`~mushroom_s2pg.networks.recurrent_actors.DeterministicGRUActor` (``'reference'`` in the reference
    table). Further keyword arguments: those of :class:`StatefulTD3`.

    """
    #: the constructor's arguments, then those of :class:`StatefulTD3` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('policy_state_dim', 32),
        shared('n_features_actor', 128),
        shared('n_features_critic', 256),
        shared('std', 0.1),
        Hyperparameter('std_z', float, 0.01, "standard deviation of the exploration noise on z'"),
        shared('critic_encoders', 'mlp'),
        shared('critic_init_scale', None),
        NETWORK_STRUCTURE,
    ), StatefulTD3.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, policy_state_dim: int = 32,
                 n_features_actor: int = 128, n_features_critic: int = 256, std: float = 0.1,
                 std_z: float = 0.01, critic_encoders: str = 'mlp', critic_init_scale: Optional[float] = None,
                 network_structure: str = 'library', **kwargs):
        obs_dim, state_dim, action_dim = _dims(mdp_info, policy_obs_mask, kwargs.get('critic_obs_mask'))
        actor = DeterministicGRUActor(obs_dim, action_dim, policy_state_dim, n_features_actor,
                                      structure=network_structure)
        policy = DeterministicPolicy(actor,
                                     SingleStep(), mdp_info.action_space.low, mdp_info.action_space.high,
                                     policy_obs_mask, stochastic_policy_state=True, std=std, std_z=std_z)
        critic = TwinCritic(*(StatefulQNetwork(state_dim, action_dim, policy_state_dim, n_features_critic,
                                               encoders=critic_encoders, init_scale=critic_init_scale)
                              for _ in range(2)))
        super().__init__(mdp_info, policy, critic, **kwargs)


class TD3_BPTT(StatefulTD3):
    """TD3 with the TD3-RS GRU actor trained by truncated BPTT over stored windows; critic Q(s_full, a)."""
    UNUSED_HYPERPARAMETERS = StatefulTD3.SAMPLED_STATE_HYPERPARAMETERS

    #: the constructor's arguments, then those of :class:`StatefulTD3` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('truncation_length', 5),
        shared('policy_state_dim', 32),
        shared('n_features_actor', 128),
        shared('critic_features', (256, 256)),
        shared('std', 0.1),
        NETWORK_STRUCTURE,
    ), StatefulTD3.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, truncation_length: int = 5,
                 policy_state_dim: int = 32, n_features_actor: int = 128,
                 critic_features: Sequence[int] = (256, 256), std: float = 0.1, network_structure: str = 'library',
                 **kwargs):
        obs_dim, state_dim, action_dim = _dims(mdp_info, policy_obs_mask, kwargs.get('critic_obs_mask'))
        actor = DeterministicGRUActor(obs_dim, action_dim, policy_state_dim, n_features_actor,
                                      structure=network_structure)
        policy = DeterministicPolicy(actor,
                                     TruncatedUnroll(truncation_length), mdp_info.action_space.low,
                                     mdp_info.action_space.high, policy_obs_mask, stochastic_policy_state=False,
                                     std=std)
        critic_class, = reference_classes(network_structure, 'FullyConnectedNetwork')
        super().__init__(mdp_info, policy, _mlp_twin_critic(state_dim, action_dim, critic_features, critic_class),
                         **kwargs)


class TD3_WINDOW(StatefulTD3):
    """TD3 with a stateless MLP policy on the last ``window_length`` observations; critic Q(s_full, a)."""
    UNUSED_HYPERPARAMETERS = StatefulTD3.SAMPLED_STATE_HYPERPARAMETERS

    #: the constructor's arguments, then those of :class:`StatefulTD3` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('window_length', 5),
        shared('actor_features', (256, 256)),
        shared('critic_features', (256, 256)),
        shared('std', 0.1),
        NETWORK_STRUCTURE,
    ), StatefulTD3.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, window_length: int = 5,
                 actor_features: Sequence[int] = (256, 256), critic_features: Sequence[int] = (256, 256),
                 std: float = 0.1, network_structure: str = 'library', **kwargs):
        super().__init__(mdp_info, *_window_parts(mdp_info, policy_obs_mask, window_length, actor_features,
                                                  critic_features, std,
                                                  kwargs.get('critic_obs_mask'),
                                                  reference_classes(network_structure, *WINDOW_REFERENCE)), **kwargs)


class TD3_VANILLA(StatefulTD3):
    """TD3 with a stateless MLP policy on the current (masked) observation; critic Q(s_full, a)."""
    UNUSED_HYPERPARAMETERS = StatefulTD3.SAMPLED_STATE_HYPERPARAMETERS

    #: the constructor's arguments, then those of :class:`StatefulTD3` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('actor_features', (256, 256)),
        shared('critic_features', (256, 256)),
        shared('std', 0.1),
        NETWORK_STRUCTURE,
    ), StatefulTD3.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, actor_features: Sequence[int] = (256, 256),
                 critic_features: Sequence[int] = (256, 256), std: float = 0.1,
                 network_structure: str = 'library', **kwargs):
        super().__init__(mdp_info, *_window_parts(mdp_info, policy_obs_mask, 1, actor_features, critic_features,
                                                  std, kwargs.get('critic_obs_mask'),
                                                  reference_classes(network_structure, *MLP_REFERENCE)), **kwargs)


class TD3_ORACLE(StatefulTD3):
    """TD3 with a stateless MLP policy on the full state (an upper reference, not a POMDP method)
    Its policy sees the full state whatever ``policy_obs_mask`` is (the upper bound: the policy with everything);
    its privileged critic sees ``critic_obs_mask``, as in the other variants.

    """
    UNUSED_HYPERPARAMETERS = StatefulTD3.SAMPLED_STATE_HYPERPARAMETERS

    #: the constructor's arguments, then those of :class:`StatefulTD3` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('actor_features', (256, 256)),
        shared('critic_features', (256, 256)),
        shared('std', 0.1),
        NETWORK_STRUCTURE,
    ), StatefulTD3.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, actor_features: Sequence[int] = (256, 256),
                 critic_features: Sequence[int] = (256, 256), std: float = 0.1,
                 network_structure: str = 'library', **kwargs):
        super().__init__(mdp_info, *_window_parts(mdp_info, np.ones_like(policy_obs_mask, dtype=bool), 1,
                                                  actor_features, critic_features, std,
                                                  kwargs.get('critic_obs_mask'),
                                                  reference_classes(network_structure, *MLP_REFERENCE)), **kwargs)
