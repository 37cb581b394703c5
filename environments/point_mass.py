"""Point-mass memory tasks of the S2PG paper (appendix E.1): ``PointMassMemory-v0`` and ``PointMassDoor-v0``.

Both tasks move a point mass in a 150 x 150 field (x to the right, y up) with a scalar action
``a`` in ``[-1, 1]`` that sets the heading ``phi = (a + 1) * pi`` (``a = -1`` -> ``+x``,
``a = -0.5`` -> ``+y``, ``a = 0`` -> ``-x``, ``a = 0.5`` -> ``-y``; actions are clipped to
``[-1, 1]``). Some information (the goal, the door positions) is shown to the policy only while the
agent is within a radius of its start position.

Motion (interpretation of "speed 3, dt 0.2 with 3 sub-steps", as in the authors' code): every
environment step integrates ``N_SUBSTEPS = 3`` Euler sub-steps of length ``SUBSTEP_DT = 0.2`` at
speed ``SPEED = 3``, so each sub-step moves ``0.6`` and each environment step moves ``1.8`` along the
heading; the control period ``dt`` of the task is ``3 * 0.2 = 0.6``. Collisions are checked on every
sub-step segment (segment/boundary and segment/wall-region intersections, so fast motion cannot
tunnel); on a collision the agent is placed at the contact point (the first point of the segment
that touches the wall region or the border), the remaining sub-steps are skipped, the reward is
``-2`` and the step is terminal (absorbing, ``terminated=True``). Otherwise the reward is computed
from the distance ``d`` between the agent's position at the end of the step and the goal. Stepping
again after a terminal step (without a reset) keeps the agent in the absorbing state: same
observation, reward 0, ``terminated=True``. What leaving the field does differs between the tasks,
as in the authors' code: it ends the memory task, while the door task clips the position.

As for the POMDP locomotion tasks, the observation returned by the environment is the FULL state
(for privileged critics) and ``policy_obs_mask`` (boolean, as long as the state) is ``True`` on the
entries the policy may see: the policy input is ``masked_observation(full_state, policy_obs_mask)``.
Because the hidden information is visible only inside a radius, the full state holds it twice: a
"visible" copy (policy may look; equal to the true value inside the radius and zeros outside) and
the true value (always present, hidden from the policy).

``PointMassMemory-v0`` (full state of size 8, horizon 100)::

    [0:2]  agent position (x, y)                                  policy: visible
    [2:4]  visible goal: the goal (x, y) if |agent - start| <= 30,  policy: visible
           else (0, 0)
    [4:6]  true goal (x, y)                                       policy: hidden
    [6:8]  start position (x, y)                                  policy: hidden

Goals: ``(x, 130)`` for ``x`` in ``(25, 57, 88, 120)``; starts: ``(x, 15)`` for the same ``x``
values. Goal and start are drawn independently and uniformly at every reset from the seeded
``np_random``. Reward ``exp(-0.1 d)``; leaving the field: ``-2`` and absorbing.

``PointMassDoor-v0`` (full state of size 6, horizon 150)::

    [0:2]  agent position (x, y)                                  policy: visible
    [2:4]  visible doors: the left edges (x1, x2) of the doors in   policy: visible
           the walls y = 60 and y = 90 if |agent - start| <= 20, else (0, 0)
    [4:6]  true door left edges (x1, x2)                          policy: hidden

Start ``(75, 10)``, goal ``(75, 140)``. Geometry as in the authors' ``point_mass_door.py``: each
wall is a horizontal band of thickness 5 (``WALL_HALF_THICKNESS = 2.5`` on each side of the wall
lines ``y = 60`` and ``y = 90``) across the whole field except its door, the x interval
``[x_i, x_i + 40]``; the door's LEFT EDGE ``x_i`` is drawn from ``U[10, 100]`` at every reset (so
the door always lies inside ``[10, 140]``). The agent is a disk of radius ``POINT_RADIUS = 2``
whose centre is its position; it touches a wall when its centre is strictly inside the band,
``|y - y_wall| < 2.5``, at an x outside the open interval ``(x_i + 2, x_i + 38)``: the effective
opening for the centre is 36 wide (the radius shrinks the door on both sides; the band is not
widened by the radius, as in the authors' code). The band's faces ``y = y_wall +- 2.5`` belong to
the free space, the shrunk door edges ``x = x_i + 2`` and ``x = x_i + 38`` to the wall. A sub-step
segment that enters this region stops at its first point in the region's closure (on a face or a
door edge): reward ``-2`` and absorbing. (The authors' code tests only the sub-step start points
against the band and leaves the agent one sub-step further; the segment test cannot miss a corner.)
Leaving the field does NOT end the episode: every sub-step's end point is clipped to the field
``[0, 150]^2`` (each coordinate separately, so the agent slides along the border) before the wall
test, and the step's reward is the usual ``10 exp(-0.03 d)`` of the clipped end position, as in the
authors' code (``info['clipped']`` tells whether a sub-step was clipped). Reward otherwise
``10 exp(-0.03 d)``.

Horizons (``MEMORY_MAX_EPISODE_STEPS = 100``, ``DOOR_MAX_EPISODE_STEPS = 150``, registered as
``max_episode_steps``): neither the paper nor the authors' code states them (the authors' classes
only have a constructor default ``horizon=1000``, and their repository has no launcher for the
point-mass experiments). They are this project's choice: the longest start-goal distance of the
memory task, ~149, needs ~83 steps; the door task needs at least 130 / 1.8 ~ 73 steps plus the
detours to the doors.

Two options, both off by default (the paper's tasks), help experts learn the tasks quickly, e.g. the
``SAC_ORACLE`` experts of ``launchers/tools/make_expert_data.py``:

- ``normalize_observation=True`` divides the full state by the field size (every entry in ``[0, 1]``);
  the networks see inputs of order 1 instead of order 100. Expert data written under it holds normalised
  states, so its imitators must use it too.
- ``progress_reward=c`` adds ``c (d_prev - d)`` to the reward of every collision-free step, the distance
  gained towards the goal (``d_prev`` the distance before the step, the start's at a reset). Far from
  the goal ``exp(-0.1 d)`` is about ``1e-5`` and gives no learning signal; the progress term gives one at
  every step, and it sums to ``c (d_start - d_end)`` over an episode, so it does not reward circling. The
  task's own reward of the step is always in ``info['task_reward']``.

Tests and scripted experiments can fix the random quantities through ``reset`` options
(``{'goal_index': i, 'start_index': j}`` for the memory task, ``{'doors': (x1, x2)}`` for the door
task) and place the agent by hand with ``set_agent_position``.

Rendering (``render_mode='rgb_array'``) is pure numpy and returns a ``(render_size, render_size, 3)``
``uint8`` image (default 300 x 300): field, observable disk around the start, walls (bands of
thickness 5) and doors (the full 40-wide gaps), candidate and active goals, start, trajectory so far
and the agent (a disk of radius ``POINT_RADIUS``).

Importing this module registers nothing; call :func:`register_point_mass_envs` (the
``environments`` package does so on import).

"""
import math
from typing import Any, Dict, List, Optional, Tuple

import gymnasium
import numpy as np

from environments.point_mass_dynamics import PointMassEnvBase
from environments.point_mass_geometry import (COLLISION_REWARD, FIELD_SIZE, N_SUBSTEPS, POINT_RADIUS, SPEED,
                                              SUBSTEP_DT, WALL_HALF_THICKNESS)

__all__ = [
    'COLLISION_REWARD',
    'DOOR_MAX_EPISODE_STEPS',
    'FIELD_SIZE',
    'MEMORY_MAX_EPISODE_STEPS',
    'N_SUBSTEPS',
    'POINT_MASS_ENV_IDS',
    'POINT_RADIUS',
    'SPEED',
    'SUBSTEP_DT',
    'WALL_HALF_THICKNESS',
    'PointMassMemoryEnv',
    'PointMassDoorEnv',
    'register_point_mass_envs',
]

#: Episode horizons (``max_episode_steps``). Neither the paper nor the authors' code states them (the
#: authors' classes default to ``horizon=1000`` and no point-mass launcher is published): this project's
#: choice, see the module docstring.
MEMORY_MAX_EPISODE_STEPS = 100
DOOR_MAX_EPISODE_STEPS = 150


class PointMassMemoryEnv(PointMassEnvBase):
    """
    Point-mass memory task: reach one of four goals that is shown to the policy only within
    radius 30 of the start. See the module docstring for the full-state layout.

    """
    #: Slices of the full state.
    VISIBLE_GOAL = slice(2, 4)
    GOAL = slice(4, 6)
    START = slice(6, 8)
    STATE_SIZE = 8

    #: The x coordinates of the goals (y = 130) and of the starts (y = 15).
    GOAL_XS: Tuple[float, ...] = (25.0, 57.0, 88.0, 120.0)
    START_XS: Tuple[float, ...] = (25.0, 57.0, 88.0, 120.0)
    GOAL_Y = 130.0
    START_Y = 15.0

    def __init__(self, render_mode: Optional[str] = None, render_size: int = 300,
                 observable_radius: float = 30.0, normalize_observation: bool = False,
                 progress_reward: float = 0.0):
        """
        Constructor.

        Args:
            render_mode (str, None): None or ``'rgb_array'``;
            render_size (int, 300): side in pixels of the rendered image;
            observable_radius (float, 30.): the goal is visible while the distance of the agent to
                its start is at most this radius;
            normalize_observation (bool, False), progress_reward (float, 0.): the training aids (module
                docstring): the full state divided by the field size; the weight of the progress reward.

        """
        super().__init__(observable_radius, render_mode=render_mode, render_size=render_size,
                         normalize_observation=normalize_observation, progress_reward=progress_reward)
        self.goals = np.array([[x, self.GOAL_Y] for x in self.GOAL_XS])
        self.starts = np.array([[x, self.START_Y] for x in self.START_XS])
        self._goal = (float(self.goals[0, 0]), float(self.goals[0, 1]))
        self.goal_index = 0
        self.start_index = 0

        self.observation_space = self._state_space(np.full(self.STATE_SIZE, self.field_size))
        mask = np.zeros(self.STATE_SIZE, dtype=bool)
        mask[self.AGENT_POS] = True
        mask[self.VISIBLE_GOAL] = True
        self._policy_obs_mask = mask

    def _sample_task(self, options: Dict[str, Any]) -> None:
        goal_index = options.pop('goal_index', None)
        start_index = options.pop('start_index', None)
        if options:
            raise ValueError(f'Unknown reset options {sorted(options)}; valid: goal_index, start_index.')
        self.goal_index = (int(self.np_random.integers(len(self.goals))) if goal_index is None
                           else self._check_index(goal_index, len(self.goals), 'goal_index'))
        self.start_index = (int(self.np_random.integers(len(self.starts))) if start_index is None
                            else self._check_index(start_index, len(self.starts), 'start_index'))
        self._goal = (float(self.goals[self.goal_index, 0]), float(self.goals[self.goal_index, 1]))
        self._start = (float(self.starts[self.start_index, 0]), float(self.starts[self.start_index, 1]))

    @staticmethod
    def _check_index(index: Any, n: int, name: str) -> int:
        index = int(index)
        if not 0 <= index < n:
            raise ValueError(f'{name} must be in [0, {n - 1}], got {index}.')
        return index

    def _goal_xy(self) -> Tuple[float, float]:
        return self._goal

    def _goal_candidates(self) -> List[Tuple[float, float]]:
        return [(float(x), float(y)) for x, y in self.goals]

    def _info(self, collision: Optional[str]) -> Dict[str, Any]:
        info = super()._info(collision)
        info['goal_visible'] = info['observable']
        return info

    def _reward(self, distance: float) -> float:
        return math.exp(-0.1 * distance)

    def _full_state(self) -> np.ndarray:
        gx, gy = self._goal
        if self.is_observable():
            vx, vy = gx, gy
        else:
            vx = vy = 0.0
        return np.array([self._x, self._y, vx, vy, gx, gy, self._start[0], self._start[1]],
                        dtype=np.float64)


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
            normalize_observation (bool, False), progress_reward (float, 0.): the training aids (module
                docstring): the full state divided by the field size; the weight of the progress reward.

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
            np.array([self.field_size, self.field_size, max_edge, max_edge, max_edge, max_edge]))
        mask = np.zeros(self.STATE_SIZE, dtype=bool)
        mask[self.AGENT_POS] = True
        mask[self.VISIBLE_DOORS] = True
        self._policy_obs_mask = mask

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
        if self.is_observable():
            v1, v2 = d1, d2
        else:
            v1 = v2 = 0.0
        return np.array([self._x, self._y, v1, v2, d1, d2], dtype=np.float64)

    def _info(self, collision: Optional[str]) -> Dict[str, Any]:
        info = super()._info(collision)
        info['doors_visible'] = info['observable']
        return info


_POINT_MASS_ENVS: Dict[str, Tuple[type, int]] = {
    'PointMassMemory-v0': (PointMassMemoryEnv, MEMORY_MAX_EPISODE_STEPS),
    'PointMassDoor-v0': (PointMassDoorEnv, DOOR_MAX_EPISODE_STEPS),
}

#: Ids of the point-mass environments, registered in Gymnasium by ``register_point_mass_envs``.
POINT_MASS_ENV_IDS: Tuple[str, ...] = tuple(_POINT_MASS_ENVS)


def register_point_mass_envs() -> None:
    """
    Register the point-mass environments in Gymnasium. Calling it again has no effect.

    """
    for env_id, (cls, max_steps) in _POINT_MASS_ENVS.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, entry_point=f'{__name__}:{cls.__name__}',
                               max_episode_steps=max_steps)
