"""The point-mass door task ``PointMassDoor-v0`` (``environments/point_mass.py`` describes the common dynamics).

Full state of size 6 (horizon 1000)::

    [0:2]  agent position (x, y)                                  policy: visible   critic: visible
    [2:4]  visible doors: the left edges (x1, x2) of the doors in   policy: visible   critic: hidden
           the walls y = 60 and y = 90 if |agent - start| <= 20,
           else (-1, -1) (``HIDDEN_DOOR``)
    [4:6]  true door left edges (x1, x2)                          policy: hidden    critic: visible

As in the authors' ``point_mass_door.py``, the visible copy of a door reads ``-1`` (a value no door edge takes)
out of sight, and the critic's state is the position and the true doors (``critic_obs_mask``).

Start ``(75, 10)``, goal ``(75, 140)``. Geometry as in the authors' code: each wall is a horizontal band of
thickness 5 (``WALL_HALF_THICKNESS = 2.5`` on each side of the wall lines ``y = 60`` and ``y = 90``) across the
whole field except its door, the x interval ``[x_i, x_i + 40]``; the door's LEFT EDGE ``x_i`` is drawn from
``U[10, 100]`` at every reset (so the door always lies inside ``[10, 140]``). The agent is a disk of radius
``POINT_RADIUS = 2`` whose centre is its position; it touches a wall when its centre is strictly inside the band,
``|y - y_wall| < 2.5``, at an x outside the open interval ``(x_i + 2, x_i + 38)``: the effective opening for the
centre is 36 wide (the radius shrinks the door on both sides; the band is not widened by the radius, as in the
authors' code). The band's faces ``y = y_wall +- 2.5`` belong to the free space, the shrunk door edges
``x = x_i + 2`` and ``x = x_i + 38`` to the wall. A sub-step segment that enters this region stops at its first
point in the region's closure (on a face or a door edge): reward ``-2`` and absorbing. (The authors' code tests
only the sub-step start points against the band and leaves the agent one sub-step further; the segment test
cannot miss a corner.) Leaving the field does NOT end the episode: every sub-step's end point is clipped to the
field ``[0, 150]^2`` (each coordinate separately, so the agent slides along the border) before the wall test, and
the step's reward is the usual ``10 exp(-0.03 d)`` of the clipped end position, as in the authors' code
(``info['clipped']`` tells whether a sub-step was clipped). Reward otherwise ``10 exp(-0.03 d)``.

Tests and scripted experiments fix the doors with the reset option ``{'doors': (x1, x2)}``.

"""
import math
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from environments.point_mass_dynamics import PointMassEnvBase
from environments.point_mass_geometry import POINT_RADIUS, WALL_HALF_THICKNESS

__all__ = ['HIDDEN_DOOR', 'PointMassDoorEnv']

#: The value of the visible door entries while the doors are out of sight (the authors' code's).
HIDDEN_DOOR = -1.0


class PointMassDoorEnv(PointMassEnvBase):
    """
    Point-mass door task: pass the doors of two walls whose positions are shown to the policy only
    within radius 20 of the start. See the module docstring for the full-state layout and the
    geometry (walls of thickness 5, point radius 2, position clipped to the field).

    """
    FIELD_EXIT_ABSORBING = False

    #: Slices of the full state.
    VISIBLE_DOORS = slice(2, 4)
    DOORS = slice(4, 6)
    STATE_SIZE = 6

    #: The fixed start and goal positions (x, y).
    START_XY: Tuple[float, float] = (75.0, 10.0)
    GOAL_XY: Tuple[float, float] = (75.0, 140.0)
    WALL_YS: Tuple[float, float] = (60.0, 90.0)

    def __init__(self, render_mode: Optional[str] = None, render_size: int = 300,
                 observable_radius: float = 20.0, door_width: float = 40.0,
                 door_range: Tuple[float, float] = (10.0, 100.0),
                 wall_half_thickness: float = WALL_HALF_THICKNESS, point_radius: float = POINT_RADIUS,
                 normalize_observation: bool = False, progress_reward: float = 0.0):
        """
        Constructor.

        Args:
            render_mode (str, None): None or ``'rgb_array'``;
            render_size (int, 300): side in pixels of the rendered image;
            observable_radius (float, 20.): the doors are visible while the distance of the agent
                to the start is at most this radius;
            door_width (float, 40.): the width of each door;
            door_range (tuple, (10., 100.)): the door's left edge is drawn uniformly in this range;
            wall_half_thickness (float, 2.5): half the thickness of the walls;
            point_radius (float, 2.): the radius of the agent (shrinks each door by it on both sides);
            normalize_observation (bool, False), progress_reward (float, 0.): the training aids
                (``environments/point_mass.py``): the full state divided by the field size; the weight of the
                progress reward.

        """
        super().__init__(observable_radius, render_mode=render_mode, render_size=render_size,
                         normalize_observation=normalize_observation, progress_reward=progress_reward)
        low, high = float(door_range[0]), float(door_range[1])
        self.door_width = float(door_width)
        self.wall_half_thickness = float(wall_half_thickness)
        self.point_radius = float(point_radius)
        if not (0.0 < self.door_width < self.field_size and 0.0 <= low <= high
                and high + self.door_width <= self.field_size):
            raise ValueError(f'Invalid doors: width {door_width}, range {door_range} in a field '
                             f'of size {self.field_size}.')
        if not (self.wall_half_thickness > 0.0 and 0.0 <= 2.0 * self.point_radius < self.door_width):
            raise ValueError(f'Invalid walls: half thickness {wall_half_thickness} must be positive and '
                             f'the point radius {point_radius} in [0, door width / 2).')
        self.door_range = (low, high)
        self._doors = (low, low)
        self._start = self.START_XY

        max_edge = self.field_size - self.door_width
        self.observation_space = self._state_space(
            np.array([self.field_size, self.field_size, max_edge, max_edge, max_edge, max_edge]),
            low=np.array([0.0, 0.0, HIDDEN_DOOR, HIDDEN_DOOR, 0.0, 0.0]))
        self._set_masks(visible=self.VISIBLE_DOORS, hidden=self.DOORS)

    def _sample_task(self, options: Dict[str, Any]) -> None:
        doors = options.pop('doors', None)
        if options:
            raise ValueError(f'Unknown reset options {sorted(options)}; valid: doors.')
        if doors is None:
            sampled = self.np_random.uniform(self.door_range[0], self.door_range[1], size=2)
            self._doors = (float(sampled[0]), float(sampled[1]))
        else:
            doors = np.asarray(doors, dtype=np.float64).reshape(-1)
            max_edge = self.field_size - self.door_width
            if doors.shape != (2,) or not np.all((doors >= 0.0) & (doors <= max_edge)):
                raise ValueError(f'doors must be two left edges in [0, {max_edge}], got {doors}.')
            self._doors = (float(doors[0]), float(doors[1]))
        self._start = self.START_XY

    def _goal_xy(self) -> Tuple[float, float]:
        return self.GOAL_XY

    def _walls(self) -> List[Tuple[float, float, float, float]]:
        return [(wy, self.wall_half_thickness, d, d + self.door_width) for wy, d in zip(self.WALL_YS, self._doors)]

    def _reward(self, distance: float) -> float:
        return 10.0 * math.exp(-0.03 * distance)

    def _full_state(self) -> np.ndarray:
        d1, d2 = self._doors
        v1, v2 = (d1, d2) if self.is_observable() else (HIDDEN_DOOR, HIDDEN_DOOR)
        return np.array([self._x, self._y, v1, v2, d1, d2], dtype=np.float64)

    def _info(self, collision: Optional[str]) -> Dict[str, Any]:
        info = super()._info(collision)
        info['doors_visible'] = info['observable']
        return info
