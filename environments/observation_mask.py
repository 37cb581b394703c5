"""The policy-observation mask shared by the project's partially observable environments."""
import numpy as np

__all__ = ['PolicyObservationMask']


class PolicyObservationMask:
    """
    Mixin for environments whose observation is the full state (for privileged critics) and whose policy
    sees only part of it; subclasses set ``self._policy_obs_mask``.

    """
    _policy_obs_mask: np.ndarray

    @property
    def policy_obs_mask(self) -> np.ndarray:
        """
        Returns:
            A boolean array with the length of the full state, ``True`` where the policy may look.

        """
        return self._policy_obs_mask.copy()
