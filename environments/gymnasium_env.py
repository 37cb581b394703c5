"""MushroomRL adapter for Gymnasium environments (MushroomRL 1.10 only wraps the old ``gym``)."""
from typing import Any, Optional, Tuple, Union

import gymnasium
import numpy as np
from gymnasium import spaces as gym_spaces
from mushroom_rl.core import Environment, MDPInfo
from mushroom_rl.utils.spaces import Box, Discrete

__all__ = ['GymnasiumEnv']

_DEFAULT_HORIZON = 1000
_DEFAULT_DT = 0.1


class GymnasiumEnv(Environment):
    """
    MushroomRL interface for any Gymnasium environment with a ``Box`` (or ``Discrete``)
    observation space and a ``Box`` (or ``Discrete``) action space.

    The absorbing flag returned by ``step`` is Gymnasium's ``terminated``; time-limit truncation is
    left to MushroomRL's ``Core`` through the horizon (``info['truncated']`` reports Gymnasium's
    flag). For the POMDP tasks the observation is the full state; ``policy_obs_mask`` tells which
    entries the policy may see.

    """
    def __init__(self, env_id_or_env: Union[str, gymnasium.Env], gamma: float = 0.99,
                 horizon: Optional[int] = None, **env_kwargs: Any):
        """
        Constructor.

        Args:
            env_id_or_env ([str, gymnasium.Env]): a registered Gymnasium id, built with
                ``gymnasium.make``, or an already built Gymnasium environment;
            gamma (float, 0.99): the discount factor;
            horizon (int, None): the horizon. If None, the ``max_episode_steps`` of the
                environment's spec (1000 when it has none). When an id is given, the Gymnasium
                time limit is set to the horizon unless ``max_episode_steps`` is in ``env_kwargs``;
            **env_kwargs: keyword arguments of ``gymnasium.make`` (only with an id).

        """
        if isinstance(env_id_or_env, str):
            if horizon is not None:
                env_kwargs.setdefault('max_episode_steps', int(horizon))
            env = gymnasium.make(env_id_or_env, **env_kwargs)
        elif isinstance(env_id_or_env, gymnasium.Env):
            if env_kwargs:
                raise ValueError('Keyword arguments of gymnasium.make cannot be applied to an already '
                                 f'built environment; got {sorted(env_kwargs)}.')
            env = env_id_or_env
        else:
            raise TypeError('GymnasiumEnv expects a Gymnasium id or a gymnasium.Env instance, '
                            f'got {type(env_id_or_env).__name__}.')

        self.env = env

        if horizon is None:
            spec = getattr(env, 'spec', None)
            max_steps = getattr(spec, 'max_episode_steps', None) if spec is not None else None
            horizon = max_steps if max_steps is not None else _DEFAULT_HORIZON

        dt = getattr(env.unwrapped, 'dt', _DEFAULT_DT)
        observation_space = self._convert_space(env.observation_space, 'observation')
        action_space = self._convert_space(env.action_space, 'action')
        mdp_info = MDPInfo(observation_space, action_space, gamma, int(horizon), float(dt))

        self._discrete_action = isinstance(action_space, Discrete)
        self._discrete_observation = isinstance(observation_space, Discrete)
        self._obs_shape = observation_space.shape
        self._action_shape = action_space.shape
        self._pending_seed: Optional[int] = None

        super().__init__(mdp_info)

    def seed(self, seed: int) -> None:
        """
        Seed the environment: the next reset is ``reset(seed=seed)``; the action and observation
        spaces are seeded too.

        Args:
            seed (int): the seed.

        """
        self._pending_seed = int(seed)
        self.env.action_space.seed(int(seed))
        self.env.observation_space.seed(int(seed))

    def reset(self, state: Optional[np.ndarray] = None) -> np.ndarray:
        """
        Reset the environment.

        Args:
            state (np.ndarray, None): not supported by Gymnasium environments, must be None.

        Returns:
            The initial observation (float64 for ``Box`` observation spaces).

        """
        if state is not None:
            raise NotImplementedError('GymnasiumEnv cannot reset to a given state.')

        if self._pending_seed is not None:
            obs, _ = self.env.reset(seed=self._pending_seed)
            self._pending_seed = None
        else:
            obs, _ = self.env.reset()

        return self._convert_observation(obs)

    def step(self, action: np.ndarray) -> Tuple[np.ndarray, float, bool, dict]:
        """
        Execute one step.

        Args:
            action (np.ndarray): the action, of the shape of the action space (``(1,)`` for a
                ``Discrete`` action space).

        Returns:
            The next observation, the reward, the absorbing flag (Gymnasium's ``terminated``) and
            the step info (with the key ``truncated`` added).

        Raises:
            ValueError: if the action does not have the shape of the action space.

        """
        action = self._convert_action(action)
        obs, reward, terminated, truncated, info = self.env.step(action)

        info = dict(info)
        info['truncated'] = bool(truncated)

        return self._convert_observation(obs), float(reward), bool(terminated), info

    def render(self, record: bool = False) -> Optional[np.ndarray]:
        """
        Render the environment with its Gymnasium ``render_mode``.

        Args:
            record (bool, False): unused; an image is returned whenever the render mode is
                ``rgb_array``.

        Returns:
            The RGB image when the render mode is ``rgb_array``, else None.

        """
        frame = self.env.render()
        if self.env.render_mode == 'rgb_array':
            return frame
        return None

    def stop(self) -> None:
        """
        Close the Gymnasium environment.

        """
        self.env.close()

    @property
    def policy_obs_mask(self) -> np.ndarray:
        """
        Returns:
            The wrapped environment's ``policy_obs_mask``, or an all-True mask if it has none.

        """
        try:
            mask = self.env.get_wrapper_attr('policy_obs_mask')
        except AttributeError:
            return np.ones(self._obs_shape, dtype=bool)
        return np.array(mask, dtype=bool)

    @property
    def critic_obs_mask(self) -> np.ndarray:
        """
        Returns:
            The wrapped environment's ``critic_obs_mask`` (the full-state entries a privileged critic sees), or an
            all-True mask if it has none.

        """
        try:
            mask = self.env.get_wrapper_attr('critic_obs_mask')
        except AttributeError:
            return np.ones(self._obs_shape, dtype=bool)
        return np.array(mask, dtype=bool)

    def _convert_action(self, action: Any) -> Any:
        action = np.asarray(action)
        if self._discrete_action:
            if action.shape not in ((), (1,)):
                raise ValueError(f'Action shape mismatch: expected {self._action_shape} '
                                 f'(or a scalar), got {action.shape}.')
            return int(action.reshape(-1)[0])
        if action.shape != self._action_shape:
            raise ValueError(f'Action shape mismatch: expected {self._action_shape}, got {action.shape}.')
        return action

    def _convert_observation(self, obs: Any) -> np.ndarray:
        if self._discrete_observation:
            obs = np.atleast_1d(np.asarray(obs, dtype=np.int64))
        else:
            obs = np.asarray(obs, dtype=np.float64)
        if obs.shape != self._obs_shape:
            raise ValueError(f'Observation shape mismatch: the observation space has shape '
                             f'{self._obs_shape}, got an observation of shape {obs.shape}.')
        return obs

    @staticmethod
    def _convert_space(space: gymnasium.Space, kind: str) -> Union[Box, Discrete]:
        if isinstance(space, gym_spaces.Box):
            low = np.asarray(space.low, dtype=np.float64).copy()
            high = np.asarray(space.high, dtype=np.float64).copy()
            return Box(low=low, high=high)
        if isinstance(space, gym_spaces.Discrete):
            if int(space.start) != 0:
                raise ValueError(f'Discrete {kind} spaces must start at 0, got start={space.start}.')
            return Discrete(int(space.n))
        raise ValueError(f'Unsupported {kind} space {space!r}: only Box and Discrete are supported.')
