"""Point-mass memory tasks of the S2PG paper (appendix E.1): ``PointMassMemory-v0``, ``PointMassMemory-v1`` and
``PointMassDoor-v0`` (the door task: ``environments/point_mass_door.py``).

All tasks move a point mass in a 150 x 150 field (x to the right, y up) with a scalar action
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
as in the authors' code: it ends the memory tasks, while the door task clips the position.

As for the POMDP locomotion tasks, the observation returned by the environment is the FULL state, laid out as
in the authors' code: ``[position, visible copy, hidden information]``. The visible copy equals the hidden
information inside the observable radius and a fixed "hidden" value outside (memory tasks: ``(0, 0)``, as the
authors'; door task: ``-1``); the hidden information is always present. Two boolean masks, as long as the state,
say who sees what: ``policy_obs_mask`` (the policy: position and visible copy; its input is
``masked_observation(full_state, policy_obs_mask)``) and ``critic_obs_mask`` (a privileged critic: position and
hidden information, the authors' ``critic_state_mask``). The agents give their critics the whole full state
unless they apply ``critic_obs_mask``; the visible copy is then redundant for them.

``PointMassMemory-v0`` (full state of size 6)::

    [0:2]  agent position (x, y)                                  policy: visible   critic: visible
    [2:4]  visible goal: the goal (x, y) if |agent - start| <= 30,  policy: visible   critic: hidden
           else (0, 0)
    [4:6]  true goal (x, y)                                       policy: hidden    critic: visible

Goals: ``(x, 130)`` for ``x`` in ``(25, 57, 88, 120)``; starts: ``(x, 15)`` for the same ``x``
values. Goal and start are drawn independently and uniformly at every reset from the seeded
``np_random``. Reward ``exp(-0.1 d)``; leaving the field: ``-2`` and absorbing. This is the authors' task
(``point_mass_v3.py``), and it does not need memory: the 16 straight start-goal lines are told apart by the
position once the agent has left the visible disk along its line, so a policy that sees only the current
observation and heads for the goal of the nearest line (``environments/point_mass_scripts.py``) scores exactly as
the oracle, 34.04 per episode at horizon 100 and 858.0 at horizon 1000 (mean over the 16 pairs).

``PointMassMemory-v1``: the same task, state layout, reward and visible disk, with start and goal drawn
continuously: start ``(U[25, 120], 15)`` and goal ``(U[25, 120], 130)``, independently (the x range of v0's
discrete values). Through every point between the two rows pass start-goal lines to many goals, so a straight path
tells nothing about its goal once the goal is out of sight. A policy without memory can still carry information in
its path (e.g. leave the visible disk at a height that encodes the goal), at the cost of detours; the scripted
memoryless policy does not (the visible goal, then the goal row's middle): over 50 seeded episodes at horizon 1000 it
scores 211.55 against the oracle's 859.76 and ends more than 5 from the goal in 88 % of them
(``tests/test_point_mass_scripts.py``).

Horizon: 1000 steps for every point-mass task (``POINT_MASS_MAX_EPISODE_STEPS``, registered as
``max_episode_steps``), the default of the authors' classes; the grids vary it with the run option ``horizon``
(``make_env(env_id, horizon=...)``). The longest start-goal distance of the memory tasks, ~149, takes ~83 steps;
the door task at least 130 / 1.8 ~ 73 steps plus the detours to the doors; the rest of an episode is spent at the
goal, so returns grow with the horizon.

Two options, both off by default (the paper's tasks), help experts learn the tasks quickly, e.g. the
``SAC_ORACLE`` experts of ``launchers/tools/make_expert_data.py``:

- ``normalize_observation=True`` divides the full state by the field size; the networks see inputs of order 1
  instead of order 100. Expert data written under it holds normalised states, so its imitators must use it too.
- ``progress_reward=c`` adds ``c (d_prev - d)`` to the reward of every collision-free step, the distance
  gained towards the goal (``d_prev`` the distance before the step, the start's at a reset). Far from
  the goal ``exp(-0.1 d)`` is about ``1e-5`` and gives no learning signal; the progress term gives one at
  every step, and it sums to ``c (d_start - d_end)`` over an episode, so it does not reward circling. The
  task's own reward of the step is always in ``info['task_reward']``.

Tests and scripted experiments can fix the random quantities through ``reset`` options
(``{'goal_index': i, 'start_index': j}`` for v0, ``{'goal_x': x, 'start_x': x}`` for v1, ``{'doors': (x1, x2)}``
for the door task) and place the agent by hand with ``set_agent_position``.

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

from environments.point_mass_door import HIDDEN_DOOR, PointMassDoorEnv
from environments.point_mass_dynamics import PointMassEnvBase
from environments.point_mass_geometry import (COLLISION_REWARD, FIELD_SIZE, N_SUBSTEPS, POINT_RADIUS, SPEED,
                                              SUBSTEP_DT, WALL_HALF_THICKNESS)

__all__ = [
    'COLLISION_REWARD',
    'DOOR_MAX_EPISODE_STEPS',
    'FIELD_SIZE',
    'HIDDEN_DOOR',
    'MEMORY_MAX_EPISODE_STEPS',
    'N_SUBSTEPS',
    'POINT_MASS_ENV_IDS',
    'POINT_MASS_MAX_EPISODE_STEPS',
    'POINT_RADIUS',
    'SPEED',
    'SUBSTEP_DT',
    'WALL_HALF_THICKNESS',
    'PointMassMemoryEnv',
    'PointMassMemoryUniformEnv',
    'PointMassDoorEnv',
    'register_point_mass_envs',
]

#: The episode horizon (``max_episode_steps``) of every point-mass task: the authors' constructor default.
POINT_MASS_MAX_EPISODE_STEPS = 1000
MEMORY_MAX_EPISODE_STEPS = POINT_MASS_MAX_EPISODE_STEPS
DOOR_MAX_EPISODE_STEPS = POINT_MASS_MAX_EPISODE_STEPS


class PointMassMemoryEnv(PointMassEnvBase):
    """
    Point-mass memory task: reach one of four goals that is shown to the policy only within
    radius 30 of the start. See the module docstring for the full-state layout.

    """
    #: Slices of the full state.
    VISIBLE_GOAL = slice(2, 4)
    GOAL = slice(4, 6)
    STATE_SIZE = 6

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
        self._set_masks(visible=self.VISIBLE_GOAL, hidden=self.GOAL)

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
        return np.array([self._x, self._y, vx, vy, gx, gy], dtype=np.float64)


class PointMassMemoryUniformEnv(PointMassMemoryEnv):
    """
    ``PointMassMemory-v1``: :class:`PointMassMemoryEnv` with the start x and the goal x drawn independently from
    ``U[X_RANGE]`` (reset options ``start_x`` and ``goal_x`` fix them). See the module docstring.

    """
    #: The range of the start and goal x coordinates: the span of v0's discrete values.
    X_RANGE: Tuple[float, float] = (25.0, 120.0)

    def _sample_task(self, options: Dict[str, Any]) -> None:
        goal_x = options.pop('goal_x', None)
        start_x = options.pop('start_x', None)
        if options:
            raise ValueError(f'Unknown reset options {sorted(options)}; valid: goal_x, start_x.')
        low, high = self.X_RANGE
        xs = []
        for value, name in ((goal_x, 'goal_x'), (start_x, 'start_x')):
            if value is None:
                xs.append(float(self.np_random.uniform(low, high)))
                continue
            value = float(value)
            if not low <= value <= high:
                raise ValueError(f'{name} must be in [{low}, {high}], got {value}.')
            xs.append(value)
        self._goal = (xs[0], self.GOAL_Y)
        self._start = (xs[1], self.START_Y)

    def _goal_candidates(self) -> List[Tuple[float, float]]:
        return [self._goal]


_POINT_MASS_ENVS: Dict[str, Tuple[type, int]] = {
    'PointMassMemory-v0': (PointMassMemoryEnv, MEMORY_MAX_EPISODE_STEPS),
    'PointMassMemory-v1': (PointMassMemoryUniformEnv, MEMORY_MAX_EPISODE_STEPS),
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
