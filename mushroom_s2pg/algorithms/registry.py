"""
Algorithm names, constructors and the reference hyperparameters per task.

Each algorithm declares its hyperparameters (``HYPERPARAMETERS``, :mod:`mushroom_s2pg.algorithms.hyperparameters`):
names, types and defaults. The reference values are data (:mod:`mushroom_s2pg.algorithms.reference_hyperparameters`),
applied on top of the declared defaults; the table is checked against the declarations when this module is imported.

"""
import difflib
from typing import Any, Dict, Iterable, Optional, Tuple

import numpy as np

from mushroom_s2pg.algorithms.hyperparameters import Hyperparameter, type_problem
from mushroom_s2pg.algorithms.reference_hyperparameters import (REFERENCE_HYPERPARAMETERS, check_reference_table,
                                                                 reference_hyperparameters)
from mushroom_s2pg.algorithms.gail_variants import GAIL_BPTT, GAIL_ORACLE, GAIL_RS, GAIL_VANILLA
from mushroom_s2pg.algorithms.lsiq_variants import LSIQ_BPTT, LSIQ_ORACLE, LSIQ_RS, LSIQ_VANILLA
from mushroom_s2pg.algorithms.ppo_variants import PPO_BPTT, PPO_ORACLE, PPO_RS, PPO_VANILLA, PPO_WINDOW
from mushroom_s2pg.algorithms.sac_variants import SAC_BPTT, SAC_ORACLE, SAC_RS, SAC_VANILLA, SAC_WINDOW
from mushroom_s2pg.algorithms.td3_variants import TD3_BPTT, TD3_ORACLE, TD3_RS, TD3_VANILLA, TD3_WINDOW
from mushroom_s2pg.core.device import resolve_device

__all__ = ['ALGORITHMS', 'IMITATION_ALGORITHMS', 'expert_data_for', 'available_algorithms', 'check_hyperparameters',
           'declared_hyperparameters', 'did_you_mean', 'default_hyperparameters', 'make_agent', 'hyperparameter_names',
           'needs_expert_data']

ALGORITHMS: Dict[str, type] = {
    'SAC_RS': SAC_RS,
    'SAC_BPTT': SAC_BPTT,
    'SAC_WINDOW': SAC_WINDOW,
    'SAC_VANILLA': SAC_VANILLA,
    'SAC_ORACLE': SAC_ORACLE,
    'TD3_RS': TD3_RS,
    'TD3_BPTT': TD3_BPTT,
    'TD3_WINDOW': TD3_WINDOW,
    'TD3_VANILLA': TD3_VANILLA,
    'TD3_ORACLE': TD3_ORACLE,
    'PPO_RS': PPO_RS,
    'PPO_BPTT': PPO_BPTT,
    'PPO_WINDOW': PPO_WINDOW,
    'PPO_VANILLA': PPO_VANILLA,
    'PPO_ORACLE': PPO_ORACLE,
    'GAIL_RS': GAIL_RS,
    'GAIL_BPTT': GAIL_BPTT,
    'GAIL_VANILLA': GAIL_VANILLA,
    'GAIL_ORACLE': GAIL_ORACLE,
    'LSIQ_RS': LSIQ_RS,
    'LSIQ_BPTT': LSIQ_BPTT,
    'LSIQ_VANILLA': LSIQ_VANILLA,
    'LSIQ_ORACLE': LSIQ_ORACLE,
}

#: The imitation algorithms: their constructors take the expert data (``make_agent(..., expert_data=...)``), of
#: their class declares ``IMITATES_EXPERT_DATA``.
IMITATION_ALGORITHMS: Tuple[str, ...] = tuple(name for name, cls in ALGORITHMS.items() if cls.IMITATES_EXPERT_DATA)


def available_algorithms() -> Tuple[str, ...]:
    return tuple(ALGORITHMS)


def needs_expert_data(name: str) -> bool:
    """Whether algorithm ``name`` imitates expert data (its agent must be built with ``expert_data``)."""
    _check_name(name)
    return name in IMITATION_ALGORITHMS


def expert_data_for(name: str, expert_data):
    """
    The demonstrations (a ``mushroom_s2pg.expert_data.ExpertData``) checked for what imitation algorithm ``name``
    learns from (``usable_expert_data``: GAIL any, LS-IQ transitions with actions).

    Raises:
        ValueError: for an algorithm that does not imitate; ExpertDataError (a ValueError) for data it cannot use
            (e.g. LS-IQ without actions).

    """
    if not needs_expert_data(name):
        raise ValueError(f'{name} does not imitate: expert data is only for {", ".join(IMITATION_ALGORITHMS)}')
    return ALGORITHMS[name].usable_expert_data(expert_data)


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """`` Did you mean 'X'?`` for the closest of ``choices`` to ``name`` (case ignored; difflib), else ``''``."""
    by_lower = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(str(name).lower(), list(by_lower), n=1, cutoff=0.6)
    return f" Did you mean '{by_lower[close[0]]}'?" if close else ''


def _check_name(name: str) -> type:
    if name not in ALGORITHMS:
        raise ValueError(f"Unknown algorithm '{name}'.{did_you_mean(name, ALGORITHMS)} "
                         f"Valid algorithms: {', '.join(ALGORITHMS)}")
    return ALGORITHMS[name]


def declared_hyperparameters(name: str) -> Dict[str, Hyperparameter]:
    """The hyperparameters algorithm ``name`` declares and uses (not its ``UNUSED_HYPERPARAMETERS``), by name, in the
    order of the declaration: its variant's own, then those of its family's class."""
    cls = _check_name(name)
    return {h.name: h for h in cls.HYPERPARAMETERS if h.name not in cls.UNUSED_HYPERPARAMETERS}


def hyperparameter_names(name: str) -> Tuple[str, ...]:
    """The constructor arguments an algorithm uses, which can be overridden (not its ``UNUSED_HYPERPARAMETERS``)."""
    return tuple(declared_hyperparameters(name))


def default_hyperparameters(name: str, env_id: str = '') -> Dict[str, Any]:
    """
    Reference hyperparameters of ``name`` on the task ``env_id``: the declared defaults, updated by the reference
    table (:data:`~mushroom_s2pg.algorithms.reference_hyperparameters.REFERENCE_HYPERPARAMETERS`) for the task. A task
    without reference values (e.g. the point-mass tasks) gets the declared defaults.

    Args:
        name (str): algorithm name, e.g. ``'SAC_RS'``;
        env_id (str): environment id; the task is its prefix (``'HalfCheetahPOMDP-v5'`` -> ``'HalfCheetah'``).

    Returns:
        The full dictionary of constructor keyword arguments.

    """
    defaults = {p: h.default for p, h in declared_hyperparameters(name).items()}
    defaults.update(reference_hyperparameters(name, env_id))
    return defaults


def check_hyperparameters(name: str, overrides: Dict[str, Any]) -> Dict[str, Any]:
    """
    The one check of an algorithm name and its hyperparameter overrides (used by :func:`make_agent` and by
    the launchers' run configuration).

    Returns:
        The overrides, as a new dictionary.

    Raises:
        ValueError: for an unknown algorithm or hyperparameter, or one the algorithm does not use, naming it (with the
            closest valid name) and listing the valid ones; for a value whose type does not match the declared one.

    """
    valid, cls = hyperparameter_names(name), _check_name(name)
    unused = sorted(set(overrides) & set(cls.UNUSED_HYPERPARAMETERS))
    if unused:
        raise ValueError(f"{name} does not use {', '.join(map(repr, unused))} (its internal state is not sampled). "
                         f"It uses: {', '.join(valid)}")
    unknown = sorted(set(overrides) - set(valid))
    if unknown:
        hints = ''.join(did_you_mean(bad, valid) for bad in unknown)
        raise ValueError(f"Unknown hyperparameter(s) {', '.join(map(repr, unknown))} for {name}.{hints} "
                         f"Valid hyperparameters: {', '.join(valid)}")
    declared = declared_hyperparameters(name)
    for key, value in overrides.items():
        problem = type_problem(value, declared[key])
        if problem:
            raise ValueError(f'hyperparameter {key} of {name}: {problem}, got {value!r}')
    return dict(overrides)


def make_agent(name: str, mdp_info, policy_obs_mask: np.ndarray, env_id: str = '', expert_data=None,
               device: str = 'cpu', critic_obs_mask: Optional[np.ndarray] = None, **overrides):
    """
    Build an agent with the reference hyperparameters of ``env_id`` and the given overrides.

    Args:
        policy_obs_mask (np.ndarray): the entries of the full state the policy sees (the ORACLE variants' policies
            see the full state whatever it is: they are the upper bound, the policy with everything);
        critic_obs_mask (np.ndarray, None): the entries of the full state the privileged critics see (the SAC, TD3
            and LS-IQ critics, PPO's and GAIL's privileged V; ``mdp.critic_obs_mask``); None: all of them. Not a
            hyperparameter: it travels with the agent (saved and loaded);
        expert_data (ExpertData, None): the demonstrations of an imitation algorithm (:data:`IMITATION_ALGORITHMS`,
            required there: their constructors raise ``ExpertDataError`` without them); None otherwise;
        device (str): ``'cpu'`` (default), ``'cuda'`` or ``'cuda:N'``: the agent is built on the CPU, so its initial
            weights do not depend on the device, and then moved there (``agent.to(device)``).

    Raises:
        ValueError: for an unknown algorithm, hyperparameter or device, naming it and listing the valid ones, and for
            expert data given to an algorithm that does not imitate.

    """
    cls = _check_name(name)
    device = resolve_device(device)
    overrides = check_hyperparameters(name, overrides)
    params = default_hyperparameters(name, env_id)
    params.update(overrides)
    if name in IMITATION_ALGORITHMS:
        params['expert_data'] = expert_data
    elif expert_data is not None:
        raise ValueError(f'{name} does not imitate: expert_data is only for {", ".join(IMITATION_ALGORITHMS)}')
    agent = cls(mdp_info, policy_obs_mask, critic_obs_mask=critic_obs_mask, **params)
    return agent if device.type == 'cpu' else agent.to(device)


# No silent typos: every name in the reference table is a hyperparameter of its algorithm, of its declared type.
check_reference_table(REFERENCE_HYPERPARAMETERS, ALGORITHMS, declared_hyperparameters)
