"""Helpers for experiments: progress logging, learning-curve plots, seeding, timing and provenance."""
from mushroom_s2pg.utils.plotting import plot_learning_curve, plot_learning_curves
from mushroom_s2pg.utils.progress import ProgressLogger, read_progress
from mushroom_s2pg.utils.provenance import git_revision, package_provenance
from mushroom_s2pg.utils.seeding import get_rng_state, seed_everything, set_rng_state
from mushroom_s2pg.utils.timing import (TimedAgent, TimedEnvironment, Timer, interleaved_schedule, reset_timers,
                                        timed_learn)

__all__ = [
    'ProgressLogger',
    'TimedAgent',
    'TimedEnvironment',
    'Timer',
    'get_rng_state',
    'git_revision',
    'interleaved_schedule',
    'package_provenance',
    'plot_learning_curve',
    'plot_learning_curves',
    'read_progress',
    'reset_timers',
    'seed_everything',
    'set_rng_state',
    'timed_learn',
]
