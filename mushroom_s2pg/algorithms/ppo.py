"""PPO maths shared by PPO-RS and its baselines (appendix C, Algorithm 3)."""
from typing import Optional, Sequence

import numpy as np
import torch

from mushroom_s2pg.algorithms.hyperparameters import Hyperparameter, declare, shared
from mushroom_s2pg.algorithms.gae import compute_gae
from mushroom_s2pg.core import StatefulReplayMemory, TrainableStatefulAgent, TransitionBatch, adam, to_torch
from mushroom_s2pg.core.batch import map_arrays
from mushroom_s2pg.networks.value_networks import MLPStateValue, StateValue
from mushroom_s2pg.policies import GaussianPolicy

__all__ = ['StatefulPPO']


def _index(batch: TransitionBatch, idx: torch.Tensor) -> TransitionBatch:
    return map_arrays(batch, lambda values: values[idx])


class StatefulPPO(TrainableStatefulAgent):
    """
    PPO over any :class:`GaussianPolicy` (Al-Hafez et al., 2024, Algorithm 3). For S2PG policies the ratio is that of the joint log-probability of (a, z') (Lemma A.1);
    advantages are GAE over (s, z, a, z') with the absorbing and episode-end cases of Algorithm 3.

    The value function (a :class:`StateValue` chosen by the variant) is V(o, z, a_prev) without privileged
    information (the paper's POMDP setting, trained on GAE targets) or V(s_full, z) with it; stateless baselines
    drop z (and a_prev); PPO-BPTT has a recurrent critic of its own. Policies with a standardizer (all PPO
    variants) get its statistics updated with every rollout after the fit.

    """
    #: PPO collects this many steps between fits (REFERENCE section 3); the launcher reads it.
    default_n_steps_per_fit = 2000

    #: the constructor's arguments (:mod:`.hyperparameters`)
    HYPERPARAMETERS = declare((
        shared('privileged_critic', False),
        Hyperparameter('value_features', Sequence[int], (128, 128), 'hidden widths of the MLP value function'),
        shared('lr_actor', 5e-5),
        shared('lr_critic', 5e-5),
        Hyperparameter('n_epochs', int, 10, 'epochs over each rollout'),
        shared('batch_size', 32),
        shared('eps_clip', 0.2),
        Hyperparameter('lam', float, 0.95, 'lambda of GAE'),
        Hyperparameter('entropy_coeff', float, 0.0, 'weight of the entropy bonus on the log-stds'),
        shared('n_steps_per_fit', 2000),
    ))

    def __init__(self, mdp_info, policy: GaussianPolicy, privileged_critic: bool = False,
                 value_features: Sequence[int] = (128, 128), lr_actor: float = 5e-5, lr_critic: float = 5e-5, n_epochs: int = 10,
                 batch_size: int = 32, eps_clip: float = 0.2, lam: float = 0.95, entropy_coeff: float = 0.,
                 n_steps_per_fit: int = 2000, critic: Optional[StateValue] = None,
                 critic_obs_mask: Optional[np.ndarray] = None):
        """
        Constructor. Defaults are the reference implementation's PPO-RS values (REFERENCE section 3).

        Args:
            privileged_critic (bool): V on the full state instead of the observation;
            value_features (tuple): hidden widths of V;
            n_epochs (int): passes over each rollout batch;
            batch_size (int): minibatch size of actor and critic;
            eps_clip (float): clipping of the probability ratio;
            lam (float): GAE lambda;
            entropy_coeff (float): weight of the entropy bonus;
            n_steps_per_fit (int): environment steps per fit (what ``Core.learn`` should be given);
            critic (StateValue, None): the value function chosen by the variant (default: an MLP V on
                ``value_features``, privileged or not);
            critic_obs_mask (np.ndarray, None): the entries of the full state the privileged V sees (None: all).

        """
        super().__init__(mdp_info, policy, critic_obs_mask=critic_obs_mask)
        for name, value in (('n_epochs', n_epochs), ('batch_size', batch_size), ('n_steps_per_fit', n_steps_per_fit)):
            if value < 1:
                raise ValueError(f'{name} must be >= 1, got {value}')
        if not 0 < eps_clip < 1:
            raise ValueError(f'eps_clip must be in (0, 1), got {eps_clip}')
        self._privileged_critic = bool(privileged_critic)
        self._n_epochs = int(n_epochs)
        self._batch_size = int(batch_size)
        self._eps_clip = float(eps_clip)
        self._lam = float(lam)
        self._entropy_coeff = float(entropy_coeff)
        self.default_n_steps_per_fit = int(n_steps_per_fit)
        self._gamma = float(mdp_info.gamma)

        self._V = critic if critic is not None else MLPStateValue(policy, mdp_info.observation_space.shape[0],
                                                                  self._privileged_critic, value_features,
                                                                  self._critic_obs_mask)
        self._actor_optimizer = adam(policy.parameters(), lr=lr_actor)
        self._critic_optimizer = adam(self._V.parameters(), lr=lr_critic)

        self._add_save_attr(
            _privileged_critic='primitive',
            _n_epochs='primitive',
            _batch_size='primitive',
            _eps_clip='primitive',
            _lam='primitive',
            _entropy_coeff='primitive',
            default_n_steps_per_fit='primitive',
            _gamma='primitive'
        )
        self._register_torch_state('_V', '_actor_optimizer', '_critic_optimizer')

    def rollout_batch(self, transitions: TransitionBatch) -> TransitionBatch:
        """The rollout as torch tensors, with the policy's windows built by the shared replay machinery."""
        n = len(transitions.reward)
        memory = StatefulReplayMemory(0, n)
        memory.add(transitions)
        idx = np.arange(n)
        batch = memory.get(idx)
        window_length = self.policy.replay_window_length
        if window_length is not None:
            batch = batch._replace(window=memory.transition_windows(idx, window_length))
        return to_torch(batch, self.device)

    def fit(self, dataset: list, **info) -> None:
        transitions = self._transitions(dataset)
        if transitions is None:
            return
        batch = self.rollout_batch(transitions)
        n = len(transitions.reward)

        with torch.no_grad():
            old_log_prob = self.policy.log_prob_batch(batch)
            values = self._V.values(self.policy, batch)
            value, next_value = values.current.cpu().numpy(), values.next.cpu().numpy()
        cut = transitions.last | np.append(transitions.first[1:], True)
        advantage, target = compute_gae(transitions.reward, value, next_value, transitions.absorbing, cut,
                                        self._gamma, self._lam)
        advantage = (advantage - advantage.mean()) / (advantage.std() + 1e-8)
        advantage = torch.as_tensor(advantage, dtype=torch.float32, device=self.device)
        target = torch.as_tensor(target, dtype=torch.float32, device=self.device)

        ratio_deviation_first = None
        for _ in range(self._n_epochs):
            for mb in np.array_split(np.random.permutation(n), max(1, n // self._batch_size)):
                mb = torch.from_numpy(mb).to(self.device)
                mini = _index(batch, mb)
                ratio = torch.exp(self.policy.log_prob_batch(mini) - old_log_prob[mb])
                if ratio_deviation_first is None:
                    ratio_deviation_first = float((ratio.detach() - 1.).abs().max())
                surrogate = torch.min(ratio * advantage[mb],
                                      ratio.clamp(1 - self._eps_clip, 1 + self._eps_clip) * advantage[mb])
                actor_loss = -surrogate.mean()
                if self._entropy_coeff:
                    actor_loss = actor_loss - self._entropy_coeff * self.policy.log_std.sum()
                actor_loss = self._optimize(self._actor_optimizer, actor_loss)
                value_loss = ((self._V.values(self.policy, mini, next=False).current - target[mb]) ** 2).mean()
                value_loss = self._optimize(self._critic_optimizer, value_loss)
                self._check_finite(dict(actor=actor_loss, critic=value_loss))
                self._n_updates += 1
        self._last_losses['initial_ratio_deviation'] = ratio_deviation_first
        if self.policy.standardizer is not None:  # after the fit: the next rollout's policy is the fitted one
            self.policy.standardizer.update(transitions.state)
