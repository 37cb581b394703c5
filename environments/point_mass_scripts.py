"""Scripted reference policies of the point-mass tasks: what a policy can reach with and without memory.

Each policy maps a FULL state (in field units, as :class:`~environments.point_mass.PointMassMemoryEnv` and
:class:`~environments.point_mass.PointMassDoorEnv` return it without ``normalize_observation``) to the scalar
heading action. The ``oracle`` policies read the hidden entries (the true goal, the true doors); the ``memoryless``
policies read only what the policy observes NOW (``policy_obs_mask``): the position, and the visible copy of the
hidden information while it is shown. :func:`rollout` runs one on a task with fixed reset options.

What they show (``tests/test_point_mass_scripts.py``):

- ``PointMassMemory-v0`` does not need memory. With four starts and four goals, the 16 straight start-goal
  lines are told apart by the position alone once the agent has left the visible disk along its line, so
  :func:`memory_memoryless_action` (head for the goal of the nearest start-goal line) reaches exactly the oracle's
  return (34.04 per episode over the 16 pairs at horizon 100, 858.01 at the task's horizon 1000). An expert that
  heads straight for its goal is therefore imitable without memory, and a memory advantage of an imitator on this
  task can only come from how easily it learns, not from what it can represent.
- ``PointMassMemory-v1`` does (for a policy that does not encode the goal in its path). Start and goal lie anywhere
  along their rows, so many start-goal lines pass through every position: :func:`uniform_memory_memoryless_action`
  follows the visible goal while it is shown, then heads for the middle of the goal row, its best constant guess.
  Over 50 seeded episodes at horizon 1000 it scores 211.55 against the oracle's 859.76 and ends more than 5 away
  from the goal in 88 % of them, the oracle in none (``tests/test_point_mass_scripts.py``).
- ``PointMassDoor-v0`` does. The first door is in the direction the agent leaves the visible disk (the start is
  fixed), but nothing observable tells where the second door is: :func:`door_memoryless_action` (its best
  constant guess, the field's middle) hits the second wall in about 60 % of the episodes (62 % of 200 seeded door
  pairs; return 3494.8 against the oracle's 9054.0 at horizon 1000), the oracle never.

"""
from typing import Callable, Dict, Optional, Sequence, Tuple

import numpy as np
from mushroom_rl.core import Agent
from mushroom_rl.policy import Policy

from environments.point_mass import FIELD_SIZE, PointMassDoorEnv, PointMassMemoryEnv, PointMassMemoryUniformEnv
from environments.registry import make_env

__all__ = ['SCRIPTS', 'ScriptedPolicy', 'door_memoryless_action', 'door_oracle_action', 'heading_action',
           'memory_memoryless_action', 'memory_oracle_action', 'rollout', 'scripted_agent',
           'uniform_memory_memoryless_action']

_STARTS = np.array([[x, PointMassMemoryEnv.START_Y] for x in PointMassMemoryEnv.START_XS])
_GOALS = np.array([[x, PointMassMemoryEnv.GOAL_Y] for x in PointMassMemoryEnv.GOAL_XS])

#: The door's centre is this far right of its left edge (half the door width of 40).
_DOOR_HALF_WIDTH = 20.0
#: Waypoints sit this far below and above each wall line, so that the agent crosses the wall vertically.
_WALL_CLEARANCE = 5.0


def heading_action(position: Sequence[float], target: Sequence[float]) -> float:
    """The action whose heading (a + 1) pi points from ``position`` to ``target``."""
    angle = np.arctan2(target[1] - position[1], target[0] - position[0]) % (2 * np.pi)
    return float(angle / np.pi - 1.)


def memory_oracle_action(state: np.ndarray) -> float:
    """``PointMassMemory-v0`` and ``-v1``: head straight for the true goal (hidden entries 4:6), the task's optimum."""
    return heading_action(state[0:2], state[PointMassMemoryEnv.GOAL])


def _segment_distances(point: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Distances from ``point`` to the segments ``starts[i] -> ends[i]``."""
    direction = ends - starts
    t = np.clip(np.einsum('ij,ij->i', point - starts, direction) / np.einsum('ij,ij->i', direction, direction), 0, 1)
    return np.linalg.norm(point - (starts + t[:, None] * direction), axis=1)


def memory_memoryless_action(state: np.ndarray) -> float:
    """
    ``PointMassMemory-v0`` from the observed entries only: the visible goal while it is shown, else the goal of the
    start-goal line (of the 4 x 4) nearest to the position. No memory: the action depends on this state alone.

    """
    position, visible_goal = state[0:2], state[PointMassMemoryEnv.VISIBLE_GOAL]
    if np.any(visible_goal != 0):
        return heading_action(position, visible_goal)
    starts = np.repeat(_STARTS, len(_GOALS), axis=0)
    goals = np.tile(_GOALS, (len(_STARTS), 1))
    return heading_action(position, goals[np.argmin(_segment_distances(position, starts, goals))])


#: Where :func:`uniform_memory_memoryless_action` heads once the goal is out of sight: the middle of the goal row.
_GOAL_ROW_MIDDLE = (sum(PointMassMemoryUniformEnv.X_RANGE) / 2, PointMassMemoryUniformEnv.GOAL_Y)


def uniform_memory_memoryless_action(state: np.ndarray) -> float:
    """
    ``PointMassMemory-v1`` from the observed entries only: the visible goal while it is shown, else the middle of the
    goal row (the goal's x is uniform along it, and the position says nothing about it along a straight path).

    """
    position, visible_goal = state[0:2], state[PointMassMemoryEnv.VISIBLE_GOAL]
    if np.any(visible_goal != 0):
        return heading_action(position, visible_goal)
    return heading_action(position, _GOAL_ROW_MIDDLE)


def _door_action(position: np.ndarray, first_centre: float, second_centre: float) -> float:
    """Through both doors vertically (a waypoint below and above each wall), then to the goal."""
    (low, high), clearance = PointMassDoorEnv.WALL_YS, _WALL_CLEARANCE
    waypoints = ((first_centre, low - clearance), (first_centre, low + clearance),
                 (second_centre, high - clearance), (second_centre, high + clearance))
    for waypoint in waypoints:
        if position[1] < waypoint[1] - 1.:
            return heading_action(position, waypoint)
    return heading_action(position, PointMassDoorEnv.GOAL_XY)


def door_oracle_action(state: np.ndarray) -> float:
    """``PointMassDoor-v0``: through the centres of the true doors (hidden entries 4:6), then to the goal."""
    doors = state[PointMassDoorEnv.DOORS]
    return _door_action(state[0:2], doors[0] + _DOOR_HALF_WIDTH, doors[1] + _DOOR_HALF_WIDTH)


def door_memoryless_action(state: np.ndarray) -> float:
    """
    ``PointMassDoor-v0`` from the observed entries only. While the doors are shown, head for the first door's centre;
    below the first wall, the first door is where the line from the fixed start through the position meets the
    wall's waypoint height, and above it, straight up; the second door is not observable: its best constant guess,
    the field's middle.

    """
    position, visible = state[0:2], state[PointMassDoorEnv.VISIBLE_DOORS]
    start_x, start_y = PointMassDoorEnv.START_XY
    middle = PointMassDoorEnv.START_XY[0]
    below = PointMassDoorEnv.WALL_YS[0] - _WALL_CLEARANCE
    if visible[0] >= 0:  # shown (out of sight the visible copy reads HIDDEN_DOOR, -1)
        first = visible[0] + _DOOR_HALF_WIDTH
    elif position[1] < below - 1.:
        first = start_x + (position[0] - start_x) * (below - start_y) / max(position[1] - start_y, 1e-6)
    else:
        first = position[0]
    return _door_action(position, first, middle)


def rollout(env_id: str, policy: Callable[[np.ndarray], float], options: Optional[Dict[str, object]] = None,
            horizon: Optional[int] = None) -> Tuple[float, np.ndarray, bool]:
    """
    One episode of a scripted ``policy`` on a point-mass task (full states in field units), reset with ``options``
    (e.g. ``{'goal_index': 1, 'start_index': 2}``, ``{'goal_x': 40., 'start_x': 100.}`` or ``{'doors': (30., 70.)}``).
    The episode runs for the task's horizon (``horizon``, None: the registered one, 1000).

    Returns:
        The task return, the final position and whether the episode ended in an absorbing state.

    """
    mdp = make_env(env_id, horizon=horizon)
    env = mdp.env.unwrapped
    state, _ = env.reset(seed=0, options=dict(options or {}))
    total, terminated = 0., False
    for _ in range(mdp.info.horizon):
        state, _, terminated, _, info = env.step(np.array([policy(state)]))
        total += info['task_reward']
        if terminated:
            break
    return total, env.agent_position, bool(terminated)


#: The scripts of each task, by name.
SCRIPTS: Dict[str, Dict[str, Callable[[np.ndarray], float]]] = {
    'PointMassMemory-v0': dict(oracle=memory_oracle_action, memoryless=memory_memoryless_action),
    'PointMassMemory-v1': dict(oracle=memory_oracle_action, memoryless=uniform_memory_memoryless_action),
    'PointMassDoor-v0': dict(oracle=door_oracle_action, memoryless=door_memoryless_action),
}


def _script(env_id: str, name: str) -> Callable[[np.ndarray], float]:
    if env_id not in SCRIPTS:
        raise ValueError(f'no scripted policies for {env_id!r}; tasks with scripts: {", ".join(SCRIPTS)}')
    if name not in SCRIPTS[env_id]:
        raise ValueError(f'no script {name!r} for {env_id}; valid: {", ".join(SCRIPTS[env_id])}')
    return SCRIPTS[env_id][name]


class ScriptedPolicy(Policy):
    """A scripted point-mass policy as a MushroomRL policy of full states (divided by the field size when the task
    normalises its observations)."""

    def __init__(self, env_id: str, name: str, normalize_observation: bool = False):
        super().__init__()
        self._env_id, self._name = env_id, name
        self._function = _script(env_id, name)
        self._scale = FIELD_SIZE if normalize_observation else 1.
        self._add_save_attr(_env_id='primitive', _name='primitive', _scale='primitive')

    def draw_action(self, state):
        return np.array([self._function(np.asarray(state, dtype=np.float64) * self._scale)])

    def _post_load(self):
        self._function = _script(self._env_id, self._name)


def scripted_agent(env_id: str, name: str, normalize_observation: bool = False) -> Agent:
    """
    A MushroomRL agent that follows the script ``name`` (``'oracle'`` or ``'memoryless'``) of ``env_id``, for
    ``mushroom_rl.core.Core`` (e.g. to write expert data with ``launchers.tools.make_expert_data --script``). It
    does not learn.

    Raises:
        ValueError: for a task without scripts or an unknown script, naming the valid ones.

    """
    _script(env_id, name)
    mdp_info = make_env(env_id, normalize_observation=normalize_observation).info
    return Agent(mdp_info, ScriptedPolicy(env_id, name, normalize_observation))
