"""
Timing of MushroomRL runs by composition: wrap the agent and the environment given to ``Core`` in proxies
that measure where the wall time goes, without changing what the run computes.

Example::

    core = Core(TimedAgent(agent), TimedEnvironment(mdp))
    seconds = timed_learn(core, n_steps=1000, n_steps_per_fit=1)    # wall, cpu, fit, draw_action, env_step, ...
    core.agent.timers['fit'].calls, core.mdp.timers['step'].total    # the same, per proxy

"""
import time
from typing import Any, Dict, List

import torch
from mushroom_rl.core import Environment

__all__ = ['Timer', 'TimedAgent', 'TimedEnvironment', 'interleaved_schedule', 'reset_timers', 'timed_learn']


class Timer:
    """
    Accumulated wall time (``time.perf_counter``) and number of the code blocks timed with ``with timer:``
    (not re-entrant: one block at a time).

    """
    def __init__(self):
        self.total = 0.
        self.calls = 0
        self._start = 0.

    def reset(self) -> None:
        """Set the total and the count back to zero."""
        self.total = 0.
        self.calls = 0

    def __enter__(self) -> 'Timer':
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc_info) -> None:
        self.total += time.perf_counter() - self._start
        self.calls += 1


def reset_timers(*timed: Any) -> None:
    """Reset every timer of the given :class:`TimedAgent` / :class:`TimedEnvironment` objects."""
    for obj in timed:
        for timer in obj.timers.values():
            timer.reset()


class TimedAgent:
    """
    Proxy of a MushroomRL agent for ``Core``: ``draw_action`` and ``fit`` are timed (``timers['draw_action']``,
    ``timers['fit']``) and return the agent's results unchanged; every other attribute (``policy``,
    ``preprocessors``, ``episode_start``, ``stop``, ...) is read from and written to the wrapped agent.

    """
    def __init__(self, agent: Any):
        """
        Args:
            agent: the wrapped agent (``self.agent``).

        """
        object.__setattr__(self, 'agent', agent)
        object.__setattr__(self, 'timers', dict(draw_action=Timer(), fit=Timer()))

    def draw_action(self, state: Any) -> Any:
        with self.timers['draw_action']:
            return self.agent.draw_action(state)

    def fit(self, dataset: list, **info: Any) -> Any:
        with self.timers['fit']:
            return self.agent.fit(dataset, **info)

    def __getattr__(self, name: str) -> Any:
        if name in ('agent', 'timers'):         # not set yet (e.g. during unpickling)
            raise AttributeError(name)
        return getattr(self.agent, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.agent, name, value)


class TimedEnvironment(Environment):
    """
    A MushroomRL environment that delegates to ``env``, timing ``step`` and ``reset`` (``timers['step']``,
    ``timers['reset']``); results are returned unchanged and other attributes (e.g. ``policy_obs_mask``)
    are read from ``env``.

    """
    def __init__(self, env: Environment):
        """
        Args:
            env (Environment): the wrapped environment (``self.env``); its ``info`` is this one's.

        """
        self.env = env
        self.timers: Dict[str, Timer] = dict(step=Timer(), reset=Timer())
        super().__init__(env.info)

    def seed(self, seed: int) -> None:
        self.env.seed(seed)

    def reset(self, state=None):
        with self.timers['reset']:
            return self.env.reset(state)

    def step(self, action):
        with self.timers['step']:
            return self.env.step(action)

    def render(self, record: bool = False):
        return self.env.render(record)

    def stop(self) -> None:
        self.env.stop()

    def __getattr__(self, name: str) -> Any:
        if name in ('env', 'timers'):           # not set yet (e.g. during unpickling)
            raise AttributeError(name)
        return getattr(self.env, name)


def timed_learn(core: Any, **learn_kwargs: Any) -> Dict[str, float]:
    """
    Run ``core.learn(**learn_kwargs)`` once, ``core`` being a MushroomRL ``Core`` of a :class:`TimedAgent` and a
    :class:`TimedEnvironment` (their timers are reset first).

    Returns:
        The seconds spent: ``wall`` (``time.perf_counter``), ``cpu`` (``time.process_time``, the whole process),
        and the wall time in ``fit``, ``draw_action``, ``env_step``, ``env_reset`` and ``other`` (the rest of
        ``Core``: wall minus the four).

    """
    reset_timers(core.agent, core.mdp)
    cpu, wall = time.process_time(), time.perf_counter()
    core.learn(**learn_kwargs)
    if torch.cuda.is_available():
        torch.cuda.synchronize()   # the last update's kernels are part of the block
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    parts = dict(fit=core.agent.timers['fit'].total, draw_action=core.agent.timers['draw_action'].total,
                 env_step=core.mdp.timers['step'].total, env_reset=core.mdp.timers['reset'].total)
    return dict(wall=wall, cpu=cpu, **parts, other=wall - sum(parts.values()))


def interleaved_schedule(counts: Dict[Any, int]) -> List[List[Any]]:
    """
    The order in which to time several things side by side, so that changes of the machine's load spread
    evenly over them: rounds of one block per key, where a key with fewer blocks than there are rounds is
    spread evenly over the rounds, and the order of each round is rotated so that no key always comes first.

    Args:
        counts (dict): key -> number of timed blocks (>= 1).

    Returns:
        The rounds, each a list of keys; there are ``max(counts.values())`` rounds.

    """
    n_rounds = max(counts.values())
    rounds: List[List[Any]] = [[] for _ in range(n_rounds)]
    for key, n in counts.items():
        for j in range(n):
            rounds[int((j + .5) * n_rounds / n)].append(key)
    return [keys[r * len(keys) // n_rounds:] + keys[:r * len(keys) // n_rounds] for r, keys in enumerate(rounds)]
