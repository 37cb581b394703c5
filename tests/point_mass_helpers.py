"""Helpers of the point-mass tests: actions by direction and tasks reset to a fixed layout."""
import numpy as np

from environments import PointMassDoorEnv, PointMassMemoryEnv

UP, LEFT, RIGHT, DOWN = -0.5, 0.0, -1.0, 0.5  # actions: heading (a + 1) pi
STEP = 3.0 * 0.2 * 3  # speed 3 * sub-step dt 0.2 * 3 sub-steps = 1.8 per environment step


def _act(a):
    return np.array([a], dtype=np.float32)


def _memory(goal_index=1, start_index=2, **kwargs):
    env = PointMassMemoryEnv(**kwargs)
    obs, _ = env.reset(seed=0, options={'goal_index': goal_index, 'start_index': start_index})
    return env, obs


def _door(doors=(55.0, 55.0), **kwargs):
    env = PointMassDoorEnv(**kwargs)
    obs, _ = env.reset(seed=0, options={'doors': doors})
    return env, obs
