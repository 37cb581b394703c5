"""Seeding and capturing the global random number generators (Python, NumPy, PyTorch)."""
import random
from typing import Any, Dict

import numpy as np
import torch

__all__ = ['seed_everything', 'get_rng_state', 'set_rng_state']

_MAX_SEED = 2 ** 32 - 1


def seed_everything(seed: int) -> None:
    """
    Seed the global generators of Python's ``random``, NumPy and PyTorch (CPU and, when present,
    every CUDA device).

    Environments have their own generators: seed them separately (``mdp.seed(seed)``).

    Args:
        seed (int): the seed, in ``[0, 2**32 - 1]``.

    Raises:
        ValueError: if ``seed`` is not an integer in ``[0, 2**32 - 1]``.

    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) <= _MAX_SEED:
        raise ValueError(f'The seed must be an integer in [0, {_MAX_SEED}], got {seed!r}.')
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def get_rng_state() -> Dict[str, Any]:
    """
    Capture the state of the global generators, e.g. to resume a run exactly.

    Returns:
        A picklable dictionary with the states of Python's ``random``, NumPy and PyTorch (CPU).

    """
    return dict(python=random.getstate(), numpy=np.random.get_state(), torch=torch.get_rng_state())


def set_rng_state(state: Dict[str, Any]) -> None:
    """
    Restore the global generators from a dictionary returned by :func:`get_rng_state`.

    Args:
        state (dict): the captured states.

    """
    random.setstate(state['python'])
    np.random.set_state(state['numpy'])
    torch.set_rng_state(state['torch'])
