"""Does a trained agent of ``PointMassMemory-v0`` go to the goal it was shown? A memory diagnostic.

    python -m launchers.goal_following RUN_DIR [RUN_DIR ...]      (also s2pg-goal-following)

rolls each run's agent (``RUN_DIR/agent.zip``, observing as its ``args.json`` says) out deterministically once from
every (start, goal) pair of the task (4 x 4 episodes) and prints its mean task return and how its final x position
follows the goal's x: the slope of a line fitted to (goal x, final x) per start, averaged over the starts (1: the
agent ends above its goal whatever the start; 0: the goal it was shown makes no difference), and the mean distance
in x to the goal. The goal is visible only near the start, so a slope near 1 needs the goal kept in memory, or
carried in the position reached while it was visible.

Measured (``docs/results_imitation_memory``): the SAC_ORACLE expert, which sees the goal all the time, 1.04; the
LS-IQ imitators of the slow test after 120k steps, 0.0-0.3 with memory (LSIQ_RS) or without (LSIQ_VANILLA).
"""
import argparse
import json
import os
import sys
from typing import Dict, Optional, Sequence

import numpy as np

from environments import make_env
from environments.point_mass import MEMORY_MAX_EPISODE_STEPS, PointMassMemoryEnv
from launchers import program_name

__all__ = ['goal_following', 'main']

ENV_ID = 'PointMassMemory-v0'


def goal_following(agent, normalize_observation: bool = False) -> Dict[str, object]:
    """
    Roll ``agent`` out deterministically from every (start, goal) pair of ``PointMassMemory-v0``.

    Args:
        agent: an agent of the task with the package's agent interface (``episode_start()``,
            ``draw_action(obs)`` and the ``deterministic()`` context);
        normalize_observation (bool): the task option the agent was trained under.

    Returns:
        ``return`` (mean task return), ``slope`` (mean over starts of the slope of final x on goal x),
        ``x_error`` (mean |final x - goal x|) and ``final_x`` (``(start, goal)`` array).

    """
    env = make_env(ENV_ID, normalize_observation=normalize_observation).env.unwrapped
    goals = np.asarray(PointMassMemoryEnv.GOAL_XS)
    final_x = np.zeros((len(PointMassMemoryEnv.START_XS), len(goals)))
    returns = []
    with agent.deterministic(True):
        for start, goal in np.ndindex(final_x.shape):
            obs, _ = env.reset(seed=0, options={'goal_index': goal, 'start_index': start})
            agent.episode_start()
            total = 0.
            for _ in range(MEMORY_MAX_EPISODE_STEPS):
                obs, _, terminated, _, info = env.step(agent.draw_action(obs))
                total += info['task_reward']
                if terminated:
                    break
            final_x[start, goal] = env.agent_position[0]
            returns.append(total)
    slope = np.mean([np.polyfit(goals, final_x[start], 1)[0] for start in range(len(final_x))])
    return dict(final_x=final_x, slope=float(slope), x_error=float(np.mean(np.abs(final_x - goals[None]))),
                **{'return': float(np.mean(returns))})


def _run_arguments(run_dir: str) -> Dict[str, object]:
    """The run's ``args.json`` arguments; an error naming the folder where it is not a run of the task."""
    path = os.path.join(run_dir, 'args.json')
    if not os.path.isfile(path) or not os.path.isfile(os.path.join(run_dir, 'agent.zip')):
        raise SystemExit(f'{run_dir}: not a run folder (it needs args.json and agent.zip).')
    try:
        with open(path) as file:
            arguments = json.load(file)['arguments']
        env_id = arguments['env_id']
    except (ValueError, KeyError, TypeError) as error:
        raise SystemExit(f'{path}: not the args.json of a run (no arguments with an env_id: {error!r}).') from None
    if env_id != ENV_ID:
        raise SystemExit(f'{run_dir}: a run of {env_id!r}; this diagnostic is for {ENV_ID} only.')
    return arguments


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog=program_name('launchers.goal_following'),
                                     description=__doc__.split('\n\n')[0])
    parser.add_argument('run_dirs', nargs='+', help='run folders (<results_dir>/<seed>) of PointMassMemory-v0')
    args = parser.parse_args(argv)
    arguments = {run_dir: _run_arguments(run_dir) for run_dir in args.run_dirs}  # check every folder first
    from mushroom_rl.core import Agent
    for run_dir, run in arguments.items():
        result = goal_following(Agent.load(os.path.join(run_dir, 'agent.zip')),
                                bool(run.get('normalize_observation', False)))
        print(f'{run_dir}: {run["algorithm"]} return {result["return"]:.2f}  goal-following slope '
              f'{result["slope"]:.2f}  mean |x_final - x_goal| {result["x_error"]:.1f}', flush=True)


if __name__ == '__main__':
    main(sys.argv[1:])
