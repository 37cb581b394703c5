"""Running standardisation of observations (the PPO family's preprocessing, REFERENCE section 3)."""
from typing import Tuple

import numpy as np
import torch
from mushroom_rl.core import Serializable
from mushroom_rl.utils.running_stats import RunningStandardization

__all__ = ['ObservationStandardizer']


class ObservationStandardizer(Serializable):
    """
    (s - mean) / std clipped to +-``clip``, with the running mean and standard deviation of MushroomRL's
    ``RunningStandardization`` (the estimator of the reference's standardisation preprocessor). The statistics
    change only through :meth:`update`, which the PPO agents call with each rollout after their fit: the policy
    that collected a rollout is the one whose log-probabilities the fit uses, and evaluation runs leave the
    statistics alone. It is part of the policy, so it is saved and loaded with the agent.

    """
    def __init__(self, shape: Tuple[int, ...], clip: float = 10.):
        self._running = RunningStandardization(tuple(shape))
        self._clip = float(clip)
        self._refresh()
        self._add_save_attr(_running='mushroom', _clip='primitive', _mean='pickle', _std='pickle')

    def _refresh(self) -> None:
        device = self._mean.device if hasattr(self, '_mean') else None
        self._mean = torch.as_tensor(self._running.mean, dtype=torch.float32, device=device)
        self._std = torch.as_tensor(self._running.std, dtype=torch.float32, device=device)

    @property
    def mean(self) -> np.ndarray:
        return self._running.mean

    @property
    def std(self) -> np.ndarray:
        return self._running.std

    def update(self, states: np.ndarray) -> None:
        """Add a batch of (full) states to the running statistics, in order."""
        for state in np.asarray(states, dtype=np.float64):
            self._running.update_stats(state)
        self._refresh()

    def to(self, device: torch.device) -> 'ObservationStandardizer':
        """Keep the statistics' tensors on ``device`` (the running sums stay in NumPy)."""
        self._mean, self._std = self._mean.to(device), self._std.to(device)
        return self

    def __call__(self, state: torch.Tensor) -> torch.Tensor:
        return ((state - self._mean) / self._std).clamp(-self._clip, self._clip)
