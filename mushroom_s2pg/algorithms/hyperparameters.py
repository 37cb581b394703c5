"""
Declared hyperparameters: each algorithm class lists what it accepts as ``HYPERPARAMETERS`` (name, type, default,
meaning), its own first and then those of the class it passes the rest to; the registry reads these declarations
(names, defaults, type checks), and ``tests/test_hyperparameter_declarations.py`` checks them against the
constructors.
"""
import typing
from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

__all__ = ['NETWORK_STRUCTURE', 'SHARED', 'Hyperparameter', 'declare', 'shared', 'type_problem']


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


#: The hyperparameters several algorithm classes accept, with one type and one meaning each (their defaults
#: differ per class): name -> (type, meaning).
SHARED: Dict[str, Tuple[Any, str]] = {
    'train_discriminator_every': (int, 'rollouts per discriminator training'),
    'lr_actor': (float, 'learning rate of the actor'),
    'lr_critic': (float, 'learning rate of the critic'),
    'n_steps_per_fit': (int, 'environment steps per rollout'),
    'privileged_critic': (bool, "whether V sees the full state (V(s_full, z)) instead of the policy's inputs"),
    'policy_state_dim': (int, 'dimension of the internal state z (GRU hidden state)'),
    'n_features_actor': (int, "width of the actor's encoders, GRU input and head"),
    'std_0': (float, "initial standard deviation of the Gaussian over a (and z')"),
    'truncation_length': (int, 'length of the BPTT windows'),
    'n_features_critic': (int, "width of the critic's layers"),
    'eps_clip': (float, 'clip of the importance ratio'),
    'actor_features': (Sequence[int], 'hidden widths of the MLP actor'),
    'batch_size': (int, 'transitions (PPO: rollout steps) per gradient step'),
    'initial_replay_size': (int, 'transitions collected before the first update'),
    'max_replay_size': (int, 'capacity of the replay memory'),
    'warmup_transitions': (int, 'replay size after which the actor starts learning'),
    'tau': (float, 'soft-update coefficient of the target networks'),
    'init_alpha': (float, 'initial temperature of a'),
    'lr_alpha': (float, 'learning rate of the temperature of a'),
    'init_alpha_z': (float, "initial temperature of z'"),
    'lr_alpha_z': (float, "learning rate of the temperature of z'"),
    'target_entropy': (Optional[float], 'entropy target of a (None: -dim(a))'),
    'target_entropy_z': (Optional[float], "entropy target of z' (None: -dim(z))"),
    'tau_z': (float, 'mixing factor of the internal-state refresh of the replay memory (0: no refresh)'),
    'tanh_log_prob': (str, "tanh correction of the log-probabilities: 'exact' or 'reference' (log(1 - y^2 + 1e-6))"),
    'log_std_min': (float, "lower clamp of the log-stds of a (and z')"),
    'log_std_max': (float, "upper clamp of the log-stds of a (and z')"),
    'critic_features': (Sequence[int], 'hidden widths of each MLP critic'),
    'window_length': (int, 'observations in the window of the window policy'),
    'critic_encoders': (str, "encoders of the stateful critic: 'mlp' or 'linear' (ablation)"),
    'critic_init_scale': (Optional[float],
                            "gain of the critic's Xavier initialisation (None: PyTorch's initialisation; ablation)"),
    'std': (float, 'standard deviation of the exploration noise on the normalised action'),
}


def shared(name: str, default: Any) -> Hyperparameter:
    """The declaration of the shared hyperparameter ``name`` (:data:`SHARED`) with a class's ``default``."""
    kind, doc = SHARED[name]
    return Hyperparameter(name, kind, default, doc)


#: The structure of the networks (:data:`mushroom_s2pg.networks.recurrent_actors.NETWORK_STRUCTURES`): for the GRU
#: networks the layers and initialisation, for the baselines' MLPs the initialisation
#: (:mod:`mushroom_s2pg.networks.reference_init`); declared by every variant with such networks.
NETWORK_STRUCTURE = Hyperparameter(
    'network_structure', str, 'library',
    "networks: 'library' or 'reference' (the reference's post-GRU observation layer in the GRU networks and the "
    "reference classes' Xavier gains)")


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
