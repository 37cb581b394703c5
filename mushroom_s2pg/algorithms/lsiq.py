"""
Least-Squares Inverse Q-Learning (LS-IQ; Al-Hafez, Tateo, Arenz, Zhao, Peters, 2023) on the package's SAC core,
as run in the imitation experiments of Al-Hafez et al. (2024): LS-IQ-RS and its BPTT, vanilla and oracle baselines.

The critic is trained by least squares on batches of agent and expert transitions, with the implicit reward
r = Q(s, z, a, z', a_prev) - gamma V(s', z') bounded through the chi^2 regulariser of weight ``reg_mult``: expert
Q values are regressed to Q_max = 1 / (reg_mult (1 - gamma)), agent Q values to -1 / reg_mult + gamma V(s') (to
Q_min = -Q_max at absorbing states), with V(s') clipped to [Q_min, Q_max]. Every regression target therefore lies
in [Q_min, Q_max] (:func:`lsiq_critic_targets`). The actor is SAC's, on agent and expert states.
"""
from typing import Dict, Optional, Tuple

import numpy as np
import torch

from mushroom_s2pg.algorithms.hyperparameters import Hyperparameter, declare, shared
from mushroom_s2pg.algorithms.lsiq_losses import lsiq_critic_loss, lsiq_critic_targets, lsiq_q_bound
from mushroom_s2pg.algorithms.temperature import SoftActorCriticParts
from mushroom_s2pg.core import (CriticInput, OffPolicyStatefulAgent, StatefulPolicy, StatefulReplayMemory,
                                TransitionBatch, roll_policy_states, soft_update)
from mushroom_s2pg.core.batch import concatenate_batches
from mushroom_s2pg.expert_data import ExpertData, ExpertDataError

__all__ = ['StatefulLSIQ', 'expert_policy_states',
           'lsiq_critic_loss', 'lsiq_critic_targets', 'lsiq_q_bound']

_HOW_TO_GET_ACTIONS = (
    'LS-IQ learns from expert (state, action) pairs, and the reference code (robfiras/s2pg) has no state-only '
    'LS-IQ; loco-mujoco\'s motion-capture datasets (the mini data included) hold no actions. Write expert data '
    'with actions and full states with launchers/tools/make_expert_data.py and pass that file (--expert_data PATH, '
    'or the .perfect task), or use GAIL, which can imitate states alone.')




def expert_policy_states(policy: StatefulPolicy, states: np.ndarray, actions: np.ndarray,
                         episode_starts: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """
    The internal states of expert trajectories: the policy's z-kernel rolled over each expert episode from z0 = 0
    with the expert's previous actions (0 at the episode start), all episodes at once, one time step per call.
    Episodes never mix: each row of the rollout is one episode.

    Args:
        policy (StatefulPolicy): the policy whose kernel z' ~ pi_z(. | o, z, a_prev) is rolled (its sample, or its
            deterministic carry for BPTT policies);
        states (np.ndarray): ``(N, d)`` full states;
        actions (np.ndarray): ``(N, action_dim)`` expert actions;
        episode_starts (np.ndarray): ``(N,)`` bool.

    Returns:
        z ``(N, dim z)``, z' ``(N, dim z)`` as the replay memory stores them (``policy.stored_policy_state``; zero
        width for stateless policies) and the previous actions ``(N, action_dim)``.

    """
    actions = np.asarray(actions, dtype=np.float32)
    starts = np.asarray(episode_starts, dtype=bool).reshape(-1)
    if len(starts) == 0 or not starts[0]:
        raise ValueError('expert episode_starts must mark the first row')
    prev_action = np.zeros_like(actions)
    prev_action[1:] = np.where(starts[1:, None], 0., actions[:-1])
    z, z_next = roll_policy_states(policy, states, prev_action, starts)
    return z, z_next, prev_action


class StatefulLSIQ(SoftActorCriticParts, OffPolicyStatefulAgent):
    """
    LS-IQ over any :class:`~mushroom_s2pg.policies.SquashedGaussianPolicy` with one critic (the reference uses a
    single Q network for LS-IQ, not SAC's twin). Each update draws ``batch_size`` agent transitions and as many
    expert transitions from a second :class:`StatefulReplayMemory` holding the expert data, whose internal states
    come from rolling the policy's z-kernel over each expert trajectory from z0 = 0 (:func:`expert_policy_states`)
    and are refreshed after each update exactly as the agent's (mixing factor ``tau_z``).

    Critic: :func:`lsiq_critic_targets` with V(s') from the target critic at (s', z', a' ~ pi, z'' ~ pi, a), minus
    alpha log pi_a(a'), and :func:`lsiq_critic_loss` at the stored (s, z, a, z', a_prev). The environment's reward is
    not used (it is only logged as ``env_reward``).
    Actor (after ``warmup_transitions`` agent transitions), on agent and expert states:
    alpha log pi_a(a) + alpha_z log pi_z(z') - Q(s, z, a, z', a_prev); the temperatures follow the agent states'
    entropies (targets -dim(a), -dim(z)).

    The expert data are saved with the agent by full saves only; an agent loaded from a light save gets them back
    with :meth:`set_expert_data` (which rolls the current policy's kernel again) before it fits.

    """
    #: The arguments that act only where the internal state is sampled (``policy.stochastic_policy_state``).
    SAMPLED_STATE_HYPERPARAMETERS = ('init_alpha_z', 'lr_alpha_z', 'target_entropy_z', 'tau_z')

    IMITATES_EXPERT_DATA = True

    #: the constructor's arguments (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('batch_size', 256),
        shared('initial_replay_size', 25000),
        shared('max_replay_size', 1000000),
        shared('warmup_transitions', 26000),
        shared('tau', 0.005),
        shared('lr_actor', 1e-4),
        shared('lr_critic', 3e-4),
        shared('init_alpha', 1.0),
        shared('lr_alpha', 3e-4),
        shared('init_alpha_z', 0.01),
        shared('lr_alpha_z', 3e-4),
        shared('target_entropy', None),
        shared('target_entropy_z', None),
        shared('tau_z', 1.0),
        Hyperparameter('reg_mult', float, 0.5, 'weight of the chi^2 regulariser of LS-IQ'),
        Hyperparameter('expert_target', str, 'fixed',
                       "target of the expert transitions: 'fixed' (the reference's) or 'bootstrap'"),
        Hyperparameter('critic_loss', str, 'mse', "loss of the critic: 'mse' (the reference's) or 'huber'"),
        Hyperparameter('treat_absorbing_states', bool, True, 'whether absorbing states get their fixed-point value'),
        Hyperparameter('target_clipping', bool, True, 'whether the critic targets are clipped to the bounds of Q'),
        shared('tanh_log_prob', 'exact'),
    ))

    def __init__(self, mdp_info, policy: StatefulPolicy, critic: torch.nn.Module,
                 expert_data: Optional[ExpertData] = None, batch_size: int = 256,
                 initial_replay_size: int = 25000, max_replay_size: int = 1000000, warmup_transitions: int = 26000,
                 tau: float = 0.005, lr_actor: float = 1e-4, lr_critic: float = 3e-4, init_alpha: float = 1.,
                 lr_alpha: float = 3e-4, init_alpha_z: float = 0.01, lr_alpha_z: float = 3e-4,
                 target_entropy: Optional[float] = None, target_entropy_z: Optional[float] = None, tau_z: float = 1.,
                 reg_mult: float = 0.5, expert_target: str = 'fixed', critic_loss: str = 'mse',
                 treat_absorbing_states: bool = True, target_clipping: bool = True, tanh_log_prob: str = 'exact',
                 critic_obs_mask: Optional[np.ndarray] = None):
        """
        Constructor. Defaults are the reference's LS-IQ-RS values (REFERENCE section 3 and the reference launcher
        ``experiments/02_Imitation_Learning/02_RS/.../02_LSIQ``).

        Args:
            critic (torch.nn.Module): one Q network taking a :class:`CriticInput`, returning ``(batch,)``;
            expert_data (ExpertData): the demonstrations, with actions, absorbing flags and full states
                (required);
            batch_size (int): agent transitions per update (as many expert transitions are added);
            warmup_transitions (int): agent replay size after which the actor starts learning;
            tau (float): soft-update coefficient of the target critic;
            init_alpha, init_alpha_z (float): initial temperatures of a and z';
            tau_z (float): mixing factor of the internal-state refresh of both memories;
            reg_mult (float): weight of the chi^2 regulariser; Q is bounded by 1 / (reg_mult (1 - gamma));
            expert_target (str): ``'fixed'`` (expert Q regressed to Q_max, the reference) or ``'bootstrap'``;
            critic_loss (str): ``'mse'`` (the reference) or ``'huber'``;
            treat_absorbing_states (bool): the agent's reward bound at absorbing states is 1 / (1 - gamma) times
                larger, so that their Q targets are Q_min;
            target_clipping (bool): clip V(s') to [Q_min, Q_max];
            tanh_log_prob (str): the policy's tanh correction, ``'exact'`` or ``'reference'``
                (:meth:`~mushroom_s2pg.policies.SquashedGaussianPolicy.set_tanh_log_prob`);
            critic_obs_mask (np.ndarray, None): the entries of the full state the critic sees, at agent and expert
                rows alike (None: all; the critic's state width is its sum).

        Raises:
            ExpertDataError: without expert data, or with expert data that have no actions, or that do not fit
                the task.

        """
        if expert_data is None:
            raise ExpertDataError(
                f'{type(self).__name__} imitates expert data: build it with expert_data=ExpertData(states, '
                'next_states, last=..., actions=..., absorbing=...) (environments.expert_dataset reads a file)')
        expert = self.usable_expert_data(expert_data)
        policy.set_tanh_log_prob(tanh_log_prob)
        super().__init__(mdp_info, policy, batch_size, initial_replay_size, max_replay_size, tau, tau_z,
                         critic_obs_mask=critic_obs_mask)
        if reg_mult <= 0:
            raise ValueError(f'reg_mult must be > 0, got {reg_mult}')
        lsiq_critic_loss(torch.zeros(2), torch.zeros(2), torch.tensor([True, False]), critic_loss)  # checks the name
        lsiq_critic_targets(torch.zeros(1), torch.zeros(1), torch.zeros(1), 0.5, 1., expert_target=expert_target)
        self._warmup_transitions = int(warmup_transitions)
        self._reg_mult = float(reg_mult)
        self._expert_target = expert_target
        self._critic_loss = critic_loss
        self._treat_absorbing_states = bool(treat_absorbing_states)
        self._target_clipping = bool(target_clipping)

        self._init_soft_actor_critic(policy, critic, lr_actor, lr_critic, init_alpha, lr_alpha, init_alpha_z, lr_alpha_z,
                                     target_entropy, target_entropy_z)

        self._expert: Optional[ExpertData] = None
        self._expert_memory: Optional[StatefulReplayMemory] = None
        self.set_expert_data(expert)

        self._add_save_attr(
            _warmup_transitions='primitive',
            _reg_mult='primitive',
            _expert_target='primitive',
            _critic_loss='primitive',
            _treat_absorbing_states='primitive',
            _target_clipping='primitive',
            _expert='pickle!',
            _expert_memory='mushroom'
        )
        self._register_torch_state('_critic', '_target_critic', '_temperature', '_temperature_z', '_actor_optimizer',
                                   '_critic_optimizer')

    # ----- expert data -------------------------------------------------------------------------------
    @property
    def expert_memory(self) -> Optional[StatefulReplayMemory]:
        return self._expert_memory

    @staticmethod
    def usable_expert_data(expert_data: ExpertData) -> ExpertData:
        """
        The demonstrations as this agent takes them: transitions with actions and absorbing flags.

        Raises:
            ExpertDataError: when they have no actions (motion capture, or state-only expert data).

        """
        return expert_data.require(('actions', 'absorbing'), _HOW_TO_GET_ACTIONS)

    def set_expert_data(self, expert_data: ExpertData) -> None:
        """
        (Re)build the expert replay memory from the demonstrations, with internal states from the current policy's
        kernel (:func:`expert_policy_states`); used by the constructor and after loading a light save.

        """
        expert = expert_data.checked(self.mdp_info.observation_space.shape[0], self.mdp_info.action_space.shape[0],
                                     _HOW_TO_GET_ACTIONS)
        z, z_next, prev_action = expert_policy_states(self.policy, expert.states, expert.actions,
                                                      expert.episode_starts)
        memory = StatefulReplayMemory(0, expert.n_samples)
        memory.add(TransitionBatch(state=expert.states, policy_state=z, action=expert.actions,
                                   reward=np.zeros(expert.n_samples, dtype=np.float32), next_state=expert.next_states,
                                   next_policy_state=z_next, absorbing=expert.absorbing, last=expert.last,
                                   prev_action=prev_action, first=expert.episode_starts))
        self._expert = expert
        self._expert_memory = memory

    # ----- the fit ----------------------------------------------------------------------------------
    def _sample_batch(self):
        """``batch_size`` agent transitions, then as many expert ones, with ``is_expert`` marking the latter."""
        if self._expert_memory is None or self._expert_memory.size == 0:
            raise ExpertDataError(
                f'{type(self).__name__} was loaded from a light save without its expert data: call '
                'set_expert_data(ExpertData(...)) before fitting')
        idx, batch = self._sample_from(self._replay_memory)
        expert_idx, expert = self._sample_from(self._expert_memory)
        joint = concatenate_batches(batch, expert)._replace(
            is_expert=np.concatenate([np.zeros(len(idx), dtype=bool), np.ones(len(expert_idx), dtype=bool)]))
        return [(self._replay_memory, idx), (self._expert_memory, expert_idx)], joint

    def _update(self, batch: TransitionBatch) -> Tuple[Dict[str, torch.Tensor], Optional[torch.Tensor]]:
        is_expert = batch.is_expert.bool()
        update_actor = self._replay_memory.size > self._warmup_transitions
        alpha, alpha_z = self._temperature.value, self._temperature_z.value
        evaluation = self.policy.evaluate_batch(batch, current=update_actor)
        current, nxt = evaluation.current, evaluation.next

        with torch.no_grad():
            v_next = self._target_critic(CriticInput.next(batch, nxt, self._critic_obs_mask)) - alpha * nxt.log_prob_action
            target = lsiq_critic_targets(v_next, batch.absorbing, is_expert, self._gamma, self._reg_mult,
                                         self._treat_absorbing_states, self._target_clipping, self._expert_target)
        q = self._critic(CriticInput.stored(batch, self._critic_obs_mask))
        loss, expert_term, agent_term = lsiq_critic_loss(q, target, is_expert, self._critic_loss)
        losses = dict(critic=self._optimize(self._critic_optimizer, loss, list(self._critic.parameters())),
                      critic_expert=expert_term.detach(), critic_agent=agent_term.detach())
        q = q.detach()
        losses.update(q_expert=q[is_expert].mean(), q_agent=q[~is_expert].mean(),
                      env_reward=batch.reward[~is_expert].mean())

        fresh_z = None
        if update_actor:
            q_new = self._critic(CriticInput.current(batch, current, self._critic_obs_mask))
            actor_losses, fresh_z = self._actor_temperature_step(self.policy, q_new, current, alpha, alpha_z,
                                                                 temperature_rows=~is_expert)
            losses.update(actor_losses)

        soft_update(self._target_critic, self._critic, self._tau)
        return losses, fresh_z

    def _post_load(self) -> None:
        super()._post_load()
        if '_expert' not in vars(self):  # a light save holds neither the expert data nor the memory's contents
            self._expert = None
        if self._expert_memory is not None and self._expert_memory.size == 0:
            self._expert_memory = None
