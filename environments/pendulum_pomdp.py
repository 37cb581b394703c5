"""A short-memory task: Gymnasium's ``Pendulum-v1`` with the angular velocity hidden from the policy.

The observation is the full state ``(cos theta, sin theta, theta_dot)``, for privileged critics; the policy sees
``(cos theta, sin theta)`` only (``policy_obs_mask``). Swinging the pendulum up needs the velocity, and the velocity is
the difference of two consecutive angles, so the task needs a memory of one step: a memoryless policy stays near a
return of -1000 over the 200-step episode, a policy that sees the velocity reaches about -150.

Importing this module registers nothing; call :func:`register_pendulum_pomdp` (the ``environments`` package does so
on import).

"""
import gymnasium
import numpy as np
from gymnasium.envs.classic_control.pendulum import PendulumEnv

from environments.observation_mask import PolicyObservationMask

__all__ = ['PENDULUM_POMDP_ID', 'PendulumPOMDPEnv', 'register_pendulum_pomdp']

PENDULUM_POMDP_ID = 'PendulumPOMDP-v1'

#: Pendulum-v1's own time limit.
_MAX_EPISODE_STEPS = 200


class PendulumPOMDPEnv(PolicyObservationMask, PendulumEnv):
    """``Pendulum-v1`` (same dynamics, reward and time limit) whose policy observation mask hides ``theta_dot``."""
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._policy_obs_mask = np.array([True, True, False])


def register_pendulum_pomdp() -> None:
    """Register ``PendulumPOMDP-v1`` in Gymnasium. Calling it again has no effect."""
    if PENDULUM_POMDP_ID not in gymnasium.registry:
        gymnasium.register(id=PENDULUM_POMDP_ID, entry_point=f'{__name__}:{PendulumPOMDPEnv.__name__}',
                           max_episode_steps=_MAX_EPISODE_STEPS)
