"""Helpers for experiments: progress logging, learning-curve plots and seeding."""
from mushroom_s2pg.utils.plotting import plot_learning_curve, plot_learning_curves
from mushroom_s2pg.utils.progress import ProgressLogger, read_progress
from mushroom_s2pg.utils.seeding import get_rng_state, seed_everything, set_rng_state

__all__ = [
    'ProgressLogger',
    'get_rng_state',
    'plot_learning_curve',
    'plot_learning_curves',
    'read_progress',
    'seed_everything',
    'set_rng_state',
]
