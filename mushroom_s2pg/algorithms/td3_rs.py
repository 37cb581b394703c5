"""TD3-RS: TD3 with a deterministic stateful policy (appendix C, Algorithm 1; Theorem 2.3)."""
from copy import deepcopy
from typing import Dict, Optional, Tuple

import numpy as np
import torch

from mushroom_s2pg.core import OffPolicyStatefulAgent, soft_update
from mushroom_s2pg.networks.critics import StatefulQNetwork, TwinCritic
from mushroom_s2pg.networks.recurrent_actors import DeterministicGRUActor
from mushroom_s2pg.policies.deterministic_stateful_policy import DeterministicStatefulPolicy

__all__ = ['TD3_RS']


class TD3_RS(OffPolicyStatefulAgent):
    """
    TD3 with a deterministic stateful policy mu(o, z, a_prev) = (a, z') and a privileged critic
    Q(s_full, z, a, z', a_prev) (Al-Hafez et al., 2024, Algorithm 1 of appendix C).

    Exploration adds N(0, std) to a and N(0, std_z) to z'. The target policy is smoothed on both:
    a with N(0, 0.2) clipped to 0.5, z' with N(0, 0.5 std_z) clipped to 1.25 std_z. The actor and the
    targets are updated every ``policy_delay`` critic updates; the actor ascends Q_1 through a and z'
    (the deterministic stateful policy gradient, Theorem 2.3).

    """
    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, policy_state_dim: int = 32,
                 n_features_actor: int = 128, n_features_critic: int = 128, batch_size: int = 100,
                 initial_replay_size: int = 10000, max_replay_size: int = 1000000, tau: float = 0.005,
                 lr_actor: float = 1e-3, lr_critic: float = 1e-3, policy_delay: int = 2, std: float = 0.1,
                 std_z: float = 0.01, target_noise: float = 0.2, target_noise_clip: float = 0.5,
                 tau_z: float = 1.):
        """
        Constructor. Defaults are the reference implementation's (REFERENCE section 3).

        Args:
            mdp_info (MDPInfo): the environment's information (observation = full state);
            policy_obs_mask (np.ndarray): entries of the full state that the policy observes;
            std (float): exploration noise on the normalised action;
            std_z (float): exploration noise on z';
            target_noise (float): target-policy smoothing noise on the action;
            target_noise_clip (float): clip of that noise;
            tau_z (float): mixing factor of the internal-state refresh of the replay memory.

        """
        obs_dim = int(np.sum(policy_obs_mask))
        state_dim = mdp_info.observation_space.shape[0]
        action_dim = mdp_info.action_space.shape[0]
        if policy_delay < 1:
            raise ValueError(f'policy_delay must be >= 1, got {policy_delay}')

        network = DeterministicGRUActor(obs_dim, action_dim, policy_state_dim, n_features_actor)
        policy = DeterministicStatefulPolicy(network, mdp_info.action_space.low, mdp_info.action_space.high,
                                             policy_obs_mask, std, std_z)
        super().__init__(mdp_info, policy, batch_size, initial_replay_size, max_replay_size, tau, tau_z)

        self._policy_delay = int(policy_delay)
        self._target_noise = float(target_noise)
        self._target_noise_clip = float(target_noise_clip)

        self._critic = TwinCritic(*(StatefulQNetwork(state_dim, action_dim, policy_state_dim, n_features_critic)
                                    for _ in range(2)))
        self._target_critic = deepcopy(self._critic).requires_grad_(False)
        self._target_actor = deepcopy(network).requires_grad_(False)
        self._actor_optimizer = torch.optim.Adam(network.parameters(), lr=lr_actor)
        self._critic_optimizer = torch.optim.Adam(self._critic.parameters(), lr=lr_critic)

        self._add_save_attr(
            _policy_delay='primitive',
            _target_noise='primitive',
            _target_noise_clip='primitive'
        )
        self._register_torch_state('_critic', '_target_critic', '_target_actor', '_actor_optimizer',
                                   '_critic_optimizer')

    def _update(self, batch: Dict[str, torch.Tensor]) -> Tuple[Dict[str, torch.Tensor], Optional[torch.Tensor]]:
        s, z, a, a_prev = batch['state'], batch['policy_state'], batch['action'], batch['prev_action']
        s_next, z_next = batch['next_state'], batch['next_policy_state']
        policy = self.policy
        std_z = policy.std_z

        with torch.no_grad():
            a_target, z_target = self._target_actor(policy.observation(s_next), z_next, a)
            a_target, z_target = policy.perturb_t(a_target, z_target, self._target_noise, 0.5 * std_z,
                                                  self._target_noise_clip, 1.25 * std_z)
            q_next = self._target_critic(s_next, z_next, policy.scale_action(a_target), z_target, a).min(0).values
            y = batch['reward'] + self._gamma * (1. - batch['absorbing']) * q_next

        q = self._critic(s, z, a, z_next, a_prev)
        critic_loss = ((q - y) ** 2).mean(1).sum()
        self._critic_optimizer.zero_grad(set_to_none=True)
        critic_loss.backward()
        self._critic_optimizer.step()
        losses = dict(critic=critic_loss.detach())

        if self._n_updates % self._policy_delay == 0:
            a_new, z_new = policy.forward_t(s, z, a_prev)
            actor_loss = -self._critic.q1(s, z, policy.scale_action(a_new), z_new, a_prev).mean()
            self._actor_optimizer.zero_grad(set_to_none=True)
            actor_loss.backward(inputs=list(policy.parameters()))
            self._actor_optimizer.step()
            soft_update(self._target_critic, self._critic, self._tau)
            soft_update(self._target_actor, policy.network, self._tau)
            losses['actor'] = actor_loss.detach()
            with torch.no_grad():
                fresh_z = policy.perturb_t(a_new.detach(), z_new.detach(), 0., std_z)[1]
        else:
            with torch.no_grad():
                fresh_z = policy.explore_t(s, z, a_prev)[1]
        return losses, fresh_z
