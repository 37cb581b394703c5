"""Tests of the point-mass dynamics: heading, step length, rewards, and the collisions with the field border and
the door task's walls."""
import math

import numpy as np
import pytest

from environments import PointMassMemoryEnv
from point_mass_helpers import DOWN, LEFT, RIGHT, UP, _act, _door, _memory


# ------------------------------------------------------------------ dynamics
@pytest.mark.parametrize('action, direction', [(-1.0, (1.0, 0.0)), (1.0, (1.0, 0.0)), (0.0, (-1.0, 0.0)),
                                               (-0.5, (0.0, 1.0)), (0.5, (0.0, -1.0)),
                                               (-0.75, (math.sqrt(0.5), math.sqrt(0.5))),
                                               (-3.0, (1.0, 0.0)), (2.0, (1.0, 0.0))])
def test_heading_mapping_and_step_length(action, direction):
    assert PointMassMemoryEnv.heading(action) == pytest.approx((np.clip(action, -1, 1) + 1) * math.pi)
    env, _ = _memory()
    env.set_agent_position((75.0, 75.0))
    obs, _, terminated, truncated, _ = env.step(_act(action))
    assert not terminated and not truncated
    # one step = 3 sub-steps of speed 3 * dt 0.2 = 0.6 each, i.e. 1.8 in total
    np.testing.assert_allclose(obs[env.AGENT_POS], [75.0 + 1.8 * direction[0], 75.0 + 1.8 * direction[1]],
                               atol=1e-12)
    assert env.dt == pytest.approx(0.6)


def test_heading_by_hand():
    assert PointMassMemoryEnv.heading(-1.0) == 0.0
    assert PointMassMemoryEnv.heading(0.0) == pytest.approx(math.pi)
    assert PointMassMemoryEnv.heading(-0.5) == pytest.approx(math.pi / 2)
    with pytest.raises(ValueError):
        PointMassMemoryEnv.heading(float('nan'))


def test_rewards_match_hand_computation():
    # memory: goal (57, 130); from (30, 100) one step to +x ends at (31.8, 100)
    env, _ = _memory(goal_index=1, start_index=0)
    env.set_agent_position((30.0, 100.0))
    obs, reward, terminated, _, info = env.step(_act(RIGHT))
    d = math.sqrt(25.2 ** 2 + 30.0 ** 2)  # = 39.1796...
    assert not terminated
    assert info['distance_to_goal'] == pytest.approx(d)
    assert reward == pytest.approx(math.exp(-0.1 * d)) and reward == pytest.approx(0.019882, abs=1e-6)

    # door: goal (75, 140); from (75, 100) one step up ends at (75, 101.8), d = 38.2
    env, _ = _door(doors=(55.0, 55.0))
    env.set_agent_position((75.0, 100.0))
    _, reward, terminated, _, _ = env.step(_act(UP))
    assert not terminated
    assert reward == pytest.approx(10.0 * math.exp(-0.03 * 38.2)) and reward == pytest.approx(3.1791, abs=1e-4)


def test_leaving_the_field_is_absorbing():
    env, obs = _memory(goal_index=0, start_index=0)  # start (25, 15); 25 / 1.8 = 13.9 steps to x = 0
    for k in range(1, 15):
        obs, reward, terminated, truncated, info = env.step(_act(LEFT))
        assert terminated is (k == 14) and not truncated
        if k < 14:
            assert reward > 0
    assert reward == -2.0 and info['left_field'] and not info['hit_wall']
    np.testing.assert_allclose(obs[env.AGENT_POS], [0.0, 15.0], atol=1e-12)  # stopped on the border
    # the absorbing state stays absorbing until a reset
    obs2, reward2, terminated2, _, _ = env.step(_act(RIGHT))
    assert terminated2 and reward2 == 0.0
    np.testing.assert_array_equal(obs2, obs)

    # top border, first sub-step already outside
    env.reset(options={'goal_index': 0, 'start_index': 0})
    env.set_agent_position((100.0, 149.9))
    obs, reward, terminated, _, _ = env.step(_act(UP))
    assert terminated and reward == -2.0
    np.testing.assert_allclose(obs[env.AGENT_POS], [100.0, 150.0])
    # (the door task clips the position instead: test_door_field_exit_clips_the_position)


def test_touching_a_wall_is_absorbing():
    env, _ = _door(doors=(100.0, 10.0))  # first door spans [100, 140]: x = 75 hits the wall y = 60
    for k in range(1, 28):  # the band starts at y = 57.5: (57.5 - 10) / 1.8 = 26.4 steps
        obs, reward, terminated, _, info = env.step(_act(UP))
        assert terminated is (k == 27)
    assert reward == -2.0 and info['hit_wall'] and not info['left_field']
    np.testing.assert_allclose(obs[env.AGENT_POS], [75.0, 57.5], atol=1e-9)  # stopped on the band's face

    # the first sub-step that enters the band stops on its face: from y = 57.3 the first sub-step reaches 57.9
    env, _ = _door(doors=(100.0, 10.0))
    env.set_agent_position((30.0, 57.3))
    obs, reward, terminated, _, _ = env.step(_act(UP))
    assert terminated and reward == -2.0
    np.testing.assert_allclose(obs[env.AGENT_POS], [30.0, 57.5], atol=1e-9)

    # second wall from above, and the shrunk door edges (door edge + radius 2) belong to the wall
    for position, action in (((130.0, 93.0), DOWN), ((12.0, 87.0), UP), ((48.0, 87.0), UP),
                             ((102.0, 57.0), UP), ((138.0, 57.0), UP)):
        env, _ = _door(doors=(100.0, 10.0))
        env.set_agent_position(position)
        _, reward, terminated, _, info = env.step(_act(action))
        assert terminated and reward == -2.0 and info['hit_wall'], position

    # moving inside the band out of the door hits the wall at the shrunk door edge x = 100 + 2
    env, _ = _door(doors=(100.0, 10.0))
    env.set_agent_position((103.0, 60.0))
    obs, _, terminated, _, _ = env.step(_act(LEFT))
    assert terminated
    np.testing.assert_allclose(obs[env.AGENT_POS], [102.0, 60.0], atol=1e-9)


def test_passing_through_doors_is_not_absorbing():
    env, obs = _door(doors=(55.0, 55.0))  # both doors span (55, 95): straight up from x = 75 passes
    rewards = []
    for _ in range(72):  # y = 10 + 72 * 1.8 = 139.6 < 150
        obs, reward, terminated, _, info = env.step(_act(UP))
        assert not terminated and not info['hit_wall']
        rewards.append(reward)
    assert obs[1] == pytest.approx(139.6)
    assert np.all(np.diff(rewards) > 0) and rewards[-1] == pytest.approx(10 * math.exp(-0.03 * 0.4))
    assert info['is_success']

    # a diagonal pass close to the shrunk door edge x = 102 (ends at x = 102.44)
    env, _ = _door(doors=(100.0, 100.0))
    env.set_agent_position((103.0, 59.0))
    _, _, terminated, _, _ = env.step(_act(-0.4))  # heading 0.6 pi, slightly to the left
    assert not terminated


def test_door_walls_are_bands_of_half_thickness_2_5():
    # Authors' point_mass_door.py: the agent touches a wall when |y - y_wall| < 2.5 outside the door.
    # inside the band (not on the wall line) away from the door: touching at once
    for position in ((30.0, 57.6), (30.0, 62.4), (140.0, 87.6), (60.0, 92.4)):
        env, _ = _door(doors=(100.0, 10.0))
        env.set_agent_position(position)
        obs, reward, terminated, _, info = env.step(_act(RIGHT))
        assert terminated and reward == -2.0 and info['hit_wall'], position
        np.testing.assert_allclose(obs[env.AGENT_POS], position)  # contact at the start of the step
    # the band's faces are free: sliding along y = 57.5 and y = 62.5
    for position in ((30.0, 57.5), (30.0, 62.5)):
        env, _ = _door(doors=(100.0, 10.0))
        env.set_agent_position(position)
        _, reward, terminated, _, info = env.step(_act(RIGHT))
        assert not terminated and not info['hit_wall'] and reward > 0, position
    # from above the first wall: stops on its upper face y = 62.5
    env, _ = _door(doors=(100.0, 10.0))
    env.set_agent_position((30.0, 63.0))
    obs, _, terminated, _, _ = env.step(_act(DOWN))
    assert terminated
    np.testing.assert_allclose(obs[env.AGENT_POS], [30.0, 62.5], atol=1e-9)
    assert env.wall_half_thickness == 2.5


@pytest.mark.parametrize('x, passes', [(51.9, False), (52.0, False), (52.1, True), (70.0, True),
                                       (87.9, True), (88.0, False), (88.1, False)])
def test_door_point_radius_2_leaves_an_opening_of_36(x, passes):
    # Doors span [50, 90] in both walls; with the point radius 2 the centre passes only in (52, 88).
    env, _ = _door(doors=(50.0, 50.0))
    env.set_agent_position((x, 50.0))
    for _ in range(30):  # up to y = 104: through both walls
        obs, reward, terminated, _, info = env.step(_act(UP))
        if terminated:
            break
    assert terminated is not passes and info['hit_wall'] is not passes
    if not passes:
        assert reward == -2.0
        np.testing.assert_allclose(obs[env.AGENT_POS], [x, 57.5], atol=1e-9)
    else:
        assert obs[1] == pytest.approx(104.0)
    assert env.point_radius == 2.0 and env.door_width - 2 * env.point_radius == 36.0


def test_door_field_exit_clips_the_position():
    # Authors' point_mass_door.py: every sub-step's position is clipped to the field; the episode goes
    # on and the reward is the usual 10 exp(-0.03 d) of the clipped position.
    goal = np.array([75.0, 140.0])
    env, _ = _door()
    env.set_agent_position((149.0, 30.0))
    for _ in range(3):
        obs, reward, terminated, truncated, info = env.step(_act(RIGHT))
        assert not terminated and not truncated and info['clipped']
        assert not info['left_field'] and not info['hit_wall']
        np.testing.assert_allclose(obs[env.AGENT_POS], [150.0, 30.0])
        assert reward == pytest.approx(10.0 * math.exp(-0.03 * np.linalg.norm(goal - [150.0, 30.0])))
    # each coordinate is clipped separately: the agent slides along the border
    env.set_agent_position((149.5, 30.0))
    obs, _, terminated, _, info = env.step(_act(-0.75))  # heading pi / 4
    assert not terminated and info['clipped']
    np.testing.assert_allclose(obs[env.AGENT_POS], [150.0, 30.0 + 3 * 0.6 * math.sqrt(0.5)])
    # bottom border from the start: stays at y = 0, never absorbing
    env, _ = _door()
    for k in range(10):
        obs, reward, terminated, _, info = env.step(_act(DOWN))
        assert not terminated and reward > 0
        assert info['clipped'] is (k >= 5)  # 10 - 6 * 1.8 < 0
    np.testing.assert_allclose(obs[env.AGENT_POS], [75.0, 0.0])
    # a step without clipping says so
    _, _, _, _, info = env.step(_act(UP))
    assert not info['clipped']
    # sliding along the border into a wall still touches it
    env, _ = _door(doors=(100.0, 10.0))
    env.set_agent_position((0.0, 56.0))
    obs, reward, terminated, _, info = env.step(_act(-0.4))  # heading 0.6 pi: up and left, clipped at x = 0
    assert terminated and reward == -2.0 and info['hit_wall'] and info['clipped']
    np.testing.assert_allclose(obs[env.AGENT_POS], [0.0, 57.5], atol=1e-9)


def test_memory_field_exit_stays_absorbing():
    env, _ = _memory(goal_index=0, start_index=3)  # start (120, 15)
    env.set_agent_position((149.5, 15.0))
    obs, reward, terminated, _, info = env.step(_act(RIGHT))
    assert terminated and reward == -2.0 and info['left_field'] and not info['clipped']
    np.testing.assert_allclose(obs[env.AGENT_POS], [150.0, 15.0])
