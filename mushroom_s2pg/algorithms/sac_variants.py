"""SAC with stateful, recurrent, window, vanilla and oracle policies: construction only, maths in sac.py."""
from typing import Optional, Sequence, Tuple

import numpy as np

from mushroom_s2pg.algorithms.hyperparameters import NETWORK_STRUCTURE, Hyperparameter, declare, shared
from mushroom_s2pg.algorithms.sac import StatefulSAC
from mushroom_s2pg.core import ObservationWindow, SingleStep, TruncatedUnroll, checked_critic_obs_mask
from mushroom_s2pg.networks.cpg import CPGNetwork
from mushroom_s2pg.networks.critics import MLPQNetwork, StatefulQNetwork, TwinCritic
from mushroom_s2pg.networks.mlp_actors import GaussianMLPActor
from mushroom_s2pg.networks.recurrent_actors import GaussianGRUActor
from mushroom_s2pg.networks.reference_init import reference_classes
from mushroom_s2pg.policies import SquashedGaussianPolicy

__all__ = ['SAC_RS', 'SAC_BPTT', 'SAC_WINDOW', 'SAC_VANILLA', 'SAC_ORACLE']

ACTORS = ('gru', 'cpg')


def _dims(mdp_info, policy_obs_mask, critic_obs_mask=None):
    """The widths of the policy's observation, of the privileged critic's state (``critic_obs_mask``, None: the full
    state) and of the action."""
    critic_dim = int(checked_critic_obs_mask(critic_obs_mask, mdp_info.observation_space.shape).sum())
    return int(np.sum(policy_obs_mask)), critic_dim, mdp_info.action_space.shape[0]


#: The reference classes (actor, critic) whose initialisation the stateless baselines' MLPs take under
#: ``network_structure='reference'`` (:mod:`mushroom_s2pg.networks.reference_init`): the window baselines', and the
#: vanilla and oracle baselines'.
WINDOW_REFERENCE = ('SACWindowActorNetwork', 'FullyConnectedNetwork')
MLP_REFERENCE = ('SACActorNetwork', 'SACCriticNetwork')


def _mlp_twin_critic(state_dim: int, action_dim: int, critic_features: Sequence[int],
                     reference_class: Optional[str] = None) -> TwinCritic:
    return TwinCritic(*(MLPQNetwork(state_dim, action_dim, tuple(critic_features), reference_class)
                        for _ in range(2)))


def squashed_window_policy(mdp_info, policy_obs_mask: np.ndarray, window_length: int, actor_features: Sequence[int],
                           log_std_min: float, log_std_max: float,
                           reference_class: Optional[str] = None) -> SquashedGaussianPolicy:
    """The stateless tanh-Gaussian MLP policy on an observation window (L = 1: vanilla / oracle) of SAC and LS-IQ;
    ``reference_class``: the reference MLP whose initialisation the actor takes (None: the library's)."""
    obs_dim, _, action_dim = _dims(mdp_info, policy_obs_mask)
    inputs = ObservationWindow(window_length)
    actor = GaussianMLPActor(inputs.input_dim(obs_dim), action_dim, tuple(actor_features), reference_class)
    return SquashedGaussianPolicy(actor, inputs, mdp_info.action_space.low, mdp_info.action_space.high,
                                  policy_obs_mask, stochastic_policy_state=False, log_std_min=log_std_min,
                                  log_std_max=log_std_max)


def _window_parts(mdp_info, policy_obs_mask: np.ndarray, window_length: int, actor_features: Sequence[int],
                  critic_features: Sequence[int], log_std_min: float, log_std_max: float, critic_obs_mask=None,
                  reference: Tuple[Optional[str], Optional[str]] = (None, None)):
    """The window baselines' policy and twin critic Q(s_full[critic_obs_mask], a); ``reference``: the reference
    classes of actor and critic (:data:`WINDOW_REFERENCE`, :data:`MLP_REFERENCE`) or Nones."""
    _, state_dim, action_dim = _dims(mdp_info, policy_obs_mask, critic_obs_mask)
    policy = squashed_window_policy(mdp_info, policy_obs_mask, window_length, actor_features, log_std_min,
                                    log_std_max, reference[0])
    return policy, _mlp_twin_critic(state_dim, action_dim, critic_features, reference[1])


class SAC_RS(StatefulSAC):
    """
    SAC-RS (Al-Hafez et al., 2024, Algorithm 2): a stochastic stateful policy pi(a, z' | o, z, a_prev)
    trained on single steps, with the privileged critic Q(s_full, z, a, z', a_prev). The actor is the GRU
    of the reference (``actor='gru'``, dim z = ``policy_state_dim``) or the blind central pattern generator
    of the inductive-bias experiments (``actor='cpg'``, dim z = 3 ``n_oscillators``, default one oscillator
    per action dimension, z' Gaussian without squashing). ``critic_encoders`` and ``critic_init_scale`` are the
    ``encoders`` and ``init_scale`` of :class:`~mushroom_s2pg.networks.critics.StatefulQNetwork`; the critic starts
    from PyTorch's initialisation by default (``critic_init_scale=None``), with which SAC_RS learns short-memory tasks
    reliably, where the reference's Xavier at a tenth of the gain (0.1, its value on the paper's tasks in the
    reference table) does not. ``network_structure='reference'`` (the reference table's) gives the GRU actor the
    reference's separate post-GRU observation layer and Xavier gains
    (:class:`~mushroom_s2pg.networks.recurrent_actors.GaussianGRUActor`); the library default, ``'library'``, is the
    structure the short-memory study measured. Further keyword arguments: those of :class:`StatefulSAC`.

    """
    #: the constructor's arguments, then those of :class:`StatefulSAC` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('policy_state_dim', 32),
        shared('n_features_actor', 256),
        shared('n_features_critic', 256),
        shared('log_std_min', -20.0),
        shared('log_std_max', 2.0),
        Hyperparameter('actor', str, 'gru', "the actor network: 'gru' or 'cpg' (central pattern generator)"),
        Hyperparameter('n_oscillators', Optional[int], None,
                       'oscillators of the CPG actor (None: one per action dimension)'),
        shared('critic_encoders', 'mlp'),
        shared('critic_init_scale', None),
        NETWORK_STRUCTURE,
    ), StatefulSAC.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, policy_state_dim: int = 32,
                 n_features_actor: int = 256, n_features_critic: int = 256, log_std_min: float = -20.,
                 log_std_max: float = 2., actor: str = 'gru', n_oscillators: Optional[int] = None,
                 critic_encoders: str = 'mlp', critic_init_scale: Optional[float] = None,
                 network_structure: str = 'library', **kwargs):
        obs_dim, state_dim, action_dim = _dims(mdp_info, policy_obs_mask, kwargs.get('critic_obs_mask'))
        if actor == 'gru':
            network = GaussianGRUActor(obs_dim, action_dim, policy_state_dim, n_features_actor,
                                       structure=network_structure)
        elif actor == 'cpg':
            network = CPGNetwork(action_dim, n_oscillators or action_dim, mdp_info.dt)
        else:
            raise ValueError(f"Unknown actor '{actor}' for SAC_RS. Valid actors: {', '.join(ACTORS)}")
        policy = SquashedGaussianPolicy(network, SingleStep(), mdp_info.action_space.low,
                                        mdp_info.action_space.high, policy_obs_mask, stochastic_policy_state=True,
                                        squash_policy_state=actor == 'gru', log_std_min=log_std_min,
                                        log_std_max=log_std_max)
        critic = TwinCritic(*(StatefulQNetwork(state_dim, action_dim, network.policy_state_dim, n_features_critic,
                                               encoders=critic_encoders, init_scale=critic_init_scale)
                              for _ in range(2)))
        super().__init__(mdp_info, policy, critic, **kwargs)


class SAC_BPTT(StatefulSAC):
    """
    SAC with the same GRU actor, its state carried deterministically, trained by truncated backpropagation
    through time: windows of ``truncation_length`` steps ending at each sampled step, cut at episode starts,
    unrolled in one batched call from the stored hidden state. Privileged critic Q(s_full, a).

    """
    UNUSED_HYPERPARAMETERS = StatefulSAC.SAMPLED_STATE_HYPERPARAMETERS

    #: the constructor's arguments, then those of :class:`StatefulSAC` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('truncation_length', 5),
        shared('policy_state_dim', 32),
        shared('n_features_actor', 256),
        shared('critic_features', (256, 256)),
        shared('log_std_min', -20.0),
        shared('log_std_max', 2.0),
        NETWORK_STRUCTURE,
    ), StatefulSAC.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, truncation_length: int = 5,
                 policy_state_dim: int = 32, n_features_actor: int = 256, critic_features: Sequence[int] = (256, 256),
                 log_std_min: float = -20., log_std_max: float = 2., network_structure: str = 'library', **kwargs):
        obs_dim, state_dim, action_dim = _dims(mdp_info, policy_obs_mask, kwargs.get('critic_obs_mask'))
        actor = GaussianGRUActor(obs_dim, action_dim, policy_state_dim, n_features_actor, structure=network_structure,
                                 sample_policy_state=False)
        policy = SquashedGaussianPolicy(actor,
                                        TruncatedUnroll(truncation_length), mdp_info.action_space.low,
                                        mdp_info.action_space.high, policy_obs_mask, stochastic_policy_state=False,
                                        log_std_min=log_std_min, log_std_max=log_std_max)
        critic_class, = reference_classes(network_structure, 'FullyConnectedNetwork')
        super().__init__(mdp_info, policy, _mlp_twin_critic(state_dim, action_dim, critic_features, critic_class),
                         **kwargs)


class SAC_WINDOW(StatefulSAC):
    """
    SAC with a stateless MLP policy on the concatenation of the last ``window_length`` observations
    (zero-padded at the episode start); privileged critic Q(s_full, a).

    """
    UNUSED_HYPERPARAMETERS = StatefulSAC.SAMPLED_STATE_HYPERPARAMETERS

    #: the constructor's arguments, then those of :class:`StatefulSAC` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('window_length', 5),
        shared('actor_features', (256, 256)),
        shared('critic_features', (256, 256)),
        shared('log_std_min', -20.0),
        shared('log_std_max', 2.0),
        NETWORK_STRUCTURE,
    ), StatefulSAC.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, window_length: int = 5,
                 actor_features: Sequence[int] = (256, 256), critic_features: Sequence[int] = (256, 256),
                 log_std_min: float = -20., log_std_max: float = 2., network_structure: str = 'library', **kwargs):
        super().__init__(mdp_info, *_window_parts(mdp_info, policy_obs_mask, window_length, actor_features,
                                                  critic_features, log_std_min, log_std_max,
                                                  kwargs.get('critic_obs_mask'),
                                                  reference_classes(network_structure, *WINDOW_REFERENCE)), **kwargs)


class SAC_VANILLA(StatefulSAC):
    """SAC with a stateless MLP policy on the current (masked) observation; privileged critic Q(s_full, a)."""
    UNUSED_HYPERPARAMETERS = StatefulSAC.SAMPLED_STATE_HYPERPARAMETERS

    #: the constructor's arguments, then those of :class:`StatefulSAC` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('actor_features', (256, 256)),
        shared('critic_features', (256, 256)),
        shared('log_std_min', -20.0),
        shared('log_std_max', 2.0),
        NETWORK_STRUCTURE,
    ), StatefulSAC.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, actor_features: Sequence[int] = (256, 256),
                 critic_features: Sequence[int] = (256, 256), log_std_min: float = -20., log_std_max: float = 2.,
                 network_structure: str = 'library', **kwargs):
        super().__init__(mdp_info, *_window_parts(mdp_info, policy_obs_mask, 1, actor_features, critic_features,
                                                  log_std_min, log_std_max, kwargs.get('critic_obs_mask'),
                                                  reference_classes(network_structure, *MLP_REFERENCE)), **kwargs)


class SAC_ORACLE(StatefulSAC):
    """SAC with a stateless MLP policy on the full state (an upper reference, not a POMDP method)
    Its policy sees the full state whatever ``policy_obs_mask`` is (the upper bound: the policy with everything);
    its privileged critic sees ``critic_obs_mask``, as in the other variants.

    """
    UNUSED_HYPERPARAMETERS = StatefulSAC.SAMPLED_STATE_HYPERPARAMETERS

    #: the constructor's arguments, then those of :class:`StatefulSAC` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('actor_features', (256, 256)),
        shared('critic_features', (256, 256)),
        shared('log_std_min', -20.0),
        shared('log_std_max', 2.0),
        NETWORK_STRUCTURE,
    ), StatefulSAC.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, actor_features: Sequence[int] = (256, 256),
                 critic_features: Sequence[int] = (256, 256), log_std_min: float = -20., log_std_max: float = 2.,
                 network_structure: str = 'library', **kwargs):
        super().__init__(mdp_info, *_window_parts(mdp_info, np.ones_like(policy_obs_mask, dtype=bool), 1,
                                                  actor_features, critic_features, log_std_min, log_std_max,
                                                  kwargs.get('critic_obs_mask'),
                                                  reference_classes(network_structure, *MLP_REFERENCE)), **kwargs)
