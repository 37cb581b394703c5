"""Helpers for experiments: progress logging, learning-curve plots, seeding and provenance."""
from mushroom_s2pg.utils.plotting import plot_learning_curve, plot_learning_curves
from mushroom_s2pg.utils.progress import ProgressLogger, read_progress
from mushroom_s2pg.utils.provenance import git_revision, package_provenance
from mushroom_s2pg.utils.seeding import get_rng_state, seed_everything, set_rng_state

__all__ = [
    'ProgressLogger',
    'get_rng_state',
    'git_revision',
    'package_provenance',
    'plot_learning_curve',
    'plot_learning_curves',
    'read_progress',
    'seed_everything',
    'set_rng_state',
]
