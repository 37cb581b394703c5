"""The scripted point-mass policies: what the memory task and the door task need memory for."""
import numpy as np
import pytest

from environments import PointMassDoorEnv, PointMassMemoryEnv, PointMassMemoryUniformEnv
from environments.point_mass_door import HIDDEN_DOOR
from environments.point_mass_scripts import (door_memoryless_action, door_oracle_action, heading_action,
                                             memory_memoryless_action, memory_oracle_action, rollout,
                                             uniform_memory_memoryless_action)

PAIRS = [dict(start_index=s, goal_index=g) for s in range(4) for g in range(4)]


@pytest.mark.parametrize('target, action', [((1., 0.), -1.), ((0., 1.), -0.5), ((-1., 0.), 0.), ((0., -1.), 0.5)])
def test_heading_action_points_at_the_target(target, action):
    assert heading_action((0., 0.), target) == pytest.approx(action)


@pytest.mark.parametrize('policy, hidden, out_of_view', [(memory_memoryless_action, slice(4, 6), 0.),
                                                         (uniform_memory_memoryless_action, slice(4, 6), 0.),
                                                         (door_memoryless_action, slice(4, 6), HIDDEN_DOOR)])
def test_memoryless_policies_read_only_the_observed_entries(policy, hidden, out_of_view):
    rng = np.random.default_rng(0)
    for _ in range(50):
        state = rng.uniform(0., 150., hidden.stop)
        if rng.random() < 0.5:
            state[2:4] = out_of_view  # the hidden information out of view
        other = state.copy()
        other[hidden] = rng.uniform(0., 150., hidden.stop - hidden.start)
        assert policy(state) == policy(other)


def test_memory_task_a_memoryless_policy_reaches_the_optimum():
    """The 16 start-goal lines are told apart by the position: heading for the nearest line's goal scores exactly as
    heading for the true goal, on every (start, goal) pair."""
    oracle = [rollout('PointMassMemory-v0', memory_oracle_action, pair) for pair in PAIRS]
    memoryless = [rollout('PointMassMemory-v0', memory_memoryless_action, pair) for pair in PAIRS]
    goals = np.array(PointMassMemoryEnv.GOAL_XS)
    for pair, (r_oracle, end_oracle, _), (r_memoryless, end, absorbing) in zip(PAIRS, oracle, memoryless):
        assert r_memoryless == pytest.approx(r_oracle, abs=1e-9)
        assert not absorbing and abs(end[0] - goals[pair['goal_index']]) < 2.
    assert np.mean([r for r, _, _ in oracle]) == pytest.approx(858.01, abs=0.01)  # horizon 1000
    short = [rollout('PointMassMemory-v0', memory_oracle_action, pair, horizon=100)[0] for pair in PAIRS]
    assert np.mean(short) == pytest.approx(34.04, abs=0.01)


def test_uniform_memory_task_a_memoryless_policy_misses_the_goal():
    """``PointMassMemory-v1``: with start and goal anywhere along their rows, the position no longer tells the goal.
    Over 50 seeded (goal x, start x) draws at horizon 1000 (measured): the oracle scores 859.76 per episode and ends
    at its goal every time; the memoryless script (the visible goal, then the middle of the goal row) scores 211.55
    and ends more than 5 away from the goal (the goal radius) in 88 % of the episodes."""
    draws = np.random.default_rng(0).uniform(*PointMassMemoryUniformEnv.X_RANGE, (50, 2))
    goals = np.column_stack([draws[:, 0], np.full(len(draws), PointMassMemoryUniformEnv.GOAL_Y)])
    results = {}
    for name, policy in (('oracle', memory_oracle_action), ('memoryless', uniform_memory_memoryless_action)):
        runs = [rollout('PointMassMemory-v1', policy, dict(goal_x=g, start_x=s)) for g, s in draws]
        assert not any(absorbing for _, _, absorbing in runs)
        misses = np.linalg.norm(np.array([end for _, end, _ in runs]) - goals, axis=1) > PointMassMemoryEnv.GOAL_RADIUS
        results[name] = (np.mean([r for r, _, _ in runs]), np.mean(misses))
    assert results['oracle'] == (pytest.approx(859.76, abs=0.01), 0.)
    assert results['memoryless'] == (pytest.approx(211.55, abs=0.01), pytest.approx(0.88))
    assert results['memoryless'][0] < 0.3 * results['oracle'][0]
    # at the memory grid's horizon 100 (measured): oracle 35.63, memoryless 9.80, the same 88 % misses
    short = {name: np.mean([rollout('PointMassMemory-v1', policy, dict(goal_x=g, start_x=s), horizon=100)[0]
                            for g, s in draws])
             for name, policy in (('oracle', memory_oracle_action), ('memoryless', uniform_memory_memoryless_action))}
    assert short == dict(oracle=pytest.approx(35.63, abs=0.01), memoryless=pytest.approx(9.80, abs=0.01))


def test_door_task_a_memoryless_policy_hits_the_second_wall():
    """The second door is never observable after the start: the memoryless script crashes into the second wall in
    most episodes (62 % of 200 seeded door pairs; here 60), the oracle in none."""
    doors = np.random.default_rng(0).uniform(10., 100., (60, 2))
    oracle = [rollout('PointMassDoor-v0', door_oracle_action, dict(doors=tuple(d))) for d in doors]
    memoryless = [rollout('PointMassDoor-v0', door_memoryless_action, dict(doors=tuple(d))) for d in doors]
    assert not any(absorbing for _, _, absorbing in oracle)
    crashes = [end for _, end, absorbing in memoryless if absorbing]
    second_wall = PointMassDoorEnv.WALL_YS[1] - 2.5
    assert len(crashes) > 0.4 * len(doors) and all(end[1] == pytest.approx(second_wall) for end in crashes)
    assert np.mean([r for r, _, _ in memoryless]) < 0.6 * np.mean([r for r, _, _ in oracle])


def test_door_task_at_horizon_100_the_memoryless_script_scores_about_half_the_oracle():
    """At the memory grid's horizon 100, over 200 seeded door pairs (measured): oracle 298.62, memoryless 165.44."""
    doors = np.random.default_rng(0).uniform(10., 100., (200, 2))
    scores = {name: np.mean([rollout('PointMassDoor-v0', policy, dict(doors=tuple(d)), horizon=100)[0] for d in doors])
              for name, policy in (('oracle', door_oracle_action), ('memoryless', door_memoryless_action))}
    assert scores == dict(oracle=pytest.approx(298.62, abs=0.01), memoryless=pytest.approx(165.44, abs=0.01))


def test_scripted_agent_acts_on_normalised_states_and_round_trips_save_load(tmp_path):
    from mushroom_rl.core import Agent
    from environments.point_mass_scripts import scripted_agent
    agent = scripted_agent('PointMassDoor-v0', 'oracle', normalize_observation=True)
    state = np.array([75., 10., 30., 70., 30., 70.])
    assert agent.draw_action(state / 150.)[0] == pytest.approx(door_oracle_action(state))
    memoryless = scripted_agent('PointMassDoor-v0', 'memoryless', normalize_observation=True)
    hidden = np.array([75., 50., HIDDEN_DOOR, HIDDEN_DOOR, 30., 70.])  # out of view: -1, scaled like the state
    assert memoryless.draw_action(hidden / 150.)[0] == pytest.approx(door_memoryless_action(hidden))
    agent.save(str(tmp_path / 'script.msh'))
    loaded = Agent.load(str(tmp_path / 'script.msh'))
    assert loaded.draw_action(state / 150.)[0] == pytest.approx(door_oracle_action(state))
    with pytest.raises(ValueError, match="no script 'expert' for PointMassDoor-v0; valid: oracle, memoryless"):
        scripted_agent('PointMassDoor-v0', 'expert')
