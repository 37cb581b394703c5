"""GAIL maths on the PPO core (Ho & Ermon, 2016; the imitation experiments of Al-Hafez et al., 2024)."""
from typing import Dict, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from mushroom_s2pg.algorithms.hyperparameters import Hyperparameter, declare
from mushroom_s2pg.algorithms.ppo import StatefulPPO
from mushroom_s2pg.core import TransitionBatch, adam
from mushroom_s2pg.expert_data import ExpertData, ExpertDataError
from mushroom_s2pg.networks.discriminator import Discriminator
from mushroom_s2pg.policies import GaussianPolicy

__all__ = ['StatefulGAIL', 'bernoulli_entropy', 'discriminator_loss',
           'discriminator_reward']


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
    (or of (s, s') with ``discriminate_next_state``); it sees neither actions (state-only demonstrations) nor
    the internal state z, so expert trajectories need no internal states. The environment reward is only
    logged (``env_reward``). The PPO maths (ratio of the joint (a, z') density, GAE, value targets) are
    :class:`StatefulPPO`'s.

    The expert data are saved with the agent by full saves only (checkpoints); an agent loaded from a light
    save gets them back with :meth:`set_expert_data` before it fits again.

    """
    default_n_steps_per_fit = 1000

    @staticmethod
    def usable_expert_data(expert_data: ExpertData) -> ExpertData:
        """The demonstrations as this agent takes them: any :class:`ExpertData` (GAIL imitates states only)."""
        return expert_data

    IMITATES_EXPERT_DATA = True

    #: the constructor's arguments, then those of :class:`StatefulPPO` (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        Hyperparameter('discriminator_features', Sequence[int], (512, 256), 'hidden widths of the discriminator'),
        Hyperparameter('lr_discriminator', float, 3e-4, 'learning rate of the discriminator'),
        Hyperparameter('discriminator_batch_size', int, 2000, 'samples per discriminator step'),
        Hyperparameter('discriminator_entropy_coeff', float, 1e-3, 'weight of the entropy bonus of the discriminator'),
        Hyperparameter('train_discriminator_every', int, 3, 'rollouts per discriminator training'),
        Hyperparameter('n_epochs_discriminator', int, 1, 'epochs of each discriminator training'),
        Hyperparameter('discriminate_next_state', bool, False, "whether the discriminator sees (s, s') instead of s"),
        Hyperparameter('lr_actor', float, 1e-4, 'learning rate of the actor'),
        Hyperparameter('lr_critic', float, 1e-5, 'learning rate of the critic'),
        Hyperparameter('n_steps_per_fit', int, 1000, 'environment steps per rollout'),
        Hyperparameter('privileged_critic', bool, True,
                       "whether V sees the full state (V(s_full, z)) instead of the policy's inputs"),
    ), StatefulPPO.HYPERPARAMETERS)

    def __init__(self, mdp_info, policy: GaussianPolicy, expert_data: Optional[ExpertData] = None,
                 discriminator_features: Sequence[int] = (512, 256), lr_discriminator: float = 3e-4,
                 discriminator_batch_size: int = 2000, discriminator_entropy_coeff: float = 1e-3,
                 train_discriminator_every: int = 3, n_epochs_discriminator: int = 1,
                 discriminate_next_state: bool = False, lr_actor: float = 1e-4, lr_critic: float = 1e-5,
                 n_steps_per_fit: int = 1000, privileged_critic: bool = True, **kwargs):
        """
        Constructor. Defaults are the reference's GAIL-RS values (REFERENCE section 3).

        Args:
            expert_data (ExpertData): the demonstrations, states only (required; ``obs_mask`` None means full
                states);
            discriminator_features (Sequence[int]): hidden widths of D (tanh);
            lr_discriminator (float): Adam step size of D;
            discriminator_batch_size (int): minibatch of D (policy and expert samples together);
            discriminator_entropy_coeff (float): weight of D's Bernoulli-entropy bonus;
            train_discriminator_every (int): D learns after every n-th fit;
            n_epochs_discriminator (int): passes over the rollout (with fresh expert samples) per D training;
            discriminate_next_state (bool): D(s, s') instead of D(s);
            lr_actor, lr_critic, n_steps_per_fit, privileged_critic: those of :class:`StatefulPPO`, with the
                GAIL defaults (the value function sees the full state and z, as in the reference).

        Raises:
            ExpertDataError: without expert data, or with data whose columns do not fit the task's state.

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
        self._expert: Optional[ExpertData] = expert
        self._discriminator_idx = torch.as_tensor(np.flatnonzero(expert.obs_mask))
        self._D = Discriminator(len(self._discriminator_idx), discriminator_features, discriminate_next_state,
                                mean=expert.states.mean(0), std=expert.states.std(0))
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
    @property
    def discriminator(self) -> Discriminator:
        return self._D

    def set_expert_data(self, expert_data: ExpertData) -> None:
        """Give the expert data back (after loading a light save); they must have the discriminator's entries."""
        expert = expert_data.located(len(self._expert_mask_reference()), self._expert_mask_reference())
        if not np.array_equal(np.flatnonzero(expert.obs_mask), self._discriminator_idx.numpy()):
            raise ExpertDataError('the expert data hold other observation entries than those the discriminator '
                                  'learned on')
        self._expert = expert

    def _expert_mask_reference(self) -> np.ndarray:
        mask = np.zeros(self.mdp_info.observation_space.shape[0], dtype=bool)
        mask[self._discriminator_idx.numpy()] = True
        return mask

    def discriminator_reward(self, state: np.ndarray, next_state: np.ndarray) -> np.ndarray:
        """The policy's reward -log(1 - D) of a batch of full-state transitions (s, s')."""
        idx = self._discriminator_idx
        with torch.no_grad():
            logits = self._D(torch.as_tensor(state[..., idx.numpy()], dtype=torch.float32, device=self.device),
                             torch.as_tensor(next_state[..., idx.numpy()], dtype=torch.float32, device=self.device))
        return discriminator_reward(logits).cpu().numpy().astype(np.float32)

    def _fit_discriminator(self, state: np.ndarray, next_state: np.ndarray) -> Dict[str, float]:
        """One D training on a rollout of full states and as many expert transitions."""
        n, device, entries = len(state), self.device, self._discriminator_idx.numpy()
        policy_state = torch.as_tensor(state[:, entries], dtype=torch.float32, device=device)
        policy_next = torch.as_tensor(next_state[:, entries], dtype=torch.float32, device=device)
        labels = torch.cat([torch.zeros(n, device=device), torch.ones(n, device=device)])
        losses = []
        for _ in range(self._n_epochs_discriminator):
            idx = np.random.randint(0, self._expert.n_samples, n)
            inputs = torch.cat([policy_state, torch.from_numpy(self._expert.states[idx]).to(device)])
            next_inputs = torch.cat([policy_next, torch.from_numpy(self._expert.next_states[idx]).to(device)])
            for mb in np.array_split(np.random.permutation(2 * n), max(1, 2 * n // self._discriminator_batch_size)):
                mb = torch.from_numpy(mb).to(device)
                logits = self._D(inputs[mb], next_inputs[mb])
                loss = discriminator_loss(logits, labels[mb], self._discriminator_entropy_coeff)
                losses.append(float(self._optimize(self._discriminator_optimizer, loss)))
        with torch.no_grad():
            logits = self._D(inputs, next_inputs)
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
            transitions = transitions._replace(reward=self.discriminator_reward(transitions.state,
                                                                                  transitions.next_state))
            self._rollout = (transitions.state, transitions.next_state, float(np.mean(env_reward)),
                             float(np.mean(transitions.reward)))
        return transitions

    def fit(self, dataset: list, **info) -> None:
        super().fit(dataset, **info)
        rollout, self._rollout = self._rollout, None
        if rollout is None:
            return
        state, next_state, env_reward, gail_reward = rollout
        ppo_losses = self.last_losses
        if self._n_fits % self._train_discriminator_every == 0:
            self._discriminator_losses = self._fit_discriminator(state, next_state)
        self._n_fits += 1
        self._check_finite(dict(self._discriminator_losses))
        self._last_losses = dict(ppo_losses, **self._discriminator_losses, discriminator_reward=gail_reward,
                                 env_reward=env_reward)

    def _post_load(self) -> None:
        super()._post_load()
        self._rollout = None
        if '_expert' not in vars(self):  # a light save does not hold the expert data
            self._expert = None
