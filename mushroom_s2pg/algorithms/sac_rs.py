"""SAC-RS: Soft Actor-Critic with a stochastic stateful policy (appendix C, Algorithm 2)."""
from copy import deepcopy
from typing import Dict, Optional, Tuple

import numpy as np
import torch

from mushroom_s2pg.core import OffPolicyStatefulAgent, soft_update
from mushroom_s2pg.networks.critics import StatefulQNetwork, TwinCritic
from mushroom_s2pg.networks.recurrent_actors import GaussianGRUActor
from mushroom_s2pg.policies.gaussian_stateful_policy import GaussianStatefulPolicy

__all__ = ['SAC_RS']


class SAC_RS(OffPolicyStatefulAgent):
    """
    SAC with a stochastic stateful policy pi(a, z' | o, z, a_prev) and a privileged critic
    Q(s_full, z, a, z', a_prev) (Al-Hafez et al., 2024, Algorithm 2 of appendix C).

    Critic target: y = r + gamma (1 - absorbing) [min_i Q'_i(s', z', a', z'', a) - alpha log pi_a(a' | .)]
    (plus ``- alpha_z log pi_z(z'' | .)`` when ``policy_state_entropy_in_target``).
    Actor loss: alpha log pi_a(a) + alpha_z log pi_z(z') - min_i Q_i(s, z, a, z', a_prev), with the
    reparameterisation of Lemma 2.1 over single steps only. Two temperatures, for a (target entropy
    -dim(a)) and for z' (target -dim(z)).

    """
    def __init__(self, mdp_info, policy_obs_mask: np.ndarray, policy_state_dim: int = 32,
                 n_features_actor: int = 256, n_features_critic: int = 128, batch_size: int = 256,
                 initial_replay_size: int = 5000, max_replay_size: int = 500000, warmup_transitions: int = 10000,
                 tau: float = 0.001, lr_actor: float = 1e-4, lr_critic: float = 1e-3, init_alpha: float = 1.,
                 lr_alpha: float = 3e-4, init_alpha_z: float = 0.01, lr_alpha_z: float = 3e-4,
                 target_entropy: Optional[float] = None, target_entropy_z: Optional[float] = None,
                 log_std_min: float = -20., log_std_max: float = 2., tau_z: float = 1.,
                 policy_state_entropy_in_target: bool = False):
        """
        Constructor. Defaults are the reference implementation's (REFERENCE section 3).

        Args:
            mdp_info (MDPInfo): the environment's information (observation = full state);
            policy_obs_mask (np.ndarray): entries of the full state that the policy observes;
            policy_state_dim (int): dimension of the internal state z;
            warmup_transitions (int): replay size after which the actor starts learning;
            tau (float): soft-update coefficient of the target critics;
            tau_z (float): mixing factor of the internal-state refresh of the replay memory;
            policy_state_entropy_in_target (bool): whether the soft target also has the z' entropy bonus.

        """
        obs_dim = int(np.sum(policy_obs_mask))
        state_dim = mdp_info.observation_space.shape[0]
        action_dim = mdp_info.action_space.shape[0]

        network = GaussianGRUActor(obs_dim, action_dim, policy_state_dim, n_features_actor)
        policy = GaussianStatefulPolicy(network, mdp_info.action_space.low, mdp_info.action_space.high,
                                        policy_obs_mask, log_std_min, log_std_max)
        super().__init__(mdp_info, policy, batch_size, initial_replay_size, max_replay_size, tau, tau_z)

        self._warmup_transitions = int(warmup_transitions)
        self._target_entropy = -float(action_dim) if target_entropy is None else float(target_entropy)
        self._target_entropy_z = -float(policy_state_dim) if target_entropy_z is None else float(target_entropy_z)
        self._policy_state_entropy_in_target = bool(policy_state_entropy_in_target)

        self._critic = TwinCritic(*(StatefulQNetwork(state_dim, action_dim, policy_state_dim, n_features_critic)
                                    for _ in range(2)))
        self._target_critic = deepcopy(self._critic).requires_grad_(False)
        self._log_alpha = torch.tensor(np.log(init_alpha), dtype=torch.float32, requires_grad=True)
        self._log_alpha_z = torch.tensor(np.log(init_alpha_z), dtype=torch.float32, requires_grad=True)
        self._actor_optimizer = torch.optim.Adam(network.parameters(), lr=lr_actor)
        self._critic_optimizer = torch.optim.Adam(self._critic.parameters(), lr=lr_critic)
        self._alpha_optimizer = torch.optim.Adam([self._log_alpha], lr=lr_alpha)
        self._alpha_z_optimizer = torch.optim.Adam([self._log_alpha_z], lr=lr_alpha_z)

        self._add_save_attr(
            _warmup_transitions='primitive',
            _target_entropy='primitive',
            _target_entropy_z='primitive',
            _policy_state_entropy_in_target='primitive'
        )
        self._register_torch_state('_critic', '_target_critic', '_log_alpha', '_log_alpha_z', '_actor_optimizer',
                                   '_critic_optimizer', '_alpha_optimizer', '_alpha_z_optimizer')

    @property
    def alpha(self) -> float:
        return float(self._log_alpha.exp())

    @property
    def alpha_z(self) -> float:
        return float(self._log_alpha_z.exp())

    def _update(self, batch: Dict[str, torch.Tensor]) -> Tuple[Dict[str, torch.Tensor], Optional[torch.Tensor]]:
        s, z, a, a_prev = batch['state'], batch['policy_state'], batch['action'], batch['prev_action']
        s_next, z_next = batch['next_state'], batch['next_policy_state']
        alpha, alpha_z = self._log_alpha.exp().detach(), self._log_alpha_z.exp().detach()

        with torch.no_grad():
            nxt = self.policy.sample_t(s_next, z_next, a)
            q_next = self._target_critic(s_next, z_next, nxt['action'], nxt['next_policy_state'], a).min(0).values
            v_next = q_next - alpha * nxt['log_prob_action']
            if self._policy_state_entropy_in_target:
                v_next = v_next - alpha_z * nxt['log_prob_policy_state']
            y = batch['reward'] + self._gamma * (1. - batch['absorbing']) * v_next

        q = self._critic(s, z, a, z_next, a_prev)
        critic_loss = ((q - y) ** 2).mean(1).sum()
        self._critic_optimizer.zero_grad(set_to_none=True)
        critic_loss.backward()
        self._critic_optimizer.step()
        losses = dict(critic=critic_loss.detach())

        if self._replay_memory.size > self._warmup_transitions:
            new = self.policy.sample_t(s, z, a_prev)
            q_new = self._critic(s, z, new['action'], new['next_policy_state'], a_prev).min(0).values
            log_prob_a, log_prob_z = new['log_prob_action'], new['log_prob_policy_state']
            actor_loss = (alpha * log_prob_a + alpha_z * log_prob_z - q_new).mean()
            self._actor_optimizer.zero_grad(set_to_none=True)
            actor_loss.backward(inputs=list(self.policy.parameters()))
            self._actor_optimizer.step()

            alpha_loss = -(self._log_alpha.exp() * (log_prob_a.detach() + self._target_entropy)).mean()
            alpha_z_loss = -(self._log_alpha_z.exp() * (log_prob_z.detach() + self._target_entropy_z)).mean()
            for optimizer, loss in ((self._alpha_optimizer, alpha_loss), (self._alpha_z_optimizer, alpha_z_loss)):
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
            losses.update(actor=actor_loss.detach(), alpha=alpha_loss.detach(), alpha_z=alpha_z_loss.detach())
            fresh_z = new['next_policy_state'].detach()
        else:
            with torch.no_grad():
                fresh_z = self.policy.sample_t(s, z, a_prev)['next_policy_state']

        soft_update(self._target_critic, self._critic, self._tau)
        return losses, fresh_z
