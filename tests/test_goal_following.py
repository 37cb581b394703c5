"""The point-mass memory diagnostics (launchers/tools/goal_following.py) on scripted agents."""
import contextlib
import json

import numpy as np
import pytest

from environments.point_mass_scripts import door_memoryless_action, door_oracle_action, memory_oracle_action
from launchers.tools.goal_following import door_passage, goal_following, main


class _Scripted:
    """Heads for the true goal (the oracle script) or straight up (``seeks_goal=False``); or follows ``script``."""

    def __init__(self, seeks_goal: bool = True, scale: float = 1., script=memory_oracle_action):
        self.seeks_goal, self.scale, self.script, self.starts = seeks_goal, scale, script, 0

    @contextlib.contextmanager
    def deterministic(self, deterministic=True):
        yield

    def episode_start(self):
        self.starts += 1

    def draw_action(self, obs):
        if not self.seeks_goal:
            return np.array([-0.5])
        return np.array([self.script(np.asarray(obs) * self.scale)])


@pytest.mark.parametrize('normalize', [False, True])
@pytest.mark.parametrize('env_id', ['PointMassMemory-v0', 'PointMassMemory-v1'])
def test_an_agent_that_knows_the_goal_follows_it(normalize, env_id):
    agent = _Scripted(True, scale=150. if normalize else 1.)
    result = goal_following(agent, normalize_observation=normalize, env_id=env_id)
    assert agent.starts == 16 and result['final_x'].shape == (4, 4)
    assert result['slope'] == pytest.approx(1., abs=0.05) and result['x_error'] < 3
    assert result['return'] > 800  # the oracle's 858.01 at horizon 1000
    assert goal_following(agent, normalize, horizon=100, env_id=env_id)['return'] == pytest.approx(34.04, abs=0.01)


def test_the_memoryless_script_follows_the_goal_on_v0_only():
    """On v0 the position tells the goal (slope 1); on v1 the memoryless script ends at the goal row's middle
    whatever the goal (slope 0)."""
    from environments.point_mass_scripts import memory_memoryless_action, uniform_memory_memoryless_action
    v0 = goal_following(_Scripted(script=memory_memoryless_action), horizon=200)
    v1 = goal_following(_Scripted(script=uniform_memory_memoryless_action), horizon=200, env_id='PointMassMemory-v1')
    assert v0['slope'] == pytest.approx(1., abs=0.05) and v1['slope'] == pytest.approx(0., abs=0.05)
    assert v1['x_error'] > 20


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
    (tmp_path / 'args.json').write_text(json.dumps(dict(arguments=dict(env_id='HalfCheetahPOMDP-v5'))))
    with pytest.raises(SystemExit, match="'HalfCheetahPOMDP-v5'.*PointMassMemory-v0, PointMassMemory-v1 and "
                                         "PointMassDoor-v0 only"):
        main([str(tmp_path)])


@pytest.mark.parametrize('normalize', [False, True])
def test_door_passage_of_the_oracle_and_the_memoryless_script(normalize):
    scale = 150. if normalize else 1.
    oracle = door_passage(_Scripted(script=door_oracle_action, scale=scale), normalize_observation=normalize)
    assert oracle['past_first'] == oracle['past_second'] == 1. and oracle['wall_hits'] == 0. and oracle['return'] > 700
    memoryless = door_passage(_Scripted(script=door_memoryless_action, scale=scale), normalize_observation=normalize)
    assert memoryless['past_first'] == 1. and 0.2 <= memoryless['past_second'] <= 0.6
    assert memoryless['wall_hits'] == pytest.approx(1. - memoryless['past_second'])
