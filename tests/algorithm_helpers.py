"""Tiny hyperparameters so that every algorithm fits within a few hundred steps in tests; hand-made batches."""
from typing import Any, Dict

import torch

from mushroom_s2pg.algorithms import hyperparameter_names
from mushroom_s2pg.core import TRANSITION_FIELDS, TransitionBatch

TINY = dict(batch_size=16, initial_replay_size=32, warmup_transitions=40, max_replay_size=2000, n_epochs=2,
            n_steps_per_fit=30)


def tiny_hyperparameters(name: str, **extra: Any) -> Dict[str, Any]:
    valid = hyperparameter_names(name)
    params = {key: value for key, value in TINY.items() if key in valid and value is not None}
    params.update(extra)
    return params


def torch_batch(n: int, window=None, is_expert=None, **fields: Any) -> TransitionBatch:
    """A torch :class:`TransitionBatch` of ``n`` rows holding ``fields``; the transition fields not given are zeros
    (what the code under test does not read)."""
    values = {name: fields.pop(name) if name in fields else torch.zeros(n) for name in TRANSITION_FIELDS}
    assert not fields, f'not transition fields: {sorted(fields)}'
    return TransitionBatch(**values, window=window, is_expert=is_expert)
