"""The SAC family's policy: tanh-squashed Gaussians over a and, for S2PG, over z' (appendix C, Algorithm 2)."""

import numpy as np
import torch

from mushroom_s2pg.core import BatchInputs, PolicyStep, StatefulPolicy, TransitionBatch
from mushroom_s2pg.networks.outputs import GaussianOutputs
from mushroom_s2pg.policies.squashed_gaussian import (check_tanh_log_prob, gaussian_log_prob, squashed_log_prob,
                                                      squashed_sample)

__all__ = ['SquashedGaussianPolicy']


class SquashedGaussianPolicy(StatefulPolicy):
    """
    pi(a, z' | o, z, a_prev) = tanh N(mu_a, sigma_a) x tanh N(mu_z, sigma_z): a is scaled to the action bounds,
    z' stays in [-1, 1] (GRU states). Log-stds are clamped to [log_std_min, log_std_max]; log-probabilities are
    those of the squashed variables in [-1, 1]^d (the constant Jacobian of the scaling is left out, as in
    MushroomRL's SAC).

    The network returns (mean_a, log_std_a, mean_z, log_std_z), with mean_z = log_std_z = None for stateless
    networks. With ``stochastic_policy_state=False`` z' is the network's mean_z, carried deterministically
    (BPTT); with ``squash_policy_state=False`` z' ~ N(mu_z, sigma_z) without squashing (the CPG's oscillator
    states). ``tanh_log_prob`` is the tanh correction of the squashed log-probabilities of a and z':
    ``'exact'`` (the log-Jacobian) or ``'reference'`` (log(1 - tanh(u)^2 + 1e-6), the reference's form;
    :func:`~mushroom_s2pg.policies.squashed_gaussian.tanh_log_abs_det`).

    """
    #: class default for policies pickled before the option existed
    tanh_log_prob = 'exact'

    def __init__(self, network: torch.nn.Module, inputs: BatchInputs, action_low: np.ndarray,
                 action_high: np.ndarray, policy_obs_mask: np.ndarray, stochastic_policy_state: bool = True,
                 squash_policy_state: bool = True, log_std_min: float = -20., log_std_max: float = 2.,
                 tanh_log_prob: str = 'exact'):
        super().__init__(network, inputs, action_low, action_high, policy_obs_mask, stochastic_policy_state)
        self.squash_policy_state = bool(squash_policy_state)
        self.log_std_min = float(log_std_min)
        self.log_std_max = float(log_std_max)
        self.tanh_log_prob = check_tanh_log_prob(tanh_log_prob)
        self._add_save_attr(squash_policy_state='primitive', log_std_min='primitive', log_std_max='primitive',
                            tanh_log_prob='primitive')

    def set_tanh_log_prob(self, form: str) -> None:
        """Choose the tanh correction, ``'exact'`` or ``'reference'`` (a ValueError for any other)."""
        self.tanh_log_prob = check_tanh_log_prob(form)

    def _clamp(self, log_std: torch.Tensor) -> torch.Tensor:
        return log_std.clamp(self.log_std_min, self.log_std_max)

    def _step(self, outputs: GaussianOutputs, deterministic: bool) -> PolicyStep:
        mean_a, log_std_a = outputs.mean_action, outputs.log_std_action
        mean_z, log_std_z = outputs.mean_policy_state, outputs.log_std_policy_state
        a, log_prob_a = squashed_sample(mean_a, self._clamp(log_std_a), deterministic, self.tanh_log_prob)
        z, log_prob_z = mean_z, None
        if self.stochastic_policy_state and self.squash_policy_state:
            z, log_prob_z = squashed_sample(mean_z, self._clamp(log_std_z), deterministic, self.tanh_log_prob)
        elif self.stochastic_policy_state:
            log_std_z = self._clamp(log_std_z)
            z = mean_z if deterministic else mean_z + log_std_z.exp() * torch.randn_like(mean_z)
            log_prob_z = gaussian_log_prob(z, mean_z, log_std_z)
        return PolicyStep(self.scale_action(a), a, z, log_prob_a, log_prob_z)

    def log_prob_batch(self, batch: TransitionBatch, eps: float = 1e-6) -> torch.Tensor:
        """
        Joint log-probability log pi(a, z' | o, z, a_prev) of the batch's stored (scaled) actions and, where
        z' is sampled, next internal states, at step t.

        """
        out: GaussianOutputs = self.inputs.batch_outputs(self.network, self.observation, batch, True, False)[0]
        a = self.normalise_action(batch.action).clamp(-1 + eps, 1 - eps)
        log_prob = squashed_log_prob(torch.atanh(a), out.mean_action, self._clamp(out.log_std_action),
                                     self.tanh_log_prob)
        if not self.stochastic_policy_state:
            return log_prob
        z, mean_z, log_std_z = batch.next_policy_state, out.mean_policy_state, self._clamp(out.log_std_policy_state)
        if not self.squash_policy_state:
            return log_prob + gaussian_log_prob(z, mean_z, log_std_z)
        z = z.clamp(-1 + eps, 1 - eps)
        return log_prob + squashed_log_prob(torch.atanh(z), mean_z, log_std_z, self.tanh_log_prob)
