"""The GAIL discriminator (REFERENCE section 3: MLP [512, 256] with tanh, one logit)."""
from typing import Optional, Sequence

import numpy as np
import torch
import torch.nn as nn

from mushroom_s2pg.networks.mlp import mlp
from mushroom_s2pg.networks.reference_init import reference_mlp_init

__all__ = ['Discriminator']


class Discriminator(nn.Module):
    """
    D(s), D(s, a) (``action_dim > 0``), D(s, s') (``use_next_state``) or D(s, a, s') (both) as a logit: positive
    for "expert", negative for "policy"; the input is the concatenation in that order.

    It sees only the observation entries that the expert data holds (the caller selects them) and never the
    policy's internal state z. States are standardised with fixed statistics of the expert states (given at
    construction, saved with the network) and clipped to +-``clip``, so that the discriminator does not depend
    on the policy's running standardisation; actions enter as they are (as in the reference).

    """
    #: class default for networks pickled before the option existed (they took no actions)
    action_dim = 0

    def __init__(self, state_dim: int, n_features: Sequence[int] = (512, 256), use_next_state: bool = False,
                 mean: Optional[np.ndarray] = None, std: Optional[np.ndarray] = None, clip: float = 10.,
                 action_dim: int = 0, reference_init: bool = False):
        """
        Constructor.

        Args:
            state_dim (int): number of observation entries the discriminator sees;
            n_features (Sequence[int]): hidden widths (tanh activations);
            use_next_state (bool): discriminate (s, s') instead of s;
            mean, std (np.ndarray, None): standardisation statistics of those entries (default 0 and 1);
                standard deviations below 1e-6 are replaced by 1 (constant entries);
            clip (float): clipping of the standardised inputs;
            action_dim (int): width of the actions D sees (0: none);
            reference_init (bool): start as the reference's ``DiscriminatorNetwork`` (Xavier at the tanh gain, output
                gain 0.1; :mod:`~mushroom_s2pg.networks.reference_init`) instead of PyTorch's initialisation.

        """
        super().__init__()
        self.state_dim = int(state_dim)
        self.use_next_state = bool(use_next_state)
        self.action_dim = int(action_dim)
        self.clip = float(clip)
        mean = np.zeros(self.state_dim) if mean is None else np.asarray(mean, dtype=np.float64)
        std = np.ones(self.state_dim) if std is None else np.asarray(std, dtype=np.float64)
        if mean.shape != (self.state_dim,) or std.shape != (self.state_dim,):
            raise ValueError(f'mean and std must have shape ({self.state_dim},), got {mean.shape} and {std.shape}')
        std = np.where(std < 1e-6, 1., std)
        self.register_buffer('mean', torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer('std', torch.as_tensor(std, dtype=torch.float32))
        input_dim = self.state_dim * (2 if self.use_next_state else 1) + self.action_dim
        self.mlp = mlp(input_dim, 1, tuple(n_features), activation=nn.Tanh)
        if reference_init:
            reference_mlp_init(self.mlp, 'DiscriminatorNetwork')

    def _standardize(self, state: torch.Tensor) -> torch.Tensor:
        return ((state - self.mean) / self.std).clamp(-self.clip, self.clip)

    @property
    def input_dim(self) -> int:
        """Width of the first layer's input."""
        return self.mlp[0].in_features

    def forward(self, state: torch.Tensor, next_state: Optional[torch.Tensor] = None,
                action: Optional[torch.Tensor] = None) -> torch.Tensor:
        """
        The logits, shape (batch,); ``next_state`` is used (and required) only with ``use_next_state``, ``action``
        only with ``action_dim > 0``.

        """
        inputs = [self._standardize(state)]
        if self.action_dim > 0:
            if action is None:
                raise ValueError('this discriminator takes actions: action is missing')
            inputs.append(action)
        if self.use_next_state:
            if next_state is None:
                raise ValueError('this discriminator takes (s, s\'): next_state is missing')
            inputs.append(self._standardize(next_state))
        return self.mlp(torch.cat(inputs, dim=-1)).squeeze(-1)
