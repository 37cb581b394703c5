"""The entropy temperature of the SAC-based algorithms (SAC, LS-IQ): alpha for a, alpha_z for z' (Algorithm 2)."""
import math
from copy import deepcopy

import torch

from mushroom_s2pg.core import adam

__all__ = ['SoftActorCriticParts', 'Temperature']


class Temperature:
    """
    A temperature alpha = exp(log alpha), learned so that the policy's entropy tracks ``target_entropy``: the loss
    -log alpha (log pi + target entropy), through log alpha as in the reference and MushroomRL's SAC. Saved with the
    agent's torch state (the tensor and its optimizer in one pickle).

    """
    def __init__(self, init_value: float, lr: float, target_entropy: float):
        if init_value <= 0:
            raise ValueError(f'the initial temperature must be positive, got {init_value}')
        self.log_value = torch.tensor(math.log(init_value), dtype=torch.float32, requires_grad=True)
        self.optimizer = adam([self.log_value], lr=lr)
        self.target_entropy = float(target_entropy)

    @property
    def value(self) -> torch.Tensor:
        """alpha, without gradients."""
        return self.log_value.detach().exp()

    def loss(self, log_prob: torch.Tensor) -> torch.Tensor:
        return -(self.log_value * (log_prob.detach() + self.target_entropy)).mean()

    def step(self, log_prob: torch.Tensor) -> torch.Tensor:
        """One Adam step on :meth:`loss` for a batch of log-probabilities; returns the detached loss."""
        loss = self.loss(log_prob)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return loss.detach()


class SoftActorCriticParts:
    """
    The pieces that SAC and LS-IQ share (mixed into their agents): a critic and its frozen target copy, the
    temperatures alpha (target entropy -dim(a) by default) and alpha_z (-dim(z)), and the actor and critic
    optimizers; the agent registers them in its torch state.

    """
    def _init_soft_actor_critic(self, policy, critic: torch.nn.Module, lr_actor: float, lr_critic: float,
                                init_alpha: float, lr_alpha: float, init_alpha_z: float, lr_alpha_z: float,
                                target_entropy, target_entropy_z) -> None:
        action_dim = int(self.mdp_info.action_space.shape[0])
        policy_state_dim = int(math.prod(policy.policy_state_shape))
        self._critic = critic
        self._target_critic = deepcopy(critic).requires_grad_(False)
        self._temperature = Temperature(init_alpha, lr_alpha,
                                        -float(action_dim) if target_entropy is None else target_entropy)
        self._temperature_z = Temperature(init_alpha_z, lr_alpha_z,
                                          -float(policy_state_dim) if target_entropy_z is None else target_entropy_z)
        self._actor_optimizer = adam(policy.parameters(), lr=lr_actor)
        self._critic_optimizer = adam(critic.parameters(), lr=lr_critic)

    @property
    def alpha(self) -> float:
        return float(self._temperature.value)

    @property
    def alpha_z(self) -> float:
        return float(self._temperature_z.value)
