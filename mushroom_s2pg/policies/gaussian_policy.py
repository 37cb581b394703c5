"""The PPO family's policy: a Gaussian with a learnable state-independent std over a and z' (Algorithm 3)."""
import math
from itertools import chain
from typing import Optional

import numpy as np
import torch
import torch.nn as nn

from mushroom_s2pg.core import BatchInputs, ObservationStandardizer, PolicyStep, StatefulPolicy, TransitionBatch
from mushroom_s2pg.networks.outputs import DeterministicOutputs
from mushroom_s2pg.policies.squashed_gaussian import gaussian_log_prob

__all__ = ['GaussianPolicy']


class GaussianPolicy(StatefulPolicy):
    """
    pi(a, z' | o, z, a_prev) = N([mu_a, mu_z], diag(sigma)^2) with mu_a the network's linear (unsquashed) action
    output, in the environment's units as in the reference's PPO actors, and mu_z the GRU's new state; sigma is
    learned and state independent (initial ``std_0``). With ``stochastic_policy_state`` z' is sampled (PPO-RS,
    the joint density is the PPO ratio's, Lemma A.1), otherwise z' = mu_z (BPTT) or absent (stateless networks,
    which return (action mean, None)). Samples are not clipped to the action bounds: the MuJoCo tasks clamp
    their controls, the point-mass tasks map any action to a heading.

    """
    _device_tensors = StatefulPolicy._device_tensors + ('log_std',)

    def __init__(self, network: torch.nn.Module, inputs: BatchInputs, action_low: np.ndarray,
                 action_high: np.ndarray, policy_obs_mask: np.ndarray, stochastic_policy_state: bool = True,
                 std_0: float = 0.5, standardizer: Optional[ObservationStandardizer] = None):
        super().__init__(network, inputs, action_low, action_high, policy_obs_mask, stochastic_policy_state,
                         standardizer)
        dim = self.action_shape[0] + (int(network.policy_state_dim) if stochastic_policy_state else 0)
        self.log_std = nn.Parameter(torch.full((dim,), math.log(std_0)))
        self._add_save_attr(log_std='pickle')

    def parameters(self):
        return chain(self.network.parameters(), [self.log_std])

    def _sample(self, mean: torch.Tensor, log_std: torch.Tensor, deterministic: bool) -> torch.Tensor:
        return mean if deterministic else mean + log_std.exp() * torch.randn_like(mean)

    def _step(self, outputs: DeterministicOutputs, deterministic: bool) -> PolicyStep:
        mean_a, mean_z = outputs.action, outputs.next_policy_state
        n_a = mean_a.shape[-1]
        a = self._sample(mean_a, self.log_std[:n_a], deterministic)
        log_prob_a = gaussian_log_prob(a, mean_a, self.log_std[:n_a])
        z, log_prob_z = mean_z, None
        if self.stochastic_policy_state:
            z = self._sample(mean_z, self.log_std[n_a:], deterministic)
            log_prob_z = gaussian_log_prob(z, mean_z, self.log_std[n_a:])
        return PolicyStep(a, None, z, log_prob_a, log_prob_z)

    def log_prob_batch(self, batch: TransitionBatch) -> torch.Tensor:
        """
        Joint log pi(a, z' | o, z, a_prev) of the stored (a, z') at step t (z' only where it is sampled):
        the quantity of the PPO ratio (Lemma A.1, Algorithm 3).

        """
        out: DeterministicOutputs = self.inputs.batch_outputs(self.network, self.observation, batch, True, False)[0]
        if not self.stochastic_policy_state:
            return gaussian_log_prob(batch.action, out.action, self.log_std)
        return gaussian_log_prob(torch.cat([batch.action, batch.next_policy_state], -1),
                                 torch.cat([out.action, out.next_policy_state], -1), self.log_std)
