"""Every declared reference return is recomputed from its source."""
import numpy as np
import pytest

from environments import make_env
from environments import PointMassMemoryUniformEnv
from environments.point_mass_scripts import door_oracle_action, memory_oracle_action, rollout
from launchers.report.references import DECLARED_REFERENCES, declared_reference


def test_the_memory_task_reference_is_its_scripted_oracle():
    pairs = [dict(start_index=s, goal_index=g) for s in range(4) for g in range(4)]
    returns = [rollout('PointMassMemory-v0', memory_oracle_action, pair)[0] for pair in pairs]
    assert DECLARED_REFERENCES['PointMassMemory-v0'].value == pytest.approx(np.mean(returns), abs=0.005)


def test_the_uniform_memory_task_reference_is_its_scripted_oracle():
    draws = np.random.default_rng(0).uniform(*PointMassMemoryUniformEnv.X_RANGE, (50, 2))
    returns = [rollout('PointMassMemory-v1', memory_oracle_action, dict(goal_x=g, start_x=s))[0] for g, s in draws]
    assert DECLARED_REFERENCES['PointMassMemory-v1'].value == pytest.approx(np.mean(returns), abs=0.005)


def test_the_door_task_reference_is_its_scripted_oracle():
    doors = np.random.default_rng(0).uniform(10., 100., (200, 2))
    returns = [rollout('PointMassDoor-v0', door_oracle_action, dict(doors=tuple(d)))[0] for d in doors]
    assert DECLARED_REFERENCES['PointMassDoor-v0'].value == pytest.approx(np.mean(returns), abs=0.005)


@pytest.mark.parametrize('task', sorted(DECLARED_REFERENCES))
def test_a_reference_holds_for_the_tasks_default_horizon_only(task):
    reference = DECLARED_REFERENCES[task]
    assert make_env(task).info.horizon == reference.horizon
    assert declared_reference(task) is reference and declared_reference(task, reference.horizon) is reference
    assert declared_reference(task, reference.horizon + 1) is None
    assert declared_reference('HalfCheetahPOMDP-v5') is None
