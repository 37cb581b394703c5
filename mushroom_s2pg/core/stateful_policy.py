"""The stateful-policy interface shared by every agent of the package."""
from typing import Optional, Tuple

import numpy as np
import torch
from mushroom_rl.policy import Policy

__all__ = ['StatefulPolicy']


class StatefulPolicy(Policy):
    """
    A policy pi(a, z' | o, z, a_prev) that carries an internal state z (``policy_state``).

    The interface follows MushroomRL 2.0: ``reset()`` returns the initial internal state and
    ``draw_action(state, policy_state)`` returns ``(action, next_policy_state)``. The previous action
    a_{t-1} is an extra input of the reference implementation; it is zero at the episode start.
    The policy receives the full state and selects the entries it may see with ``policy_obs_mask``,
    so that replay memories store the full state once for the privileged critic and the policy.

    """
    #: whether replay memories refresh the stored z' of this policy with fresh samples (S2PG policies)
    refresh_policy_state = False

    def __init__(self, policy_state_shape: Tuple[int, ...], action_shape: Tuple[int, ...],
                 policy_obs_mask: np.ndarray):
        """
        Constructor.

        Args:
            policy_state_shape (tuple): shape of the internal state z;
            action_shape (tuple): shape of the action;
            policy_obs_mask (np.ndarray): boolean mask over the full state, True where the policy looks.

        """
        self.policy_state_shape = tuple(policy_state_shape)
        self.action_shape = tuple(action_shape)
        self.policy_obs_mask = np.asarray(policy_obs_mask, dtype=bool)
        self.deterministic = False

        self._add_save_attr(
            policy_state_shape='primitive',
            action_shape='primitive',
            policy_obs_mask='numpy',
            deterministic='primitive'
        )

    @property
    def policy_obs_idx(self) -> np.ndarray:
        return np.flatnonzero(self.policy_obs_mask)

    def _set_network(self, network: torch.nn.Module, action_low: np.ndarray, action_high: np.ndarray) -> None:
        """Attach the torch network and the action scaling of the policies that have one."""
        self.network = network
        self._central_a = torch.as_tensor((action_high + action_low) / 2., dtype=torch.float32)
        self._delta_a = torch.as_tensor((action_high - action_low) / 2., dtype=torch.float32)
        self._obs_idx = torch.as_tensor(self.policy_obs_idx)
        self._add_save_attr(network='pickle', _central_a='pickle', _delta_a='pickle', _obs_idx='pickle')

    def observation(self, state: torch.Tensor) -> torch.Tensor:
        """The entries of (a batch of) full states that the policy observes."""
        return state[..., self._obs_idx]

    def scale_action(self, action_normalised: torch.Tensor) -> torch.Tensor:
        """Map [-1, 1] to the action bounds."""
        return action_normalised * self._delta_a + self._central_a

    def normalise_action(self, action: torch.Tensor) -> torch.Tensor:
        """Map the action bounds to [-1, 1]."""
        return (action - self._central_a) / self._delta_a

    def parameters(self):
        return self.network.parameters()

    def reset(self) -> np.ndarray:
        """
        Returns:
            The initial internal state z0 = 0 (section 2 of the paper).

        """
        return np.zeros(self.policy_state_shape, dtype=np.float32)

    def initial_prev_action(self) -> np.ndarray:
        return np.zeros(self.action_shape, dtype=np.float32)

    def draw_action(self, state: np.ndarray, policy_state: np.ndarray,
                    prev_action: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
        """
        Sample (a, z') ~ pi(. | o, z, a_prev) for one state.

        Args:
            state (np.ndarray): the full state (the policy applies its observation mask);
            policy_state (np.ndarray): the current internal state z;
            prev_action (np.ndarray, None): the previous action, zero when None.

        Returns:
            The action and the next internal state z'.

        """
        raise NotImplementedError

    def stored_policy_state(self, policy_state: np.ndarray) -> np.ndarray:
        """
        The part of a batch of internal states kept in replay memories. Policies whose state can be rebuilt
        from stored observations (observation windows) keep nothing, so replay memory does not grow with L.

        """
        return policy_state

    def set_deterministic(self, deterministic: bool = True) -> None:
        """Draw the mean of (a, z') instead of a sample (evaluation)."""
        self.deterministic = bool(deterministic)
