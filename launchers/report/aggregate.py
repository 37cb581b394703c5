"""Aggregates over tasks and seeds from rliable (Agarwal et al., 2021), the RL community's library for few-seed
evaluation.

- :func:`variant_summary` (Figure 3): per grid and variant the interquartile mean (IQM) of the normalized returns
  over tasks x seeds with a 95 % stratified-bootstrap interval (``rliable.library.get_interval_estimates``,
  percentile method, resampling the seeds within each task), both evaluations, and the run-clock time per 1M steps
  as median and range over the runs.
- :func:`performance_profiles`: per grid the fraction of runs whose normalized return exceeds tau, for a grid of
  tau, with its stratified-bootstrap band (rliable's score distribution).
- :func:`improvement_table`: the probability that an RS variant's final return beats its BPTT, window or vanilla
  twin's on a task, averaged over the tasks both ran (``rliable.metrics.probability_of_improvement``), with its
  stratified independent bootstrap interval. On raw final returns: the probability is the same on any increasing
  rescaling of a task's returns, so it needs no reference.

Every bootstrap is seeded (``SEED``): the same runs give the same report. A variant's score matrix uses the tasks
where its normalized return is defined and the seeds present on all of them; a percentile interval of these
statistics never leaves the range of the scores.

"""
import warnings
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from launchers.report.stats import EVALUATIONS, label_order

__all__ = ['SEED', 'REPS', 'IMPROVEMENT_REPS', 'score_matrix', 'variant_summary', 'performance_profiles',
           'improvement_table', 'TWIN_KINDS']

SEED = 0
#: Bootstrap resamples of the IQM and the performance profiles.
REPS = 2000
#: Bootstrap resamples of the probability of improvement (a Mann-Whitney U per task and resample: slower).
IMPROVEMENT_REPS = 500
#: The kinds an RS variant is compared with (``<FAMILY>_<kind><length>``).
TWIN_KINDS: Tuple[str, ...] = ('BPTT', 'WINDOW', 'VANILLA')


def _rliable():
    """rliable's library and metrics (imported on first use: arch and statsmodels take seconds to import)."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        from rliable import library, metrics
    return library, metrics


def _estimates(score_dict, func, reps: int):
    """rliable's interval estimates, seeded. rliable draws its resamples from NumPy's global generator (not from the
    ``random_state`` it passes on to arch), so that generator is seeded for the call and then restored: the same
    scores give the same intervals whatever ran before."""
    library, _ = _rliable()
    state = np.random.get_state()
    np.random.seed(SEED)
    try:
        with warnings.catch_warnings():  # arch's deprecation of the RandomState that rliable passes on
            warnings.simplefilter('ignore', FutureWarning)
            return library.get_interval_estimates(score_dict, func, reps=reps,
                                                  random_state=np.random.RandomState(SEED))
    finally:
        np.random.set_state(state)


def score_matrix(runs: pd.DataFrame, label: str, column: str,
                 tasks: Optional[Sequence[str]] = None) -> Tuple[np.ndarray, List[str], List[int]]:
    """
    The (seeds x tasks) matrix of ``column`` of one variant's runs.

    Args:
        runs (pd.DataFrame): the runs of one grid;
        label (str): the variant;
        column (str): e.g. ``normalized`` or ``R_final``;
        tasks (Sequence[str], None): the tasks (default: those where the variant has a finite value).

    Returns:
        The matrix, its tasks and its seeds (those with a finite value on every task; empty when none).

    """
    mine = runs[(runs['label'] == label)].dropna(subset=[column])
    tasks = sorted(set(mine['task'])) if tasks is None else list(tasks)
    seed_sets = [set(mine.loc[mine['task'] == task, 'seed']) for task in tasks]
    seeds = sorted(set.intersection(*seed_sets)) if seed_sets else []
    table = mine.set_index(['seed', 'task'])[column]
    matrix = np.array([[table[seed, task] for task in tasks] for seed in seeds], dtype=float)
    return matrix.reshape(len(seeds), len(tasks)), tasks, seeds


def _iqm_row(runs: pd.DataFrame, label: str, column: str, reps: int) -> Dict[str, float]:
    matrix, tasks, seeds = score_matrix(runs, label, column)
    if matrix.size == 0:
        return dict(iqm=np.nan, low=np.nan, high=np.nan, tasks=0, seeds=0)
    _, metrics = _rliable()
    point, interval = _estimates({label: matrix}, lambda scores: np.array([metrics.aggregate_iqm(scores)]), reps)
    return dict(iqm=float(point[label][0]), low=float(interval[label][0, 0]), high=float(interval[label][1, 0]),
                tasks=len(tasks), seeds=len(seeds))


def variant_summary(runs: pd.DataFrame, by: Sequence[str] = ('grid', 'label'), reps: int = REPS) -> pd.DataFrame:
    """
    Per group (default: grid and variant) the IQM of the normalized returns with its 95 % interval, tasks and seeds
    used, for both evaluations (``<column>_iqm``, ``_low``, ``_high``, ``_tasks``, ``_seeds``), and the run-clock
    time per 1M steps (``time_median``, ``time_min``, ``time_max``, ``time_n``).

    """
    by, rows = list(by), []
    for key, group in runs.groupby(by, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        label = dict(zip(by, key))['label']
        row = dict(zip(by, key))
        for _, _, column in EVALUATIONS.values():
            row.update({f'{column}_{name}': value for name, value in _iqm_row(group, label, column, reps).items()})
        times = group['time_per_1M'].dropna()
        row.update(time_median=times.median(), time_min=times.min(), time_max=times.max(), time_n=len(times))
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    order = {label: rank for rank, label in enumerate(label_order(table['label']))}
    keys = [key for key in by if key != 'label']
    return table.assign(_rank=table['label'].map(order)).sort_values(keys + ['_rank']).drop(
        columns='_rank').reset_index(drop=True)


def performance_profiles(runs: pd.DataFrame, column: str, n_taus: int = 41,
                         reps: int = REPS) -> pd.DataFrame:
    """
    The performance profile of each variant of one grid: ``label``, ``tau``, ``fraction`` (of its runs with a
    normalized return above tau), ``low``, ``high`` (95 % stratified-bootstrap band); tau spans [0, 1] and the
    scores' range.

    """
    library, _ = _rliable()
    scores = {label: score_matrix(runs, label, column)[0] for label in label_order(runs['label'])}
    scores = {label: matrix for label, matrix in scores.items() if matrix.size}
    if not scores:
        return pd.DataFrame(columns=['label', 'tau', 'fraction', 'low', 'high'])
    values = np.concatenate([matrix.ravel() for matrix in scores.values()])
    taus = np.linspace(min(0., values.min()), max(1., values.max()), n_taus)
    point, interval = _estimates(scores, lambda matrix: library.score_distributions(matrix, taus), reps)
    return pd.DataFrame([dict(label=label, tau=tau, fraction=point[label][i], low=interval[label][0, i],
                              high=interval[label][1, i])
                         for label in scores for i, tau in enumerate(taus)])


def _twins(label: str, labels: Sequence[str]) -> List[str]:
    """The BPTT, WINDOW and VANILLA variants of ``label``'s family, of its ``@setting`` (else without one)."""
    family, setting = label.split('_')[0], label.partition('@')[2]

    def is_twin(other: str, wanted: str) -> bool:
        base, _, other_setting = other.partition('@')
        kind = base.partition('_')[2].rstrip('0123456789')
        return base.split('_')[0] == family and other_setting == wanted and kind in TWIN_KINDS

    same = [other for other in labels if is_twin(other, setting)]
    return label_order(same or ([other for other in labels if is_twin(other, '')] if setting else []))


def improvement_table(runs: pd.DataFrame, reps: int = IMPROVEMENT_REPS) -> pd.DataFrame:
    """
    Per grid, evaluation and RS variant (``<FAMILY>_RS``, ``_RS_CPG``), the probability of improvement over each
    twin of its family (BPTT, WINDOW, VANILLA) on the final returns, over the tasks both ran: ``p``, ``low``,
    ``high`` (95 % interval), ``tasks``, ``seeds_rs``, ``seeds_twin``.

    """
    _, metrics = _rliable()
    rows = []
    for grid, runs_of_grid in runs.groupby('grid', sort=False):
        labels = label_order(runs_of_grid['label'])
        for label in (label for label in labels if label.split('@')[0].partition('_')[2] in ('RS', 'RS_CPG')):
            for twin in _twins(label, labels):
                tasks = sorted(set(runs_of_grid.loc[runs_of_grid['label'] == label, 'task'])
                               & set(runs_of_grid.loc[runs_of_grid['label'] == twin, 'task']))
                for evaluation, (_, final, _) in EVALUATIONS.items():
                    x, _, seeds_x = score_matrix(runs_of_grid, label, final, tasks)
                    y, _, seeds_y = score_matrix(runs_of_grid, twin, final, tasks)
                    if not (x.size and y.size):
                        continue
                    point, interval = _estimates({'pair': [x, y]}, lambda a, b: np.array(
                        [metrics.probability_of_improvement(a, b)]), reps)
                    rows.append(dict(grid=grid, evaluation=evaluation, label=label, twin=twin,
                                     p=float(point['pair'][0]), low=float(interval['pair'][0, 0]),
                                     high=float(interval['pair'][1, 0]), tasks=len(tasks), seeds_rs=len(seeds_x),
                                     seeds_twin=len(seeds_y)))
    return pd.DataFrame(rows, columns=['grid', 'evaluation', 'label', 'twin', 'p', 'low', 'high', 'tasks', 'seeds_rs',
                                       'seeds_twin'])
