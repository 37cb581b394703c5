"""Soft Actor-Critic maths shared by SAC-RS and its baselines (appendix C, Algorithm 2)."""
from typing import Dict, Optional, Tuple

import numpy as np
import torch

from mushroom_s2pg.algorithms.hyperparameters import Hyperparameter, declare, shared
from mushroom_s2pg.algorithms.temperature import SoftActorCriticParts
from mushroom_s2pg.core import CriticInput, OffPolicyStatefulAgent, TransitionBatch, soft_update
from mushroom_s2pg.policies import SquashedGaussianPolicy
from mushroom_s2pg.networks.critics import TwinCritic

__all__ = ['StatefulSAC']


class StatefulSAC(SoftActorCriticParts, OffPolicyStatefulAgent):
    """
    SAC over any :class:`SquashedGaussianPolicy`. ``policy.evaluate_batch`` gives reparameterised samples
    at t (with gradients) and at t+1 (one step for S2PG policies, an unrolled window for BPTT, an observation
    window for the window baselines); the critic receives a :class:`CriticInput`.

    Critic target: y = r + gamma (1 - absorbing) [min_i Q'_i(next) - alpha log pi_a(a' | .)]
    (``- alpha_z log pi_z(z'' | .)`` too when ``policy_state_entropy_in_target``).
    Actor loss: alpha log pi_a(a) + alpha_z log pi_z(z') - min_i Q_i(s, z, a, z', a_prev); the z' terms
    only exist when ``policy.stochastic_policy_state`` (S2PG), whose temperature alpha_z targets entropy -dim(z).
    The stored z' of a batch are refreshed with the actor's fresh samples once the actor learns (after
    ``warmup_transitions``), as in the reference; with ``refresh_before_warmup`` also before, with samples of the
    still untrained actor.

    """
    #: The arguments that act only where the internal state is sampled (``policy.stochastic_policy_state``).
    SAMPLED_STATE_HYPERPARAMETERS = ('init_alpha_z', 'lr_alpha_z', 'target_entropy_z', 'tau_z',
                                     'policy_state_entropy_in_target', 'temperature_loss_z', 'refresh_before_warmup')
    #: class default for agents saved before the option existed
    _refresh_before_warmup = False

    #: the constructor's arguments (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('batch_size', 256),
        shared('initial_replay_size', 5000),
        shared('max_replay_size', 500000),
        shared('warmup_transitions', 10000),
        shared('tau', 1e-3),
        shared('lr_actor', 1e-4),
        shared('lr_critic', 1e-3),
        shared('init_alpha', 1.0),
        shared('lr_alpha', 3e-4),
        shared('init_alpha_z', 0.01),
        shared('lr_alpha_z', 3e-4),
        shared('target_entropy', None),
        shared('target_entropy_z', None),
        shared('tau_z', 1.0),
        Hyperparameter('policy_state_entropy_in_target', bool, False,
                       "whether the soft target has the z' entropy bonus too (ablation)"),
        Hyperparameter('temperature_loss', str, 'log_alpha',
                       "loss of alpha: 'log_alpha' (the reference's) or 'alpha' (ablation)"),
        Hyperparameter('temperature_loss_z', str, 'log_alpha',
                       "loss of alpha_z: 'log_alpha' (the reference's) or 'alpha' (ablation)"),
        Hyperparameter('refresh_before_warmup', bool, False,
                       'whether sampled internal states are refreshed before the actor learns (ablation)'),
        shared('tanh_log_prob', 'exact'),
    ))

    def __init__(self, mdp_info, policy: SquashedGaussianPolicy, critic: TwinCritic, batch_size: int = 256,
                 initial_replay_size: int = 5000, max_replay_size: int = 500000, warmup_transitions: int = 10000,
                 tau: float = 0.001, lr_actor: float = 1e-4, lr_critic: float = 1e-3, init_alpha: float = 1.,
                 lr_alpha: float = 3e-4, init_alpha_z: float = 0.01, lr_alpha_z: float = 3e-4,
                 target_entropy: Optional[float] = None, target_entropy_z: Optional[float] = None,
                 tau_z: float = 1., policy_state_entropy_in_target: bool = False,
                 temperature_loss: str = 'log_alpha', temperature_loss_z: str = 'log_alpha',
                 refresh_before_warmup: bool = False, tanh_log_prob: str = 'exact',
                 critic_obs_mask: Optional[np.ndarray] = None):
        """
        Constructor. Defaults are the reference implementation's SAC-RS values (REFERENCE section 3).

        Args:
            warmup_transitions (int): replay size after which the actor starts learning;
            tau (float): soft-update coefficient of the target critics;
            init_alpha, init_alpha_z (float): initial temperatures of a and z';
            target_entropy, target_entropy_z (float): entropy targets (default -dim(a), -dim(z));
            tau_z (float): mixing factor of the internal-state refresh of the replay memory;
            policy_state_entropy_in_target (bool): whether the soft target has the z' entropy bonus too;
            temperature_loss, temperature_loss_z (str): the loss of alpha and of alpha_z, ``'log_alpha'`` (the
                reference's) or ``'alpha'`` (:class:`~mushroom_s2pg.algorithms.temperature.Temperature`);
            refresh_before_warmup (bool): whether sampled internal states are refreshed before the actor learns;
            tanh_log_prob (str): the policy's tanh correction of log pi(a) and log pi(z'), ``'exact'`` (the
                log-Jacobian) or ``'reference'`` (log(1 - y^2 + 1e-6), as the reference computes it);
                :meth:`SquashedGaussianPolicy.set_tanh_log_prob`;
            critic_obs_mask (np.ndarray, None): the entries of the full state the critic sees (None: all; the
                critic's state width is its sum).

        """
        policy.set_tanh_log_prob(tanh_log_prob)
        super().__init__(mdp_info, policy, batch_size, initial_replay_size, max_replay_size, tau, tau_z,
                         critic_obs_mask=critic_obs_mask)
        self._warmup_transitions = int(warmup_transitions)
        self._policy_state_entropy_in_target = bool(policy_state_entropy_in_target)
        self._refresh_before_warmup = bool(refresh_before_warmup)
        self._init_soft_actor_critic(policy, critic, lr_actor, lr_critic, init_alpha, lr_alpha, init_alpha_z, lr_alpha_z,
                                     target_entropy, target_entropy_z, temperature_loss, temperature_loss_z)

        self._add_save_attr(
            _warmup_transitions='primitive',
            _policy_state_entropy_in_target='primitive',
            _refresh_before_warmup='primitive'
        )
        self._register_torch_state('_critic', '_target_critic', '_temperature', '_temperature_z', '_actor_optimizer',
                                   '_critic_optimizer')

    def _update(self, batch: TransitionBatch) -> Tuple[Dict[str, torch.Tensor], Optional[torch.Tensor]]:
        update_actor = self._replay_memory.size > self._warmup_transitions
        stochastic_z = self.policy.stochastic_policy_state
        alpha, alpha_z = self._temperature.value, self._temperature_z.value
        evaluation = self.policy.evaluate_batch(batch, current=update_actor)
        current, nxt = evaluation.current, evaluation.next

        with torch.no_grad():
            v_next = self._target_critic(CriticInput.next(batch, nxt, self._critic_obs_mask)).min(0).values - alpha * nxt.log_prob_action
            if self._policy_state_entropy_in_target and stochastic_z:
                v_next = v_next - alpha_z * nxt.log_prob_policy_state
            y = batch.reward + self._gamma * (1. - batch.absorbing) * v_next

        losses = dict(critic=self._fit_critic(batch, y))

        fresh_z = None
        if update_actor:
            q_new = self._critic(CriticInput.current(batch, current, self._critic_obs_mask)).min(0).values
            actor_losses, fresh_z = self._actor_temperature_step(self.policy, q_new, current, alpha, alpha_z)
            losses.update(actor_losses)
        elif stochastic_z and self._refresh_before_warmup:
            with torch.no_grad():
                fresh_z = self.policy.evaluate_batch(batch, next=False).current.next_policy_state

        soft_update(self._target_critic, self._critic, self._tau)
        return losses, fresh_z
