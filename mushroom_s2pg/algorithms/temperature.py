"""The entropy temperature of the SAC-based algorithms (SAC, LS-IQ): alpha for a, alpha_z for z' (Algorithm 2)."""
import math

import torch

from mushroom_s2pg.core import adam

__all__ = ['Temperature']


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
