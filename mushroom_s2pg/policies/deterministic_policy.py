"""The TD3 family's policy: deterministic (a, z') with Gaussian exploration noise (Theorem 2.3, Algorithm 1)."""
from typing import Optional

import numpy as np
import torch

from mushroom_s2pg.core import BatchInputs, PolicyStep, StatefulPolicy
from mushroom_s2pg.networks.outputs import DeterministicOutputs

__all__ = ['DeterministicPolicy', 'perturb']


def perturb(step: PolicyStep, scale_action, std: float, std_z: float, clip: Optional[float] = None,
            clip_z: Optional[float] = None) -> PolicyStep:
    """
    Add N(0, std) noise to the normalised action and N(0, std_z) to z' (each optionally clipped to +-clip),
    then clip both to [-1, 1]. z' is left alone when it is None or ``std_z`` is 0.

    """
    noise_a = torch.randn_like(step.normalised_action) * std
    if clip is not None:
        noise_a = noise_a.clamp(-clip, clip)
    a = (step.normalised_action + noise_a).clamp(-1., 1.)
    z = step.next_policy_state
    if z is not None and std_z != 0:
        noise_z = torch.randn_like(z) * std_z
        if clip_z is not None:
            noise_z = noise_z.clamp(-clip_z, clip_z)
        z = (z + noise_z).clamp(-1., 1.)
    return PolicyStep(scale_action(a), a, z)


class DeterministicPolicy(StatefulPolicy):
    """
    mu(o, z, a_prev) = (a, z'), the deterministic limit of a stateful policy (Theorem 2.3). The network returns
    (tanh action, z') (z' None for stateless networks). While acting, N(0, std) noise is added to the
    normalised action and, when ``stochastic_policy_state``, N(0, std_z) to z', both clipped to [-1, 1].

    """
    def __init__(self, network: torch.nn.Module, inputs: BatchInputs, action_low: np.ndarray,
                 action_high: np.ndarray, policy_obs_mask: np.ndarray, stochastic_policy_state: bool = True,
                 std: float = 0.1, std_z: float = 0.01):
        super().__init__(network, inputs, action_low, action_high, policy_obs_mask, stochastic_policy_state)
        self.std = float(std)
        self.std_z = float(std_z) if stochastic_policy_state else 0.
        self._add_save_attr(std='primitive', std_z='primitive')

    def _step(self, outputs: DeterministicOutputs, deterministic: bool) -> PolicyStep:
        return PolicyStep(self.scale_action(outputs.action), outputs.action, outputs.next_policy_state)

    def perturb(self, step: PolicyStep, std: float, std_z: float, clip: Optional[float] = None,
                clip_z: Optional[float] = None) -> PolicyStep:
        """:func:`perturb` with this policy's action scaling."""
        return perturb(step, self.scale_action, std, std_z, clip, clip_z)

    def explore(self, step: PolicyStep) -> PolicyStep:
        """The behaviour policy: the step with the exploration noise (none in deterministic mode)."""
        return step if self.deterministic else self.perturb(step, self.std, self.std_z)

    def _behaviour_step(self, outputs: DeterministicOutputs) -> PolicyStep:
        return self.explore(self._step(outputs, True))
