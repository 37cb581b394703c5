"""Carrying the internal state through MushroomRL rollouts: the one place where z lives at run time."""
from contextlib import contextmanager
from typing import Iterator, List, Optional

import numpy as np
from mushroom_rl.core import Agent

from mushroom_s2pg.core.batch import TRANSITION_FIELDS, TransitionBatch
from mushroom_s2pg.core.stateful_policy import StatefulPolicy

__all__ = ['StatefulAgent', 'TRANSITION_FIELDS']



class StatefulAgent(Agent):
    """
    Base class of every agent with a stateful policy.

    It works with the unchanged ``mushroom_rl.core.Core``: ``episode_start`` resets z to z0 = 0 and the
    previous action to 0, ``draw_action(state)`` feeds (s, z, a_prev) to the policy and carries z' as the
    next z. Each step's (s, z, z', a_prev, first) is logged so that ``fit`` can turn Core's dataset of
    (s, a, r, s', absorbing, last) into full transitions with :meth:`_transitions`.
    The log is cleared by ``fit`` and by ``stop`` (end of every ``Core.learn``/``Core.evaluate``).

    """
    #: environment steps between two fits that the algorithm expects (``Core.learn(n_steps_per_fit=...)``)
    default_n_steps_per_fit = 1

    def __init__(self, mdp_info, policy: StatefulPolicy, features=None):
        super().__init__(mdp_info, policy, features)
        self._obs_shape = tuple(mdp_info.observation_space.shape)
        if policy.policy_obs_mask.shape != self._obs_shape:
            raise ValueError(f'policy_obs_mask has shape {policy.policy_obs_mask.shape} but the observation '
                             f'space has shape {self._obs_shape}')
        self._policy_state = policy.reset()
        self._prev_action = policy.initial_prev_action()
        self._episode_first = True
        self._step_log: List[tuple] = []

        self._add_save_attr(
            _obs_shape='primitive',
            _policy_state='numpy',
            _prev_action='numpy',
            _episode_first='primitive',
            _step_log='none'
        )

    def episode_start(self) -> None:
        self._policy_state = self.policy.reset()
        self._prev_action = self.policy.initial_prev_action()
        self._episode_first = True

    def draw_action(self, state: np.ndarray) -> np.ndarray:
        state = np.asarray(state)
        if state.shape != self._obs_shape:
            raise ValueError(f'observation has shape {state.shape}, the agent expects {self._obs_shape}')
        policy_state = self._policy_state
        prev_action = self._prev_action
        action, next_policy_state = self.policy.draw_action(state, policy_state, prev_action)
        self._step_log.append((state, policy_state, next_policy_state, prev_action, self._episode_first))
        self._policy_state = next_policy_state
        self._prev_action = np.asarray(action, dtype=np.float32)
        self._episode_first = False
        return action

    def stop(self) -> None:
        self._step_log = []

    @contextmanager
    def deterministic(self, deterministic: bool = True) -> Iterator[None]:
        """Context in which the policy draws the means of a and z' (deterministic evaluation)."""
        previous = self.policy.deterministic
        self.policy.set_deterministic(deterministic)
        try:
            yield
        finally:
            self.policy.set_deterministic(previous)

    def _transitions(self, dataset: list) -> Optional[TransitionBatch]:
        """
        Join Core's dataset with the logged internal states.

        Args:
            dataset (list): the last ``len(dataset)`` steps, as tuples (s, a, r, s', absorbing, last).

        Returns:
            The transitions (no window), None for an empty dataset; the log is cleared.

        """
        n = len(dataset)
        if n > len(self._step_log):
            raise RuntimeError(f'fit received {n} steps but only {len(self._step_log)} actions were drawn; '
                               'the agent must collect its own data through draw_action')
        log = self._step_log[len(self._step_log) - n:]
        self._step_log = []
        if n == 0:
            return None
        if not (np.array_equal(log[0][0], dataset[0][0]) and np.array_equal(log[-1][0], dataset[-1][0])):
            raise RuntimeError('the logged internal states do not belong to the dataset passed to fit')

        state, action, reward, next_state, absorbing, last = (np.asarray(x) for x in zip(*dataset))
        log_state, z, z_next, prev_action, first = zip(*log)
        return TransitionBatch(
            state=state.astype(np.float32),
            policy_state=self.policy.stored_policy_state(np.asarray(z, dtype=np.float32)),
            action=action.astype(np.float32).reshape(n, -1),
            reward=reward.astype(np.float32),
            next_state=next_state.astype(np.float32),
            next_policy_state=self.policy.stored_policy_state(np.asarray(z_next, dtype=np.float32)),
            absorbing=absorbing.astype(bool),
            last=last.astype(bool),
            prev_action=np.asarray(prev_action, dtype=np.float32),
            first=np.asarray(first, dtype=bool)
        )

    def _post_load(self) -> None:
        self._step_log = []
