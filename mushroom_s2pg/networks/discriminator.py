"""The GAIL discriminator (REFERENCE section 3: MLP [512, 256] with tanh, one logit)."""
from typing import Optional, Sequence

import numpy as np
import torch
import torch.nn as nn

from mushroom_s2pg.networks.mlp import mlp

__all__ = ['Discriminator']


class Discriminator(nn.Module):
    """
    D(s) (or D(s, s') with ``use_next_state``) as a logit: positive for "expert", negative for "policy".

    It sees only the observation entries that the expert data holds (the caller selects them), never the
    policy's internal state z nor actions (state-only demonstrations). Inputs are standardised with fixed
    statistics of the expert states (given at construction, saved with the network) and clipped to +-``clip``,
    so that the discriminator does not depend on the policy's running standardisation.

    """
    def __init__(self, state_dim: int, n_features: Sequence[int] = (512, 256), use_next_state: bool = False,
                 mean: Optional[np.ndarray] = None, std: Optional[np.ndarray] = None, clip: float = 10.):
        """
        Constructor.

        Args:
            state_dim (int): number of observation entries the discriminator sees;
            n_features (Sequence[int]): hidden widths (tanh activations);
            use_next_state (bool): discriminate (s, s') instead of s;
            mean, std (np.ndarray, None): standardisation statistics of those entries (default 0 and 1);
                standard deviations below 1e-6 are replaced by 1 (constant entries);
            clip (float): clipping of the standardised inputs.

        """
        super().__init__()
        self.state_dim = int(state_dim)
        self.use_next_state = bool(use_next_state)
        self.clip = float(clip)
        mean = np.zeros(self.state_dim) if mean is None else np.asarray(mean, dtype=np.float64)
        std = np.ones(self.state_dim) if std is None else np.asarray(std, dtype=np.float64)
        if mean.shape != (self.state_dim,) or std.shape != (self.state_dim,):
            raise ValueError(f'mean and std must have shape ({self.state_dim},), got {mean.shape} and {std.shape}')
        std = np.where(std < 1e-6, 1., std)
        self.register_buffer('mean', torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer('std', torch.as_tensor(std, dtype=torch.float32))
        input_dim = self.state_dim * (2 if self.use_next_state else 1)
        self.mlp = mlp(input_dim, 1, tuple(n_features), activation=nn.Tanh)

    def _standardize(self, state: torch.Tensor) -> torch.Tensor:
        return ((state - self.mean) / self.std).clamp(-self.clip, self.clip)

    def forward(self, state: torch.Tensor, next_state: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The logits, shape (batch,); ``next_state`` is used (and required) only with ``use_next_state``."""
        inputs = [self._standardize(state)]
        if self.use_next_state:
            if next_state is None:
                raise ValueError('this discriminator takes (s, s\'): next_state is missing')
            inputs.append(self._standardize(next_state))
        return self.mlp(torch.cat(inputs, dim=-1)).squeeze(-1)
