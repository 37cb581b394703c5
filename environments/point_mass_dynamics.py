"""The dynamics common to the point-mass tasks (``environments/point_mass.py`` describes them): the step with its
sub-steps and collisions (``environments/point_mass_geometry.py``), the observable radius, the training aids and the
rendering (``environments/point_mass_render.py``). The tasks define the start and goal, the walls, the reward and the
full state.

"""
import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

import gymnasium
import numpy as np
from gymnasium import spaces

from environments.observation_mask import PolicyObservationMask
from environments.point_mass_geometry import (COLLISION_REWARD, FIELD_SIZE, N_SUBSTEPS, POINT_RADIUS, SPEED,
                                              SUBSTEP_DT, PointMassCollisions)
from environments.point_mass_render import PointMassRendering

__all__ = ['PointMassEnvBase']


class PointMassEnvBase(PointMassCollisions, PointMassRendering, PolicyObservationMask, gymnasium.Env):
    """
    Common dynamics, collision checks and rendering of the point-mass tasks. Subclasses define the
    start and goal, the walls, the reward and the full state.

    """
    metadata = {'render_modes': ['rgb_array'], 'render_fps': 5}

    #: Slice of the agent position (x, y) in the full state.
    AGENT_POS = slice(0, 2)

    #: Radius of the goal disk (only used for ``info['is_success']`` and rendering).
    GOAL_RADIUS = 5.0

    #: Whether leaving the field ends the episode (reward -2, absorbing); if False, the position is
    #: clipped to the field instead.
    FIELD_EXIT_ABSORBING = True

    def __init__(self, observable_radius: float, render_mode: Optional[str] = None,
                 render_size: int = 300, normalize_observation: bool = False, progress_reward: float = 0.0):
        if render_mode is not None and render_mode not in self.metadata['render_modes']:
            raise ValueError(f'Unsupported render_mode {render_mode!r}; supported: '
                             f'{self.metadata["render_modes"]} or None.')
        if int(render_size) < 16:
            raise ValueError(f'render_size must be at least 16, got {render_size}.')
        if not observable_radius > 0:
            raise ValueError(f'observable_radius must be positive, got {observable_radius}.')
        if not (math.isfinite(float(progress_reward)) and float(progress_reward) >= 0.0):
            raise ValueError(f'progress_reward must be finite and >= 0, got {progress_reward}.')

        self.render_mode = render_mode
        self.render_size = int(render_size)
        self.observable_radius = float(observable_radius)
        self.normalize_observation = bool(normalize_observation)
        self.progress_reward = float(progress_reward)
        self.field_size = FIELD_SIZE
        self.speed = SPEED
        self.substep_dt = SUBSTEP_DT
        self.n_substeps = N_SUBSTEPS

        self.action_space = spaces.Box(low=-1.0, high=1.0, shape=(1,), dtype=np.float32)

        self.point_radius = POINT_RADIUS
        self._x = 0.0
        self._y = 0.0
        self._start = (0.0, 0.0)
        self._terminated = False
        self._distance = 0.0
        self._trajectory: List[Tuple[float, float]] = []
        self._pixel_grid: Optional[Tuple[np.ndarray, np.ndarray]] = None

    # ------------------------------------------------------------------ public API
    @property
    def dt(self) -> float:
        """
        Returns:
            The control period of one environment step (``n_substeps * substep_dt = 0.6``).

        """
        return self.n_substeps * self.substep_dt

    @property
    def agent_position(self) -> np.ndarray:
        """
        Returns:
            The agent position (x, y).

        """
        return np.array([self._x, self._y])

    @property
    def start_position(self) -> np.ndarray:
        """
        Returns:
            The start position (x, y) of the episode, the centre of the disk where the hidden information is shown.

        """
        return np.array(self._start, dtype=np.float64)

    @property
    def trajectory(self) -> np.ndarray:
        """
        Returns:
            The agent positions since the last reset, shape ``(n, 2)`` (reset position first).

        """
        return np.array(self._trajectory, dtype=np.float64).reshape(-1, 2)

    def is_observable(self, position: Optional[Sequence[float]] = None) -> bool:
        """
        Args:
            position (Sequence, None): a position (x, y); the agent's position if None.

        Returns:
            Whether the hidden information is visible at the position (distance to the start
            ``<=`` the observable radius).

        """
        x, y = (self._x, self._y) if position is None else (float(position[0]), float(position[1]))
        return math.hypot(x - self._start[0], y - self._start[1]) <= self.observable_radius

    def set_agent_position(self, position: Sequence[float]) -> np.ndarray:
        """
        Place the agent by hand (for tests and scripted experiments). The episode is no longer
        terminal afterwards; the position is appended to the trajectory.

        Args:
            position (Sequence): the new position (x, y), inside the field.

        Returns:
            The full state at the new position.

        Raises:
            ValueError: if the position is not finite or not inside the field.

        """
        x, y = float(position[0]), float(position[1])
        if not (math.isfinite(x) and math.isfinite(y)) or not self._inside(x, y):
            raise ValueError(f'Position ({x}, {y}) is not inside the field [0, {self.field_size}]^2.')
        self._x, self._y = x, y
        self._terminated = False
        self._trajectory.append((x, y))
        return self._get_obs()

    @staticmethod
    def heading(action: Any) -> float:
        """
        Args:
            action: the action (a scalar or an array with one element); clipped to ``[-1, 1]``.

        Returns:
            The heading ``(a + 1) * pi`` in radians.

        """
        a = float(np.asarray(action, dtype=np.float64).reshape(-1)[0])
        if not math.isfinite(a):
            raise ValueError(f'The action must be finite, got {a}.')
        a = min(1.0, max(-1.0, a))
        return (a + 1.0) * math.pi

    def distance_to_goal(self, position: Optional[Sequence[float]] = None) -> float:
        """
        Args:
            position (Sequence, None): a position (x, y); the agent's position if None.

        Returns:
            The Euclidean distance between the position and the goal.

        """
        x, y = (self._x, self._y) if position is None else (float(position[0]), float(position[1]))
        gx, gy = self._goal_xy()
        return math.hypot(x - gx, y - gy)

    # ------------------------------------------------------------------ Gymnasium API
    def reset(self, *, seed: Optional[int] = None,
              options: Optional[Dict[str, Any]] = None) -> Tuple[np.ndarray, Dict[str, Any]]:
        super().reset(seed=seed)
        self._sample_task(dict(options) if options else {})
        self._x, self._y = self._start
        self._terminated = False
        self._trajectory = [(self._x, self._y)]
        self._distance = self.distance_to_goal()
        info = self._info(collision=None)
        info['clipped'] = False
        return self._get_obs(), info

    def step(self, action: Any) -> Tuple[np.ndarray, float, bool, bool, Dict[str, Any]]:
        phi = self.heading(action)
        if self._terminated:
            info = self._info(collision=None)
            info.update(clipped=False, task_reward=0.0)
            return self._get_obs(), 0.0, True, False, info

        ds = self.speed * self.substep_dt
        dx, dy = math.cos(phi) * ds, math.sin(phi) * ds
        collision = None
        clipped = False
        x, y = self._x, self._y
        size = self.field_size
        for _ in range(self.n_substeps):
            nx, ny = x + dx, y + dy
            if not self.FIELD_EXIT_ABSORBING and not self._inside(nx, ny):
                nx, ny = min(size, max(0.0, nx)), min(size, max(0.0, ny))
                clipped = True
            t_hit, kind = self._first_collision(x, y, nx, ny)
            if kind is not None:
                x, y = x + t_hit * (nx - x), y + t_hit * (ny - y)
                if kind == 'field':  # remove rounding errors: the contact point is on the border
                    x = min(self.field_size, max(0.0, x))
                    y = min(self.field_size, max(0.0, y))
                collision = kind
                break
            x, y = nx, ny

        self._x, self._y = x, y
        self._trajectory.append((x, y))
        if collision is not None:
            self._terminated = True
            reward = task_reward = COLLISION_REWARD
        else:
            distance = self.distance_to_goal()
            task_reward = self._reward(distance)
            reward = task_reward + self.progress_reward * (self._distance - distance)
            self._distance = distance
        info = self._info(collision)
        info.update(clipped=clipped, task_reward=float(task_reward))
        return self._get_obs(), float(reward), collision is not None, False, info

    def render(self) -> Optional[np.ndarray]:
        if self.render_mode != 'rgb_array':
            return None
        return self._render_rgb()

    # ------------------------------------------------------------------ subclass hooks
    def _sample_task(self, options: Dict[str, Any]) -> None:
        raise NotImplementedError

    def _goal_xy(self) -> Tuple[float, float]:
        raise NotImplementedError

    def _reward(self, distance: float) -> float:
        raise NotImplementedError

    def _full_state(self) -> np.ndarray:
        """The full state in field units (see the module docstring for its layout)."""
        raise NotImplementedError

    def _get_obs(self) -> np.ndarray:
        state = self._full_state()
        return state / self.field_size if self.normalize_observation else state

    def _state_space(self, high: np.ndarray, low: Optional[np.ndarray] = None) -> spaces.Box:
        """The observation space of full states in ``[low, high]`` (in field units; ``low`` 0 if None), scaled like
        the observations."""
        scale = self.field_size if self.normalize_observation else 1.0
        high = np.asarray(high, dtype=np.float64) / scale
        low = np.zeros_like(high) if low is None else np.asarray(low, dtype=np.float64) / scale
        return spaces.Box(low=low, high=high, dtype=np.float64)

    def _set_masks(self, visible: slice, hidden: slice) -> None:
        """The masks of a full state ``[position, visible copy, hidden information]``: the policy sees the position
        and the visible copy, the privileged critic the position and the hidden information (as the authors' code)."""
        policy = np.zeros(self.observation_space.shape[0], dtype=bool)
        policy[self.AGENT_POS] = True
        critic = policy.copy()
        policy[visible] = True
        critic[hidden] = True
        self._policy_obs_mask, self._critic_obs_mask = policy, critic

    def _walls(self) -> List[Tuple[float, float, float, float]]:
        """
        Returns:
            The walls as ``(y, half_thickness, door_low, door_high)``: the horizontal band
            ``|y' - y| <= half_thickness`` across the field except the door ``[door_low, door_high]``.
            The agent's centre collides with the open band ``|y' - y| < half_thickness`` outside
            the open interval ``(door_low + point_radius, door_high - point_radius)``.

        """
        return []

    def _goal_candidates(self) -> List[Tuple[float, float]]:
        return [self._goal_xy()]

    def _info(self, collision: Optional[str]) -> Dict[str, Any]:
        distance = self.distance_to_goal()
        return {
            'distance_to_goal': distance,
            'is_success': distance <= self.GOAL_RADIUS,
            'observable': self.is_observable(),
            'left_field': collision == 'field',
            'hit_wall': collision == 'wall',
        }
