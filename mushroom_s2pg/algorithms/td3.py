"""TD3 maths shared by TD3-RS and its baselines (appendix C, Algorithm 1; Theorem 2.3)."""
from copy import deepcopy
from typing import Dict, Optional, Tuple

import numpy as np
import torch

from mushroom_s2pg.algorithms.hyperparameters import Hyperparameter, declare, shared
from mushroom_s2pg.core import CriticInput, OffPolicyStatefulAgent, TransitionBatch, adam, soft_update
from mushroom_s2pg.policies import DeterministicPolicy
from mushroom_s2pg.networks.critics import TwinCritic

__all__ = ['StatefulTD3']


class StatefulTD3(OffPolicyStatefulAgent):
    """
    TD3 over any :class:`DeterministicPolicy` (``policy.evaluate_batch`` gives mu = (a, z') at t and t+1).

    Target: y = r + gamma (1 - absorbing) min_i Q'_i(s', z', a'+eps, z''+eps_z, a), with the target policy
    smoothed by eps ~ clip(N(0, target_noise), +-target_noise_clip) on the action and, for S2PG policies
    (``policy.stochastic_policy_state``), eps_z ~ clip(N(0, 0.5 std_z), +-1.25 std_z) on z''. Every ``policy_delay`` critic updates, the actor
    ascends Q_1 through a and z' (the deterministic stateful policy gradient, Theorem 2.3) and the targets
    move by ``tau``.

    """
    #: The arguments that act only where the internal state is sampled (``policy.stochastic_policy_state``).
    SAMPLED_STATE_HYPERPARAMETERS = ('tau_z',)

    #: the constructor's arguments (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('batch_size', 100),
        shared('initial_replay_size', 10000),
        shared('max_replay_size', 1000000),
        shared('tau', 0.005),
        shared('lr_actor', 1e-3),
        shared('lr_critic', 1e-3),
        Hyperparameter('policy_delay', int, 2, 'critic updates per actor update'),
        Hyperparameter('target_noise', float, 0.2, 'target-policy smoothing noise on the normalised action'),
        Hyperparameter('target_noise_clip', float, 0.5, 'clip of the target-policy smoothing noise'),
        shared('tau_z', 1.0),
    ))

    def __init__(self, mdp_info, policy: DeterministicPolicy, critic: TwinCritic, batch_size: int = 100,
                 initial_replay_size: int = 10000, max_replay_size: int = 1000000, tau: float = 0.005,
                 lr_actor: float = 1e-3, lr_critic: float = 1e-3, policy_delay: int = 2, target_noise: float = 0.2,
                 target_noise_clip: float = 0.5, tau_z: float = 1.,
                 critic_obs_mask: Optional[np.ndarray] = None):
        """
        Constructor. Defaults are the reference implementation's TD3-RS values (REFERENCE section 3).

        Args:
            policy_delay (int): critic updates per actor update;
            target_noise (float): target-policy smoothing noise on the normalised action;
            target_noise_clip (float): clip of that noise;
            tau_z (float): mixing factor of the internal-state refresh of the replay memory;
            critic_obs_mask (np.ndarray, None): the entries of the full state the critic sees (None: all; the
                critic's state width is its sum).

        """
        if policy_delay < 1:
            raise ValueError(f'policy_delay must be >= 1, got {policy_delay}')
        super().__init__(mdp_info, policy, batch_size, initial_replay_size, max_replay_size, tau, tau_z,
                         critic_obs_mask=critic_obs_mask)
        self._policy_delay = int(policy_delay)
        self._target_noise = float(target_noise)
        self._target_noise_clip = float(target_noise_clip)

        self._critic = critic
        self._target_critic = deepcopy(critic).requires_grad_(False)
        self._target_actor = deepcopy(policy.network).requires_grad_(False)
        self._actor_optimizer = adam(policy.parameters(), lr=lr_actor)
        self._critic_optimizer = adam(critic.parameters(), lr=lr_critic)

        self._add_save_attr(
            _policy_delay='primitive',
            _target_noise='primitive',
            _target_noise_clip='primitive'
        )
        self._register_torch_state('_critic', '_target_critic', '_target_actor', '_actor_optimizer',
                                   '_critic_optimizer')

    @property
    def critic(self) -> TwinCritic:
        return self._critic

    @property
    def critic_optimizer(self) -> torch.optim.Optimizer:
        return self._critic_optimizer

    def _update(self, batch: TransitionBatch) -> Tuple[Dict[str, torch.Tensor], Optional[torch.Tensor]]:
        policy, critic = self.policy, self._critic
        std_z = policy.std_z

        with torch.no_grad():
            target = policy.evaluate_batch(batch, current=False, network=self._target_actor).next
            target = policy.perturb(target, self._target_noise, 0.5 * std_z, self._target_noise_clip, 1.25 * std_z)
            q_next = self._target_critic(CriticInput.next(batch, target, self._critic_obs_mask)).min(0).values
            y = batch.reward + self._gamma * (1. - batch.absorbing) * q_next

        losses = dict(critic=self._fit_critic(batch, y))

        fresh_z = None
        if self._n_updates % self._policy_delay == 0:
            current = policy.evaluate_batch(batch, next=False).current
            actor_loss = -critic.q1(CriticInput.current(batch, current, self._critic_obs_mask)).mean()
            losses['actor'] = self._optimize(self._actor_optimizer, actor_loss, list(policy.parameters()))
            if policy.stochastic_policy_state:
                fresh_z = current.next_policy_state.detach()
        soft_update(self._target_critic, critic, self._tau)
        soft_update(self._target_actor, policy.network, self._tau)
        return losses, fresh_z
