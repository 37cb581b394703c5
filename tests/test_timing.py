"""The timing proxies of the benchmarks (benchmarks/timing.py): they count and time calls and change nothing of
what a run computes."""
import time

import numpy as np
from mushroom_rl.core import Agent, Core

from timing import TimedAgent, TimedEnvironment, Timer, interleaved_schedule, reset_timers, timed_learn
from toy_envs import ToyPOMDP


class RecordingAgent(Agent):
    """Deterministic actions from a step counter; keeps every dataset given to fit and every episode start."""
    def __init__(self, mdp_info):
        super().__init__(mdp_info, policy=None)
        self.n_actions, self.datasets, self.starts = 0, [], []

    def draw_action(self, state):
        self.n_actions += 1
        return np.array([0.1 * (self.n_actions % 3), state[0] / 100.])

    def episode_start(self):
        self.starts.append(self.n_actions)

    def fit(self, dataset, **info):
        self.datasets.append(list(dataset))
        return len(dataset)


def test_timer_accumulates_time_and_calls():
    timer = Timer()
    for _ in range(3):
        with timer:
            time.sleep(0.01)
    assert timer.calls == 3 and 0.03 <= timer.total < 1.
    timer.reset()
    assert timer.calls == 0 and timer.total == 0.


def _run(timed: bool, n_steps: int = 20):
    np.random.seed(3)
    env = ToyPOMDP(horizon=7)
    agent = RecordingAgent(env.info)
    core_agent, core_env = (TimedAgent(agent), TimedEnvironment(env)) if timed else (agent, env)
    Core(core_agent, core_env).learn(n_steps=n_steps, n_steps_per_fit=5, quiet=True)
    return agent, core_agent, core_env


def test_proxies_count_time_and_change_nothing():
    plain, _, _ = _run(timed=False)
    agent, timed_agent, timed_env = _run(timed=True)
    # the run is the same: identical datasets reach fit, episodes start at the same steps
    assert agent.starts == plain.starts and len(agent.datasets) == len(plain.datasets) == 4
    for timed_data, plain_data in zip(agent.datasets, plain.datasets):
        for timed_sample, plain_sample in zip(timed_data, plain_data):
            for a, b in zip(timed_sample, plain_sample):
                np.testing.assert_array_equal(a, b)
    assert timed_agent.timers['draw_action'].calls == timed_env.timers['step'].calls == 20
    assert timed_agent.timers['fit'].calls == 4
    assert timed_env.timers['reset'].calls >= 3             # horizon 7: at least 3 episodes in 20 steps
    assert all(t.total > 0 for t in (*timed_agent.timers.values(), *timed_env.timers.values()))
    reset_timers(timed_agent, timed_env)
    assert all(t.calls == 0 and t.total == 0 for t in (*timed_agent.timers.values(), *timed_env.timers.values()))


def test_proxies_forward_results_and_attributes():
    env = ToyPOMDP()
    agent = RecordingAgent(env.info)
    timed_agent, timed_env = TimedAgent(agent), TimedEnvironment(env)
    assert timed_agent.policy is agent.policy and timed_agent.preprocessors is agent.preprocessors
    timed_agent.next_action = 'x'                           # attributes are written to the wrapped agent
    assert agent.next_action == 'x' and 'next_action' not in vars(timed_agent)
    agent.next_action = None
    assert timed_env.info is env.info
    np.testing.assert_array_equal(timed_env.policy_obs_mask, env.policy_obs_mask)
    np.random.seed(0)
    state = timed_env.reset()
    np.testing.assert_array_equal(state, env._state)
    timed_agent.episode_start()
    assert agent.starts == [0]
    action = timed_agent.draw_action(state)
    np.testing.assert_array_equal(action, [0.1, 0.])
    assert timed_agent.fit([(state, action)]) == 1 and agent.datasets == [[(state, action)]]
    next_state, reward, absorbing, info = timed_env.step(action)
    np.testing.assert_array_equal(next_state, env._state)
    assert next_state[0] == 1. and isinstance(reward, float) and info == {}


class SlowFitAgent(RecordingAgent):
    def fit(self, dataset, **info):
        time.sleep(0.01)


def test_timed_learn_splits_the_wall_time_of_one_learn_call():
    env = ToyPOMDP(horizon=7)
    core = Core(TimedAgent(SlowFitAgent(env.info)), TimedEnvironment(env))
    for _ in range(2):                                      # the timers restart at every call
        seconds = timed_learn(core, n_steps=20, n_steps_per_fit=5, quiet=True)
        assert core.agent.timers['fit'].calls == 4 and core.mdp.timers['step'].calls == 20
    assert set(seconds) == {'wall', 'cpu', 'fit', 'draw_action', 'env_step', 'env_reset', 'other'}
    assert 0.04 <= seconds['fit'] < seconds['wall'] and seconds['cpu'] < seconds['wall']    # sleeping costs no CPU
    assert seconds['other'] > 0
    assert abs(sum(seconds[k] for k in ('fit', 'draw_action', 'env_step', 'env_reset', 'other'))
               - seconds['wall']) < 1e-9


def test_interleaved_schedule_counts_spreads_and_rotates():
    rounds = interleaved_schedule({'a': 3, 'b': 3, 'c': 3, 'rare': 1})
    assert len(rounds) == 3 and rounds[1].count('rare') == 1 and sum(r.count('rare') for r in rounds) == 1
    for key in 'abc':
        assert sum(r.count(key) for r in rounds) == 3
    assert len({r[0] for r in rounds}) == 3, 'every round starts with another key'
