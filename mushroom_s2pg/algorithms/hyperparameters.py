"""
Declared hyperparameters: each algorithm class lists what it accepts as ``HYPERPARAMETERS`` (name, type, default,
meaning), its own first and then those of the class it passes the rest to; the registry reads these declarations
(names, defaults, type checks), and ``tests/test_hyperparameter_declarations.py`` checks them against the
constructors.
"""
import typing
from dataclasses import dataclass
from typing import Any, Sequence, Tuple

import numpy as np

__all__ = ['NETWORK_STRUCTURE', 'Hyperparameter', 'declare', 'type_problem']


@dataclass(frozen=True)
class Hyperparameter:
    """One constructor argument of an algorithm that a user may set.

    Attributes:
        name: the keyword argument;
        type: ``int``, ``float``, ``bool``, ``str``, ``Sequence[int]`` or ``Optional`` of one of them;
        default: the constructor's default;
        doc: what it sets, in one line.

    """
    name: str
    type: Any
    default: Any
    doc: str = ''


#: The structure of the GRU networks (:data:`mushroom_s2pg.networks.recurrent_actors.NETWORK_STRUCTURES`), declared by
#: every variant with a GRU actor.
NETWORK_STRUCTURE = Hyperparameter(
    'network_structure', str, 'library',
    "GRU networks: 'library' or 'reference' (the reference's post-GRU observation layer and Xavier gains)")


def declare(own: Sequence[Hyperparameter], base: Sequence[Hyperparameter] = ()) -> Tuple[Hyperparameter, ...]:
    """A class's declarations: ``own`` (its constructor's arguments) then those of ``base`` (the class its keyword
    arguments go to) that ``own`` does not redeclare (e.g. with another default)."""
    names = [h.name for h in own]
    if len(set(names)) != len(names):
        raise ValueError(f'hyperparameters declared twice: {sorted(n for n in names if names.count(n) > 1)}')
    return tuple(own) + tuple(h for h in base if h.name not in names)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def type_problem(value: Any, hyperparameter: Hyperparameter) -> str:
    """What is wrong with the type of ``value`` for ``hyperparameter`` ('' when nothing); null is a value only of an
    ``Optional`` one."""
    expected = hyperparameter.type
    if value is None:
        return '' if type(None) in typing.get_args(expected) else 'expected a value, not null'
    if typing.get_origin(expected) is typing.Union:
        expected = next(t for t in typing.get_args(expected) if t is not type(None))
    if expected is bool:
        return '' if isinstance(value, (bool, np.bool_)) else 'expected true or false'
    if expected is int:
        return '' if _is_number(value) and float(value).is_integer() else 'expected an integer'
    if expected is float:
        return '' if _is_number(value) and np.isfinite(value) else 'expected a finite number'
    if expected is str:
        return '' if isinstance(value, str) else 'expected a string'
    if expected == Sequence[int]:
        ok = isinstance(value, (list, tuple)) and all(_is_number(v) and float(v).is_integer() for v in value)
        return '' if ok else 'expected a list of integers'
    raise TypeError(f'hyperparameter {hyperparameter.name}: undeclarable type {expected!r}')
