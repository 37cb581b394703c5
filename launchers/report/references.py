"""Declared reference returns: the ``R_ref`` of a task's normalization where no oracle variant ran.

Each value says where it comes from; ``tests/test_report_references.py`` recomputes every one from its source, so
a change of a task that moves its reference fails there. A value holds for the task's default horizon only (the
runs' ``horizon`` argument unset, or equal to ``horizon`` here); runs at another horizon get no declared reference.

"""
from dataclasses import dataclass
from typing import Dict, Optional

__all__ = ['DeclaredReference', 'DECLARED_REFERENCES', 'declared_reference']


@dataclass(frozen=True)
class DeclaredReference:
    """A task's reference return, the horizon it holds for and its source."""
    value: float
    horizon: int
    source: str


DECLARED_REFERENCES: Dict[str, DeclaredReference] = {
    'PointMassMemory-v0': DeclaredReference(
        858.01, 1000, 'scripted oracle (environments.point_mass_scripts.memory_oracle_action), mean return over the '
                      '16 start-goal pairs'),
    'PointMassMemory-v1': DeclaredReference(
        859.76, 1000, 'scripted oracle (environments.point_mass_scripts.memory_oracle_action), mean return over 50 '
                      '(goal x, start x) draws U[25, 120]^2 (numpy default_rng(0))'),
    'PointMassDoor-v0': DeclaredReference(
        9053.96, 1000, 'scripted oracle (environments.point_mass_scripts.door_oracle_action), mean return over 200 '
                       'door draws U[10, 100]^2 (numpy default_rng(0))'),
}


def declared_reference(task: str, horizon: Optional[int] = None) -> Optional[DeclaredReference]:
    """The declared reference of ``task`` for runs at ``horizon`` (None: the task's default), or None."""
    reference = DECLARED_REFERENCES.get(task)
    if reference is None or (horizon is not None and int(horizon) != reference.horizon):
        return None
    return reference
