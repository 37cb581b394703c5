"""Memory diagnostics of the point-mass tasks: does a trained agent use what it was shown near its start?

    python -m launchers.tools.goal_following RUN_DIR [RUN_DIR ...]      (also s2pg-goal-following)

On ``PointMassMemory-v0`` and ``-v1`` (:func:`goal_following`) it rolls each run's agent (``RUN_DIR/agent.zip``,
observing as its ``args.json`` says, at its horizon) out deterministically once from every (start, goal) pair of v0's
four starts and four goals (4 x 4 episodes; on v1 the same x values, placed with its reset options) and
prints its mean task return and how its final x position follows the goal's x: the slope of a line fitted to (goal
x, final x) per start, averaged over the starts (1: the agent ends above its goal whatever the start; 0: the goal it
was shown makes no difference), and the mean distance in x to the goal. The goal is visible only near the start, so
a slope near 1 needs the goal kept in memory, or carried in the position reached while it was visible (the
SAC_ORACLE expert, which sees the goal all the time, comes close to 1).

On ``PointMassDoor-v0`` (:func:`door_passage`) it rolls the agent out deterministically on 20 seeded door pairs and
prints its mean task return and the fractions of episodes that get past the first wall, past the second wall, and
that end on a wall. The second door is shown only near the start, so passing the second wall clearly more often
than a memoryless guess (about 40 %) needs memory.
"""
import argparse
import json
import os
import sys
from typing import Dict, Optional, Sequence

import numpy as np

from environments import make_env
from environments.point_mass import WALL_HALF_THICKNESS, PointMassDoorEnv, PointMassMemoryEnv
from launchers import Parser, program_name

__all__ = ['door_passage', 'goal_following', 'main']

ENV_ID = 'PointMassMemory-v0'
UNIFORM_ENV_ID = 'PointMassMemory-v1'
DOOR_ENV_ID = 'PointMassDoor-v0'
_MEMORY_ENV_IDS = (ENV_ID, UNIFORM_ENV_ID)


def goal_following(agent, normalize_observation: bool = False, horizon: Optional[int] = None,
                   env_id: str = ENV_ID) -> Dict[str, object]:
    """
    Roll ``agent`` out deterministically from every (start, goal) pair of ``PointMassMemory-v0``'s x values on
    ``env_id`` (``PointMassMemory-v0`` or ``PointMassMemory-v1``).

    Args:
        agent: an agent of the task with the package's agent interface (``episode_start()``,
            ``draw_action(obs)`` and the ``deterministic()`` context);
        normalize_observation (bool): the task option the agent was trained under;
        horizon (int, None): the episodes' horizon (None: the task's, 1000).

    Returns:
        ``return`` (mean task return), ``slope`` (mean over starts of the slope of final x on goal x),
        ``x_error`` (mean |final x - goal x|) and ``final_x`` (``(start, goal)`` array).

    """
    mdp = make_env(env_id, horizon=horizon, normalize_observation=normalize_observation)
    env = mdp.env.unwrapped
    goals = np.asarray(PointMassMemoryEnv.GOAL_XS)
    final_x = np.zeros((len(PointMassMemoryEnv.START_XS), len(goals)))
    returns = []
    with agent.deterministic(True):
        for start, goal in np.ndindex(final_x.shape):
            options = (dict(goal_index=goal, start_index=start) if env_id == ENV_ID
                       else dict(goal_x=goals[goal], start_x=PointMassMemoryEnv.START_XS[start]))
            obs, _ = env.reset(seed=0, options=options)
            agent.episode_start()
            total = 0.
            for _ in range(mdp.info.horizon):
                obs, _, terminated, _, info = env.step(agent.draw_action(obs))
                total += info['task_reward']
                if terminated:
                    break
            final_x[start, goal] = env.agent_position[0]
            returns.append(total)
    slope = np.mean([np.polyfit(goals, final_x[start], 1)[0] for start in range(len(final_x))])
    return dict(final_x=final_x, slope=float(slope), x_error=float(np.mean(np.abs(final_x - goals[None]))),
                **{'return': float(np.mean(returns))})


def door_passage(agent, normalize_observation: bool = False, n_episodes: int = 20, seed: int = 0,
                 horizon: Optional[int] = None) -> Dict[str, float]:
    """
    Roll ``agent`` out deterministically on ``PointMassDoor-v0`` with ``n_episodes`` door pairs drawn from
    ``U[10, 100]`` with ``seed`` (the same pairs for every agent), episodes of ``horizon`` steps (None: the task's).

    Returns:
        ``return`` (mean task return) and the fractions of episodes ``past_first`` and ``past_second`` (the agent got
        beyond the first or second wall's band) and ``wall_hits`` (the episode ended on a wall).

    """
    mdp = make_env(DOOR_ENV_ID, horizon=horizon, normalize_observation=normalize_observation)
    env = mdp.env.unwrapped
    doors = np.random.default_rng(seed).uniform(10., 100., (n_episodes, 2))
    beyond = np.array(PointMassDoorEnv.WALL_YS) + WALL_HALF_THICKNESS
    highest, hits, returns = np.zeros(n_episodes), 0, []
    with agent.deterministic(True):
        for episode, pair in enumerate(doors):
            obs, _ = env.reset(seed=0, options={'doors': tuple(pair)})
            agent.episode_start()
            total = 0.
            for _ in range(mdp.info.horizon):
                obs, _, terminated, _, info = env.step(agent.draw_action(obs))
                total += info['task_reward']
                highest[episode] = max(highest[episode], env.agent_position[1])
                if terminated:
                    hits += 1
                    break
            returns.append(total)
    return {'return': float(np.mean(returns)), 'past_first': float(np.mean(highest > beyond[0])),
            'past_second': float(np.mean(highest > beyond[1])), 'wall_hits': hits / n_episodes}


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
    if env_id not in _MEMORY_ENV_IDS + (DOOR_ENV_ID,):
        raise SystemExit(f'{run_dir}: a run of {env_id!r}; these diagnostics are for {ENV_ID}, {UNIFORM_ENV_ID} and '
                         f'{DOOR_ENV_ID} only.')
    return arguments


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = Parser(prog=program_name('launchers.tools.goal_following'),
                                     description=__doc__.split('\n\n')[0])
    parser.add_argument('run_dirs', nargs='+',
                        help=f'run folders (<results_dir>/<seed>) of {ENV_ID}, {UNIFORM_ENV_ID} or {DOOR_ENV_ID}')
    args = parser.parse_args(argv)
    arguments = {run_dir: _run_arguments(run_dir) for run_dir in args.run_dirs}  # check every folder first
    from mushroom_rl.core import Agent
    for run_dir, run in arguments.items():
        agent = Agent.load(os.path.join(run_dir, 'agent.zip'))
        normalize = bool(run.get('normalize_observation', False))
        horizon = run.get('horizon')  # the run's (None: the task's)
        if run['env_id'] == DOOR_ENV_ID:
            result = door_passage(agent, normalize, horizon=horizon)
            print(f'{run_dir}: {run["algorithm"]} return {result["return"]:.1f}  past wall 1 {result["past_first"]:.0%}  '
                  f'past wall 2 {result["past_second"]:.0%}  wall hits {result["wall_hits"]:.0%}', flush=True)
            continue
        result = goal_following(agent, normalize, horizon=horizon, env_id=run['env_id'])
        print(f'{run_dir}: {run["algorithm"]} return {result["return"]:.2f}  goal-following slope '
              f'{result["slope"]:.2f}  mean |x_final - x_goal| {result["x_error"]:.1f}', flush=True)


if __name__ == '__main__':
    main(sys.argv[1:])
