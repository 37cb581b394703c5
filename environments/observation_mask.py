"""The policy- and critic-observation masks shared by the project's partially observable environments."""
from typing import Optional

import numpy as np

__all__ = ['PolicyObservationMask']


class PolicyObservationMask:
    """
    Mixin for environments whose observation is the full state (for privileged critics) and whose policy
    sees only part of it; subclasses set ``self._policy_obs_mask``, and ``self._critic_obs_mask`` where the
    privileged critic should not see every entry either (e.g. a copy of hidden information kept for the policy).

    """
    _policy_obs_mask: np.ndarray
    _critic_obs_mask: Optional[np.ndarray] = None

    @property
    def policy_obs_mask(self) -> np.ndarray:
        """
        Returns:
            A boolean array with the length of the full state, ``True`` where the policy may look.

        """
        return self._policy_obs_mask.copy()

    @property
    def critic_obs_mask(self) -> np.ndarray:
        """
        Returns:
            A boolean array with the length of the full state, ``True`` on the entries a privileged critic
            sees (all of them unless the task declares otherwise).

        """
        if self._critic_obs_mask is None:
            return np.ones_like(self._policy_obs_mask, dtype=bool)
        return self._critic_obs_mask.copy()
