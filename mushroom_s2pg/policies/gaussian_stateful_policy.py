"""The SAC-RS policy: a tanh-squashed Gaussian over (a, z') (REFERENCE section 2, appendix C)."""
from typing import Dict, Optional, Tuple

import numpy as np
import torch

from mushroom_s2pg.core.stateful_policy import StatefulPolicy
from mushroom_s2pg.policies.squashed_gaussian import gaussian_log_prob, squashed_log_prob, squashed_sample

__all__ = ['CPGPolicy', 'GaussianStatefulPolicy']


class GaussianStatefulPolicy(StatefulPolicy):
    """
    pi(a, z' | o, z, a_prev) = N(mu_a, sigma_a) x N(mu_z, sigma_z), both tanh-squashed; a is scaled to
    the action bounds, z' stays in [-1, 1]. Log-stds are clamped to [log_std_min, log_std_max].
    Log-probabilities are those of the squashed variables in [-1, 1]^d (the constant Jacobian of the
    scaling to the action bounds is left out, as in MushroomRL's SAC).

    """
    refresh_policy_state = True
    #: z' = tanh(u) for GRU states in [-1, 1]; oscillator states (CPG) are Gaussian without squashing
    squash_policy_state = True

    def __init__(self, network: torch.nn.Module, action_low: np.ndarray, action_high: np.ndarray,
                 policy_obs_mask: np.ndarray, log_std_min: float = -20., log_std_max: float = 2.):
        super().__init__((network.policy_state_dim,), (network.action_dim,), policy_obs_mask)
        self._set_network(network, action_low, action_high)
        self.log_std_min = float(log_std_min)
        self.log_std_max = float(log_std_max)
        self._add_save_attr(log_std_min='primitive', log_std_max='primitive')

    def distribution_parameters(self, state: torch.Tensor, policy_state: torch.Tensor,
                                prev_action: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """
        Returns:
            mean_a, log_std_a, mean_z, log_std_z of the pre-squashing Gaussian, log-stds clamped.

        """
        mean_a, log_std_a, mean_z, log_std_z = self.network(self.observation(state), policy_state, prev_action)
        return (mean_a, log_std_a.clamp(self.log_std_min, self.log_std_max),
                mean_z, log_std_z.clamp(self.log_std_min, self.log_std_max))

    def sample_t(self, state: torch.Tensor, policy_state: torch.Tensor, prev_action: torch.Tensor,
                 deterministic: bool = False) -> Dict[str, torch.Tensor]:
        """
        Reparameterised joint sample of (a, z') with separate log-probabilities of both parts
        (their sum is the joint log-probability, the kernels being independent given (o, z, a_prev)).

        Returns:
            A dictionary with ``action`` (scaled to the bounds), ``next_policy_state``, ``log_prob_action``
            and ``log_prob_policy_state``.

        """
        return self._sample_from_parameters(*self.distribution_parameters(state, policy_state, prev_action),
                                            deterministic=deterministic)

    def _sample_from_parameters(self, mean_a: torch.Tensor, log_std_a: torch.Tensor, mean_z: torch.Tensor,
                                log_std_z: torch.Tensor, deterministic: bool = False) -> Dict[str, torch.Tensor]:
        a, log_prob_a = squashed_sample(mean_a, log_std_a, deterministic)
        if self.squash_policy_state:
            z, log_prob_z = squashed_sample(mean_z, log_std_z, deterministic)
        else:
            z = mean_z if deterministic else mean_z + log_std_z.exp() * torch.randn_like(mean_z)
            log_prob_z = gaussian_log_prob(z, mean_z, log_std_z)
        return dict(action=self.scale_action(a), next_policy_state=z,
                    log_prob_action=log_prob_a, log_prob_policy_state=log_prob_z)

    def sample_batch_t(self, batch: Dict[str, torch.Tensor], need_current: bool = True
                       ) -> Tuple[Optional[Dict[str, torch.Tensor]], Dict[str, torch.Tensor]]:
        """
        Samples at the replay batch's steps: at (s, z, a_prev) with gradients (None unless
        ``need_current``) and at (s', z', a) without gradients, one step each (Lemma 2.1).

        """
        with torch.no_grad():
            nxt = self.sample_t(batch['next_state'], batch['next_policy_state'], batch['action'])
        current = None
        if need_current:
            current = self.sample_t(batch['state'], batch['policy_state'], batch['prev_action'])
        return current, nxt

    def log_prob_t(self, state: torch.Tensor, policy_state: torch.Tensor, prev_action: torch.Tensor,
                   action: torch.Tensor, next_policy_state: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
        """
        Joint log-probability log pi(a, z' | o, z, a_prev) of given (scaled) actions and next states.

        """
        mean_a, log_std_a, mean_z, log_std_z = self.distribution_parameters(state, policy_state, prev_action)
        a = self.normalise_action(action).clamp(-1 + eps, 1 - eps)
        if not self.squash_policy_state:
            return squashed_log_prob(torch.atanh(a), mean_a, log_std_a) + gaussian_log_prob(
                next_policy_state, mean_z, log_std_z)
        z = next_policy_state.clamp(-1 + eps, 1 - eps)
        return (squashed_log_prob(torch.atanh(a), mean_a, log_std_a)
                + squashed_log_prob(torch.atanh(z), mean_z, log_std_z))

    def draw_action(self, state: np.ndarray, policy_state: np.ndarray,
                    prev_action: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
        prev_action = self.initial_prev_action() if prev_action is None else prev_action
        with torch.no_grad():
            out = self.sample_t(torch.as_tensor(state, dtype=torch.float32)[None],
                                torch.as_tensor(policy_state, dtype=torch.float32)[None],
                                torch.as_tensor(prev_action, dtype=torch.float32)[None],
                                self.deterministic)
        return out['action'][0].numpy(), out['next_policy_state'][0].numpy()


class CPGPolicy(GaussianStatefulPolicy):
    """
    The blind CPG policy of the inductive-bias experiments: z' ~ N(Euler step of the oscillators, sigma_z)
    without squashing, a ~ tanh(N(readout(z'), sigma_a)) scaled to the bounds. The observation is ignored.
    It plugs into SAC-RS like the GRU policies (``SAC_RS(..., actor='cpg')``).

    """
    squash_policy_state = False
