"""Tiny hyperparameters so that every algorithm fits within a few hundred steps in tests."""
from typing import Any, Dict

from mushroom_s2pg.algorithms import hyperparameter_names

TINY = dict(batch_size=16, initial_replay_size=32, warmup_transitions=40, max_replay_size=2000, n_epochs=2,
            n_steps_per_fit=30)


def tiny_hyperparameters(name: str, **extra: Any) -> Dict[str, Any]:
    valid = hyperparameter_names(name)
    params = {key: value for key, value in TINY.items() if key in valid and value is not None}
    params.update(extra)
    return params
