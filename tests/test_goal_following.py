"""The point-mass memory diagnostic (launchers/goal_following.py) on scripted agents."""
import contextlib
import json

import numpy as np
import pytest

from launchers.goal_following import goal_following, main


class _Scripted:
    """Heads for the true goal (full state entries 4:6) or straight up (``seeks_goal=False``)."""

    def __init__(self, seeks_goal: bool, scale: float = 1.):
        self.seeks_goal, self.scale, self.starts = seeks_goal, scale, 0

    @contextlib.contextmanager
    def deterministic(self, deterministic=True):
        yield

    def episode_start(self):
        self.starts += 1

    def draw_action(self, obs):
        if not self.seeks_goal:
            return np.array([-0.5])
        state = np.asarray(obs) * self.scale
        heading = np.arctan2(state[5] - state[1], state[4] - state[0]) % (2 * np.pi)
        return np.array([heading / np.pi - 1.])


@pytest.mark.parametrize('normalize', [False, True])
def test_an_agent_that_knows_the_goal_follows_it(normalize):
    agent = _Scripted(True, scale=150. if normalize else 1.)
    result = goal_following(agent, normalize_observation=normalize)
    assert agent.starts == 16 and result['final_x'].shape == (4, 4)
    assert result['slope'] == pytest.approx(1., abs=0.05) and result['x_error'] < 3
    assert result['return'] > 30


def test_an_agent_that_ignores_the_goal_has_slope_zero():
    result = goal_following(_Scripted(False))
    assert result['slope'] == pytest.approx(0., abs=1e-6)
    np.testing.assert_allclose(result['final_x'], np.repeat([[25.], [57.], [88.], [120.]], 4, axis=1), atol=1e-6)


def test_the_command_refuses_folders_that_are_not_runs_of_the_task(tmp_path, capsys):
    with pytest.raises(SystemExit, match='not a run folder'):
        main([str(tmp_path)])
    (tmp_path / 'agent.zip').write_bytes(b'')
    (tmp_path / 'args.json').write_text('{not json')
    with pytest.raises(SystemExit, match='args.json: not the args.json of a run'):
        main([str(tmp_path)])
    (tmp_path / 'args.json').write_text(json.dumps(dict(arguments=dict(env_id='PointMassDoor-v0'))))
    with pytest.raises(SystemExit, match="'PointMassDoor-v0'.*PointMassMemory-v0 only"):
        main([str(tmp_path)])
