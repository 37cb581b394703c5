"""Declared reference returns: the ``R_ref`` of a task's normalization where no oracle variant ran.

Each value says where it comes from; ``tests/test_report_references.py`` recomputes every one from its source, so
a change of a task that moves its reference fails there. A value holds for one horizon: the runs' recorded horizon
(the ``horizon`` argument, else the ``horizon_used`` of their ``args.json``) must equal it. Runs that recorded no
horizon ran before it was recorded, at the task's horizon of their time (:data:`UNRECORDED_HORIZONS`: the
point-mass tasks' earlier 100 and 150 steps; else the task's horizon now, :data:`TASK_HORIZON`).

"""
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

__all__ = ['DeclaredReference', 'DECLARED_REFERENCES', 'TASK_HORIZON', 'UNRECORDED_HORIZONS', 'declared_reference']


@dataclass(frozen=True)
class DeclaredReference:
    """A task's reference return, the horizon it holds for and its source."""
    value: float
    horizon: int
    source: str


_MEMORY_SOURCE = ('scripted oracle (environments.point_mass_scripts.memory_oracle_action), mean return over the '
                  '16 start-goal pairs')
_UNIFORM_MEMORY_SOURCE = ('scripted oracle (environments.point_mass_scripts.memory_oracle_action), mean return over '
                          '50 (goal x, start x) draws U[25, 120]^2 (numpy default_rng(0))')
_DOOR_SOURCE = ('scripted oracle (environments.point_mass_scripts.door_oracle_action), mean return over 200 door '
                'draws U[10, 100]^2 (numpy default_rng(0))')

#: The declared references of each task, one per horizon.
DECLARED_REFERENCES: Dict[str, Tuple[DeclaredReference, ...]] = {
    'PointMassMemory-v0': (DeclaredReference(34.04, 100, _MEMORY_SOURCE),
                           DeclaredReference(858.01, 1000, _MEMORY_SOURCE)),
    'PointMassMemory-v1': (DeclaredReference(35.63, 100, _UNIFORM_MEMORY_SOURCE),
                           DeclaredReference(859.76, 1000, _UNIFORM_MEMORY_SOURCE)),
    'PointMassDoor-v0': (DeclaredReference(298.62, 100, _DOOR_SOURCE),
                         DeclaredReference(779.31, 150, _DOOR_SOURCE),
                         DeclaredReference(9053.96, 1000, _DOOR_SOURCE)),
}

#: The horizon of the tasks with declared references (their registered ``max_episode_steps``).
TASK_HORIZON = 1000

#: The horizon of runs that recorded none, where it differs from :data:`TASK_HORIZON`: the point-mass tasks' horizons
#: before they became 1000 (the runs of the committed studies in ``docs/results``).
UNRECORDED_HORIZONS: Dict[str, int] = {'PointMassMemory-v0': 100, 'PointMassDoor-v0': 150}


def declared_reference(task: str, horizon: Optional[int] = None) -> Optional[DeclaredReference]:
    """The declared reference of ``task`` for runs at ``horizon`` (None: runs that recorded no horizon), or None."""
    if horizon is None:
        horizon = UNRECORDED_HORIZONS.get(task, TASK_HORIZON)
    for reference in DECLARED_REFERENCES.get(task, ()):
        if reference.horizon == int(horizon):
            return reference
    return None
