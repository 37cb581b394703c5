"""TD3 with stateful, recurrent, window, vanilla and oracle policies: construction only, maths in td3.py."""
from typing import Sequence

import numpy as np

from mushroom_s2pg.algorithms.sac_variants import _dims, _mlp_twin_critic
from mushroom_s2pg.algorithms.td3 import StatefulTD3
from mushroom_s2pg.networks.critics import StatefulQNetwork, TwinCritic
from mushroom_s2pg.networks.recurrent_actors import DeterministicGRUActor, MLPActor
from mushroom_s2pg.policies.deterministic_stateful_policy import DeterministicStatefulPolicy
from mushroom_s2pg.policies.recurrent_policies import DeterministicRecurrentPolicy
from mushroom_s2pg.policies.window_policies import DeterministicWindowPolicy

__all__ = ['TD3_RS', 'TD3_BPTT', 'TD3_WINDOW', 'TD3_VANILLA', 'TD3_ORACLE']


class TD3_RS(StatefulTD3):
    """
    TD3-RS (Al-Hafez et al., 2024, Algorithm 1): deterministic stateful GRU policy (a, z') with exploration
    noise N(0, std) on a and N(0, std_z) on z', privileged critic Q(s_full, z, a, z', a_prev).
    Further keyword arguments: those of :class:`StatefulTD3`.

    """
    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, policy_state_dim: int = 32,
                 n_features_actor: int = 128, n_features_critic: int = 128, std: float = 0.1,
                 std_z: float = 0.01, **kwargs):
        obs_dim, state_dim, action_dim = _dims(mdp_info, policy_obs_mask)
        policy = DeterministicStatefulPolicy(
            DeterministicGRUActor(obs_dim, action_dim, policy_state_dim, n_features_actor),
            mdp_info.action_space.low, mdp_info.action_space.high, policy_obs_mask, std, std_z)
        critic = TwinCritic(*(StatefulQNetwork(state_dim, action_dim, policy_state_dim, n_features_critic)
                              for _ in range(2)))
        super().__init__(mdp_info, policy, critic, **kwargs)


class TD3_BPTT(StatefulTD3):
    """TD3 with the TD3-RS GRU actor trained by truncated BPTT over stored windows; critic Q(s_full, a)."""
    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, truncation_length: int = 5,
                 policy_state_dim: int = 32, n_features_actor: int = 128,
                 critic_features: Sequence[int] = (256, 256), std: float = 0.1, **kwargs):
        obs_dim, state_dim, action_dim = _dims(mdp_info, policy_obs_mask)
        policy = DeterministicRecurrentPolicy(
            DeterministicGRUActor(obs_dim, action_dim, policy_state_dim, n_features_actor),
            mdp_info.action_space.low, mdp_info.action_space.high, policy_obs_mask, std)
        super().__init__(mdp_info, policy, _mlp_twin_critic(state_dim, action_dim, critic_features),
                         window_length=truncation_length, **kwargs)


class TD3_WINDOW(StatefulTD3):
    """TD3 with a stateless MLP policy on the last ``window_length`` observations; critic Q(s_full, a)."""
    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, window_length: int = 5,
                 actor_features: Sequence[int] = (256, 256), critic_features: Sequence[int] = (256, 256),
                 std: float = 0.1, **kwargs):
        obs_dim, state_dim, action_dim = _dims(mdp_info, policy_obs_mask)
        policy = DeterministicWindowPolicy(MLPActor(window_length * obs_dim, action_dim, tuple(actor_features)),
                                           mdp_info.action_space.low, mdp_info.action_space.high, policy_obs_mask,
                                           window_length, std)
        super().__init__(mdp_info, policy, _mlp_twin_critic(state_dim, action_dim, critic_features),
                         window_length=window_length if window_length > 1 else None, **kwargs)


class TD3_VANILLA(TD3_WINDOW):
    """TD3 with a stateless MLP policy on the current (masked) observation; critic Q(s_full, a)."""
    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, actor_features: Sequence[int] = (256, 256),
                 critic_features: Sequence[int] = (256, 256), std: float = 0.1, **kwargs):
        super().__init__(mdp_info, policy_obs_mask, 1, actor_features, critic_features, std, **kwargs)


class TD3_ORACLE(TD3_WINDOW):
    """TD3 with a stateless MLP policy on the full state (an upper reference, not a POMDP method)."""
    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, actor_features: Sequence[int] = (256, 256),
                 critic_features: Sequence[int] = (256, 256), std: float = 0.1, **kwargs):
        super().__init__(mdp_info, np.ones_like(policy_obs_mask, dtype=bool), 1, actor_features, critic_features,
                         std, **kwargs)
