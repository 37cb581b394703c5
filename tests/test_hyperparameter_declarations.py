"""The declared hyperparameters of every algorithm agree with its constructors, so that the two cannot drift."""
import inspect
from typing import Dict

import pytest

from mushroom_s2pg.algorithms import ALGORITHMS, Hyperparameter, check_hyperparameters, declared_hyperparameters

# Arguments that the variants set themselves or that callers give as data, never hyperparameters.
NOT_HYPERPARAMETERS = ('self', 'mdp_info', 'policy_obs_mask', 'critic_obs_mask', 'policy', 'critic', 'expert_data')


def constructor_parameters(cls: type) -> Dict[str, inspect.Parameter]:
    """The keyword arguments that reach ``cls``'s constructors: its own, then, through ``**kwargs``, those of the
    classes up its hierarchy (the first declaration of a name wins, as a call would bind it)."""
    arguments: Dict[str, inspect.Parameter] = dict()
    for klass in cls.__mro__:
        if '__init__' not in vars(klass):
            continue
        parameters = inspect.signature(klass.__init__).parameters
        for name, parameter in parameters.items():
            if parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL) or name in arguments:
                continue
            if name not in NOT_HYPERPARAMETERS:
                arguments[name] = parameter
        if not any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
            break
    return arguments


@pytest.mark.parametrize('name', list(ALGORITHMS))
def test_declarations_match_the_constructor(name):
    cls = ALGORITHMS[name]
    parameters = constructor_parameters(cls)
    declared = {h.name: h for h in cls.HYPERPARAMETERS}
    assert list(declared) == list(parameters), 'the same names in the same order'
    for key, parameter in parameters.items():
        h = declared[key]
        assert h.default == parameter.default and type(h.default) is type(parameter.default), key
        assert h.type == parameter.annotation, key
        assert h.doc, f'{key} has no description'


@pytest.mark.parametrize('name', list(ALGORITHMS))
def test_every_declared_default_passes_its_own_type_check(name):
    hyperparameters = declared_hyperparameters(name)
    check_hyperparameters(name, {key: h.default for key, h in hyperparameters.items()})
    assert set(hyperparameters) == set(h.name for h in ALGORITHMS[name].HYPERPARAMETERS) - set(
        ALGORITHMS[name].UNUSED_HYPERPARAMETERS)


def test_type_checks_follow_the_declared_types():
    with pytest.raises(ValueError, match='actor_features.*expected a list of integers'):
        check_hyperparameters('SAC_VANILLA', dict(actor_features=[64, 'x']))
    with pytest.raises(ValueError, match='target_entropy.*expected a finite number'):
        check_hyperparameters('SAC_RS', dict(target_entropy='low'))
    assert check_hyperparameters('SAC_RS', dict(target_entropy=None, n_oscillators=3)) == dict(
        target_entropy=None, n_oscillators=3)
    assert isinstance(ALGORITHMS['TD3_RS'].HYPERPARAMETERS[0], Hyperparameter)
