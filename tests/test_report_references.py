"""Every declared reference return is recomputed from its source, at its horizon."""
import numpy as np
import pytest

from environments import PointMassMemoryUniformEnv, make_env
from environments.point_mass_scripts import door_oracle_action, memory_oracle_action, rollout
from launchers.report.references import (DECLARED_REFERENCES, TASK_HORIZON, UNRECORDED_HORIZONS,
                                         declared_reference)


def _reference(task, horizon):
    reference = declared_reference(task, horizon)
    assert reference is not None and reference.horizon == horizon
    return reference.value


@pytest.mark.parametrize('horizon', [100, 1000])
def test_the_memory_task_reference_is_its_scripted_oracle(horizon):
    pairs = [dict(start_index=s, goal_index=g) for s in range(4) for g in range(4)]
    returns = [rollout('PointMassMemory-v0', memory_oracle_action, pair, horizon=horizon)[0] for pair in pairs]
    assert _reference('PointMassMemory-v0', horizon) == pytest.approx(np.mean(returns), abs=0.005)


@pytest.mark.parametrize('horizon', [100, 1000])
def test_the_uniform_memory_task_reference_is_its_scripted_oracle(horizon):
    draws = np.random.default_rng(0).uniform(*PointMassMemoryUniformEnv.X_RANGE, (50, 2))
    returns = [rollout('PointMassMemory-v1', memory_oracle_action, dict(goal_x=g, start_x=s), horizon=horizon)[0]
               for g, s in draws]
    assert _reference('PointMassMemory-v1', horizon) == pytest.approx(np.mean(returns), abs=0.005)


@pytest.mark.parametrize('horizon', [100, 150, 1000])
def test_the_door_task_reference_is_its_scripted_oracle(horizon):
    doors = np.random.default_rng(0).uniform(10., 100., (200, 2))
    returns = [rollout('PointMassDoor-v0', door_oracle_action, dict(doors=tuple(d)), horizon=horizon)[0]
               for d in doors]
    assert _reference('PointMassDoor-v0', horizon) == pytest.approx(np.mean(returns), abs=0.005)


@pytest.mark.parametrize('task', sorted(DECLARED_REFERENCES))
def test_a_reference_holds_for_its_horizon_only(task):
    assert make_env(task).info.horizon == TASK_HORIZON
    assert declared_reference(task, TASK_HORIZON).horizon == TASK_HORIZON  # the grids' runs, at the task's horizon
    for reference in DECLARED_REFERENCES[task]:
        assert declared_reference(task, reference.horizon) is reference
        assert declared_reference(task, reference.horizon + 1) is None
    # runs that recorded no horizon ran at the task's horizon of their time
    assert declared_reference(task).horizon == UNRECORDED_HORIZONS.get(task, TASK_HORIZON)
    assert declared_reference('HalfCheetahPOMDP-v5') is None and declared_reference('HalfCheetahPOMDP-v5', 1000) is None
