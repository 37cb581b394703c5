"""GAIL maths on the PPO core (Ho & Ermon, 2016; the imitation experiments of Al-Hafez et al., 2024)."""
from typing import Dict, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from mushroom_s2pg.algorithms.hyperparameters import NETWORK_STRUCTURE, Hyperparameter, declare, shared
from mushroom_s2pg.algorithms.ppo import StatefulPPO
from mushroom_s2pg.core import TransitionBatch, adam
from mushroom_s2pg.expert_data import ExpertData, ExpertDataError
from mushroom_s2pg.networks.discriminator import Discriminator
from mushroom_s2pg.networks.recurrent_actors import check_structure
from mushroom_s2pg.policies import GaussianPolicy

__all__ = ['DISCRIMINATOR_INPUTS', 'StatefulGAIL', 'bernoulli_entropy', 'discriminator_loss',
           'discriminator_reward', 'resolve_discriminator_inputs']

#: What the discriminator sees besides the state (and s' with ``discriminate_next_state``): nothing, or the action.
DISCRIMINATOR_INPUTS = ('state', 'state_action')


def resolve_discriminator_inputs(discriminator_inputs: Optional[str], expert_data: ExpertData,
                                 discriminate_next_state: bool = False) -> str:
    """
    The discriminator's inputs, ``'state'`` or ``'state_action'``. ``None`` (the default) means ``'state_action'``
    when the expert data have actions and ``discriminate_next_state`` is off, as in the reference (its launchers'
    misspelt ``discr_only_state`` left the experiment's ``disc_only_state=False``, so its discriminator saw (s, a);
    its network takes no (s, a, s')), else ``'state'`` (motion capture has no actions). An explicit
    ``'state_action'`` with ``discriminate_next_state`` gives D(s, a, s').

    Raises:
        ValueError: for an unknown value; ExpertDataError (a ValueError) for ``'state_action'`` with expert data
            without actions.

    """
    if discriminator_inputs is None:
        use_actions = expert_data.actions is not None and not discriminate_next_state
        return 'state_action' if use_actions else 'state'
    if discriminator_inputs not in DISCRIMINATOR_INPUTS:
        raise ValueError(f"Unknown discriminator_inputs {discriminator_inputs!r}. "
                         f"Valid: {', '.join(DISCRIMINATOR_INPUTS)} (or None: state_action when the expert data have "
                         'actions)')
    if discriminator_inputs == 'state_action' and expert_data.actions is None:
        raise expert_data.error("discriminator_inputs='state_action' needs expert actions, and these expert data "
                                "have none: use discriminator_inputs='state' (or None)")
    return discriminator_inputs


def discriminator_reward(logits: torch.Tensor) -> torch.Tensor:
    """GAIL's reward -log(1 - D) with D = sigmoid(logit), computed as softplus(logit) (always > 0)."""
    return F.softplus(logits)


def bernoulli_entropy(logits: torch.Tensor) -> torch.Tensor:
    """Entropy of Bernoulli(sigmoid(logit)): (1 - sigmoid(l)) l - log sigmoid(l)."""
    return (1. - torch.sigmoid(logits)) * logits - F.logsigmoid(logits)


def discriminator_loss(logits: torch.Tensor, labels: torch.Tensor, entropy_coeff: float) -> torch.Tensor:
    """Binary cross-entropy (expert 1, policy 0) minus ``entropy_coeff`` times the mean Bernoulli entropy."""
    bce = F.binary_cross_entropy_with_logits(logits, labels)
    return bce - entropy_coeff * bernoulli_entropy(logits).mean()


class StatefulGAIL(StatefulPPO):
    """
    GAIL over any PPO policy: the environment's reward of each rollout is replaced, before GAE, by the
    discriminator's reward -log(1 - D(s)); the discriminator D (:class:`Discriminator`) learns to tell expert
    states (label 1) from the rollout's states (label 0) with a binary cross-entropy and an entropy bonus,
    after the policy update of every ``train_discriminator_every``-th fit (the first fit included), on the
    rollout and as many expert states drawn uniformly, in minibatches of ``discriminator_batch_size``.

    The discriminator sees the observation entries that the expert data holds (``ExpertData.obs_mask``), of s
    (or of (s, s') with ``discriminate_next_state``), and the action a with ``discriminator_inputs='state_action'``
    (:func:`resolve_discriminator_inputs`: by default when the expert data have actions, as in the reference); it
    never sees the internal state z, so expert trajectories need no internal states. The environment reward is only
    logged (``env_reward``). The PPO maths (ratio of the joint (a, z') density, GAE, value targets) are
    :class:`StatefulPPO`'s.

    The expert data are saved with the agent by full saves only (checkpoints); an agent loaded from a light
    save gets them back with :meth:`set_expert_data` before it fits again.

    """
    default_n_steps_per_fit = 1000

    @staticmethod
    def usable_expert_data(expert_data: ExpertData) -> ExpertData:
        """The demonstrations as this agent takes them: any :class:`ExpertData` (with or without actions)."""
        return expert_data

    IMITATES_EXPERT_DATA = True

    #: the constructor's arguments, then those of :class:`StatefulPPO` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        Hyperparameter('discriminator_features', Sequence[int], (512, 256), 'hidden widths of the discriminator'),
        Hyperparameter('lr_discriminator', float, 3e-4, 'learning rate of the discriminator'),
        Hyperparameter('discriminator_batch_size', int, 2000, 'samples per discriminator step'),
        Hyperparameter('discriminator_entropy_coeff', float, 1e-3, 'weight of the entropy bonus of the discriminator'),
        shared('train_discriminator_every', 3),
        Hyperparameter('n_epochs_discriminator', int, 1, 'epochs of each discriminator training'),
        Hyperparameter('discriminate_next_state', bool, False, "whether the discriminator sees (s, s') instead of s"),
        Hyperparameter('discriminator_inputs', Optional[str], None,
                       "'state' or 'state_action' (None: state_action when the expert data have actions)"),
        shared('lr_actor', 1e-4),
        shared('lr_critic', 1e-4),
        shared('n_steps_per_fit', 1000),
        shared('privileged_critic', True),
        NETWORK_STRUCTURE,
    ), StatefulPPO.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy: GaussianPolicy, expert_data: Optional[ExpertData] = None,
                 discriminator_features: Sequence[int] = (512, 256), lr_discriminator: float = 3e-4,
                 discriminator_batch_size: int = 2000, discriminator_entropy_coeff: float = 1e-3,
                 train_discriminator_every: int = 3, n_epochs_discriminator: int = 1,
                 discriminate_next_state: bool = False, discriminator_inputs: Optional[str] = None,
                 lr_actor: float = 1e-4, lr_critic: float = 1e-4,
                 n_steps_per_fit: int = 1000, privileged_critic: bool = True, network_structure: str = 'library',
                 **kwargs):
        """
        Constructor. Defaults are the reference's GAIL-RS values (REFERENCE section 3); its launcher
        (``experiments/02_Imitation_Learning/02_RS/.../01_GAIL/launcher.py``) sets one learning rate for the actor
        and the critic, swept over 1e-4 and 1e-5: the defaults take 1e-4 for both.

        Args:
            expert_data (ExpertData): the demonstrations (required; ``obs_mask`` None means full states; actions
                are used when present, see ``discriminator_inputs``);
            discriminator_features (Sequence[int]): hidden widths of D (tanh);
            lr_discriminator (float): Adam step size of D;
            discriminator_batch_size (int): minibatch of D (policy and expert samples together);
            discriminator_entropy_coeff (float): weight of D's Bernoulli-entropy bonus;
            train_discriminator_every (int): D learns after every n-th fit;
            n_epochs_discriminator (int): passes over the rollout (with fresh expert samples) per D training;
            discriminate_next_state (bool): D(s, s') instead of D(s);
            discriminator_inputs (str, None): ``'state'`` or ``'state_action'`` (D(s, a), or D(s, a, s') with
                ``discriminate_next_state``); None: :func:`resolve_discriminator_inputs`;
            lr_actor, lr_critic, n_steps_per_fit, privileged_critic: those of :class:`StatefulPPO`, with the
                GAIL defaults (the value function sees the full state and z, as in the reference);
            network_structure (str): ``'reference'``: D starts as the reference's ``DiscriminatorNetwork``
                (the variants give the same choice to their policy and value networks).

        Raises:
            ExpertDataError: without expert data, with data whose columns do not fit the task's state, or without
                actions (or with actions of another width) for ``discriminator_inputs='state_action'``.

        """
        if expert_data is None:
            raise ExpertDataError(
                f'{type(self).__name__} imitates expert data: build it with make_agent(..., expert_data=ExpertData('
                'states, next_states, episode_starts)) (the launcher loads environments.expert_dataset(env_id))')
        super().__init__(mdp_info, policy, lr_actor=lr_actor, lr_critic=lr_critic, n_steps_per_fit=n_steps_per_fit,
                         privileged_critic=privileged_critic, **kwargs)
        for name, value in (('discriminator_batch_size', discriminator_batch_size),
                            ('train_discriminator_every', train_discriminator_every),
                            ('n_epochs_discriminator', n_epochs_discriminator)):
            if value < 1:
                raise ValueError(f'{name} must be >= 1, got {value}')
        state_dim = mdp_info.observation_space.shape[0]
        expert = expert_data.located(state_dim, np.ones(state_dim, dtype=bool))
        self._discriminator_inputs = resolve_discriminator_inputs(discriminator_inputs, expert,
                                                                  discriminate_next_state)
        action_dim = mdp_info.action_space.shape[0] if self._discriminator_inputs == 'state_action' else 0
        self._check_expert_actions(expert)
        self._expert: Optional[ExpertData] = expert
        self._discriminator_idx = torch.as_tensor(np.flatnonzero(expert.obs_mask))
        self._D = Discriminator(len(self._discriminator_idx), discriminator_features, discriminate_next_state,
                                mean=expert.states.mean(0), std=expert.states.std(0), action_dim=action_dim,
                                reference_init=check_structure(network_structure) == 'reference')
        self._discriminator_optimizer = adam(self._D.parameters(), lr=lr_discriminator)
        self._discriminator_batch_size = int(discriminator_batch_size)
        self._discriminator_entropy_coeff = float(discriminator_entropy_coeff)
        self._train_discriminator_every = int(train_discriminator_every)
        self._n_epochs_discriminator = int(n_epochs_discriminator)
        self._n_fits = 0
        self._discriminator_losses: Dict[str, float] = dict()
        self._rollout = None

        self._add_save_attr(
            _expert='pickle!',
            _discriminator_idx='pickle',
            _discriminator_inputs='primitive',
            _discriminator_batch_size='primitive',
            _discriminator_entropy_coeff='primitive',
            _train_discriminator_every='primitive',
            _n_epochs_discriminator='primitive',
            _n_fits='primitive',
            _discriminator_losses='pickle',
            _rollout='none'
        )
        self._register_torch_state('_V', '_actor_optimizer', '_critic_optimizer', '_D', '_discriminator_optimizer')

    # ----- the discriminator -------------------------------------------------------------------------
    #: class default for agents saved before the option existed (their discriminators saw states only)
    _discriminator_inputs = 'state'

    @property
    def discriminator(self) -> Discriminator:
        return self._D

    @property
    def discriminator_inputs(self) -> str:
        """``'state'`` or ``'state_action'``: whether the discriminator sees the actions."""
        return self._discriminator_inputs

    def _check_expert_actions(self, expert: ExpertData) -> None:
        if self._discriminator_inputs != 'state_action':
            return
        if expert.actions is None:
            raise expert.error("the discriminator sees actions (discriminator_inputs='state_action'), and these "
                               'expert data have none')
        action_dim = self.mdp_info.action_space.shape[0]
        if expert.actions.shape[1] != action_dim:
            raise expert.error(f'actions have {expert.actions.shape[1]} columns, the task {action_dim}')

    def set_expert_data(self, expert_data: ExpertData) -> None:
        """Give the expert data back (after loading a light save); they must have the discriminator's entries."""
        expert = expert_data.located(len(self._expert_mask_reference()), self._expert_mask_reference())
        if not np.array_equal(np.flatnonzero(expert.obs_mask), self._discriminator_idx.numpy()):
            raise ExpertDataError('the expert data hold other observation entries than those the discriminator '
                                  'learned on')
        self._check_expert_actions(expert)
        self._expert = expert

    def _expert_mask_reference(self) -> np.ndarray:
        mask = np.zeros(self.mdp_info.observation_space.shape[0], dtype=bool)
        mask[self._discriminator_idx.numpy()] = True
        return mask

    def _tensor(self, array: Optional[np.ndarray]) -> Optional[torch.Tensor]:
        return None if array is None else torch.as_tensor(array, dtype=torch.float32, device=self.device)

    def discriminator_reward(self, state: np.ndarray, next_state: np.ndarray,
                             action: Optional[np.ndarray] = None) -> np.ndarray:
        """
        The policy's reward -log(1 - D) of a batch of full-state transitions (s, a, s'); ``action`` is needed
        only when the discriminator sees actions (:attr:`discriminator_inputs`).

        """
        entries = self._discriminator_idx.numpy()
        action = action if self._D.action_dim > 0 else None
        with torch.no_grad():
            logits = self._D(self._tensor(state[..., entries]), self._tensor(next_state[..., entries]),
                             self._tensor(action))
        return discriminator_reward(logits).cpu().numpy().astype(np.float32)

    def _fit_discriminator(self, state: np.ndarray, next_state: np.ndarray,
                           action: Optional[np.ndarray] = None) -> Dict[str, float]:
        """One D training on a rollout of full states (and actions) and as many expert transitions."""
        n, device, entries = len(state), self.device, self._discriminator_idx.numpy()
        use_actions = self._D.action_dim > 0
        policy_state, policy_next = self._tensor(state[:, entries]), self._tensor(next_state[:, entries])
        policy_action = self._tensor(action) if use_actions else None
        labels = torch.cat([torch.zeros(n, device=device), torch.ones(n, device=device)])
        losses, action_inputs = [], None
        for _ in range(self._n_epochs_discriminator):
            idx = np.random.randint(0, self._expert.n_samples, n)
            inputs = torch.cat([policy_state, torch.from_numpy(self._expert.states[idx]).to(device)])
            next_inputs = torch.cat([policy_next, torch.from_numpy(self._expert.next_states[idx]).to(device)])
            if use_actions:
                action_inputs = torch.cat([policy_action, torch.from_numpy(self._expert.actions[idx]).to(device)])
            for mb in np.array_split(np.random.permutation(2 * n), max(1, 2 * n // self._discriminator_batch_size)):
                mb = torch.from_numpy(mb).to(device)
                logits = self._D(inputs[mb], next_inputs[mb], None if action_inputs is None else action_inputs[mb])
                loss = discriminator_loss(logits, labels[mb], self._discriminator_entropy_coeff)
                losses.append(float(self._optimize(self._discriminator_optimizer, loss)))
        with torch.no_grad():
            logits = self._D(inputs, next_inputs, action_inputs)
        return dict(discriminator=float(np.mean(losses)),
                    discriminator_policy_accuracy=float((logits[:n] < 0).float().mean()),
                    discriminator_expert_accuracy=float((logits[n:] > 0).float().mean()))

    # ----- the fit ----------------------------------------------------------------------------------
    def _transitions(self, dataset: list) -> Optional[TransitionBatch]:
        """The rollout's transitions with the environment reward replaced by the discriminator's (before GAE)."""
        transitions = super()._transitions(dataset)
        if transitions is not None:
            if self._expert is None:
                raise ExpertDataError(
                    f'{type(self).__name__} was loaded from a light save without its expert data: call '
                    'set_expert_data(ExpertData(...)) before fitting')
            env_reward = transitions.reward
            transitions = transitions._replace(reward=self.discriminator_reward(
                transitions.state, transitions.next_state, transitions.action))
            self._rollout = (transitions.state, transitions.next_state, transitions.action, float(np.mean(env_reward)),
                             float(np.mean(transitions.reward)))
        return transitions

    def fit(self, dataset: list, **info) -> None:
        super().fit(dataset, **info)
        rollout, self._rollout = self._rollout, None
        if rollout is None:
            return
        state, next_state, action, env_reward, gail_reward = rollout
        ppo_losses = self.last_losses
        if self._n_fits % self._train_discriminator_every == 0:
            self._discriminator_losses = self._fit_discriminator(state, next_state, action)
        self._n_fits += 1
        self._check_finite(dict(self._discriminator_losses))
        self._last_losses = dict(ppo_losses, **self._discriminator_losses, discriminator_reward=gail_reward,
                                 env_reward=env_reward)

    def _post_load(self) -> None:
        super()._post_load()
        self._rollout = None
        if '_expert' not in vars(self):  # a light save does not hold the expert data
            self._expert = None
