"""The per-task numbers of the report, from the tables of ``launchers.report.runs``: curves, normalized returns,
run clocks.

- **Curves**: per (grid, task, variant, evaluation, steps) the mean return over the seeds with a 95 % percentile
  bootstrap interval of that mean (``scipy.stats.bootstrap``, seeded): it never leaves the range of the seeds'
  returns, and it is absent with one seed.
- **Normalized return** (the paper's Figure 3): per grid, algorithm family (the label's prefix: SAC, TD3, PPO, GAIL,
  LSIQ), task and evaluation, ``(R - R_start) / (R_ref - R_start)``: ``R`` a run's return at its last epoch,
  ``R_start`` the mean epoch-0 return of all runs of the family on the task, ``R_ref`` the mean last-epoch return of
  the family's oracle (``<FAMILY>_ORACLE``) or, where no oracle ran, the task's declared reference
  (``launchers.report.references``). Never the best variant. A task whose reference is not clearly above its start
  (``R_ref - R_start`` below ``MIN_GAP`` of ``max(|R_start|, |R_ref|)``: the reference ended below the start, or
  hardly above it) or that has no reference is left out of the normalized aggregate, with a note naming it.
- **Run clocks** (Tables 1-2): each run's wall-clock seconds per 1M steps, summarised as median and range over the
  runs (never a symmetric interval on a positive quantity); the factor is the ratio of the medians to the family's
  vanilla variant on the same task. Notes say when runs shared their cores (their recorded load) and, given a
  benchmark file, when the run-clock factors disagree with the benchmark's.

"""
import re
from typing import Any, Dict, Iterable, List, Optional, Tuple

import numpy as np
import pandas as pd
from scipy import stats

from launchers.report.references import declared_reference
from launchers.report.runs import RETURN_COLUMNS

__all__ = ['CONFIDENCE', 'EVALUATIONS', 'MIN_GAP', 'CURVE_RESAMPLES', 'label_order', 'counterpart', 'curves',
           'normalized_returns', 'time_table', 'time_notes', 'task_dims']

CONFIDENCE = 0.95
#: The smallest ``R_ref - R_start``, as a fraction of ``max(|R_start|, |R_ref|)``, for a task to be normalized.
MIN_GAP = 0.1
#: Bootstrap resamples of each curve point's interval.
CURVE_RESAMPLES = 2000
#: evaluation -> (epoch-0 return, last-epoch return, normalized return) columns of the runs table.
EVALUATIONS: Dict[str, Tuple[str, str, str]] = {
    'stochastic': ('R_start', 'R_final', 'normalized'),
    'deterministic': ('R_start_deterministic', 'R_final_deterministic', 'normalized_deterministic'),
}
_KIND_ORDER = ('RS', 'RS_CPG', 'BPTT', 'WINDOW', 'VANILLA', 'ORACLE')
_LOW_DIM = re.compile(r'^(Hopper|Walker2d|HalfCheetah)POMDP')
_HIGH_DIM = re.compile(r'^(Ant|Humanoid)POMDP')
#: A run-clock factor this far from the benchmark's (ratio outside [1/x, x]) is noted as a disagreement.
BENCHMARK_TOLERANCE = 1.5


def _label_key(label: str) -> Tuple[str, int, str, int, str]:
    base = label.split('@')[0]
    family, _, rest = base.partition('_')
    match = re.match(r'^(.*?)(\d*)$', rest)
    kind, number = match.group(1), match.group(2)
    rank = _KIND_ORDER.index(kind) if kind in _KIND_ORDER else len(_KIND_ORDER)
    return family, rank, kind, int(number or 0), label


def label_order(labels: Iterable[str]) -> List[str]:
    """The labels, each once, in the paper's order per family: RS, BPTT (by length), WINDOW, VANILLA, ORACLE."""
    return sorted(set(labels), key=_label_key)


def counterpart(label: str, kind: str, labels: Iterable[str]) -> Optional[str]:
    """The family's ``<FAMILY>_<kind>`` among ``labels`` (same ``@setting`` first), or None."""
    family, setting = label.split('_')[0], label.partition('@')[2]
    labels = set(labels)
    for candidate in (f'{family}_{kind}@{setting}' if setting else None, f'{family}_{kind}'):
        if candidate in labels:
            return candidate
    return None


def _mean_interval(values: np.ndarray, seed: int) -> Tuple[float, float]:
    """The 95 % percentile bootstrap interval of the mean (NaN for one value; the value when all are equal)."""
    if len(values) < 2:
        return float('nan'), float('nan')
    if np.all(values == values[0]):
        return float(values[0]), float(values[0])
    result = stats.bootstrap((values,), np.mean, confidence_level=CONFIDENCE, n_resamples=CURVE_RESAMPLES,
                             method='percentile', vectorized=True, random_state=np.random.default_rng(seed))
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def curves(progress: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Mean and 95 % bootstrap interval over seeds of the returns per (grid, task, label, evaluation, steps)."""
    long = progress.melt(id_vars=['grid', 'task', 'label', 'seed', 'steps'], value_vars=list(RETURN_COLUMNS),
                         var_name='evaluation', value_name='R').dropna(subset=['R'])
    long['evaluation'] = long['evaluation'].map(dict(zip(RETURN_COLUMNS, EVALUATIONS)))
    rows = []
    for key, group in long.groupby(['grid', 'task', 'label', 'evaluation', 'steps'], sort=True):
        values = group['R'].to_numpy(float)
        low, high = _mean_interval(values, seed)
        rows.append(dict(zip(['grid', 'task', 'label', 'evaluation', 'steps'], key), R_mean=float(values.mean()),
                         R_low=low, R_high=high, R_n=len(values)))
    return pd.DataFrame(rows, columns=['grid', 'task', 'label', 'evaluation', 'steps', 'R_mean', 'R_low', 'R_high',
                                       'R_n'])


def _reference(group: pd.DataFrame, final: str, task: str) -> Tuple[float, str, str]:
    """``(R_ref, what it is, kind)`` of one (grid, family, task): the oracle, else the declared value, else NaN."""
    means = group.groupby('label')[final].mean().dropna()
    oracles = [label for label in means.index if label.split('@')[0].endswith('_ORACLE')]
    if oracles:
        label = means[oracles].idxmax()
        return float(means[label]), label, 'oracle'
    horizons = {value for value in group['horizon'] if value is not None and value == value} \
        if 'horizon' in group else set()
    declared = declared_reference(task, horizons.pop() if len(horizons) == 1 else None) if len(horizons) <= 1 \
        else None
    if declared is not None:
        return declared.value, declared.source, 'declared'
    return float('nan'), '-', 'none'


def _exclusion(r_start: float, r_ref: float, kind: str) -> Optional[str]:
    """Why a task is left out of the normalized aggregate (None: it is normalized)."""
    if kind == 'none':
        return 'no oracle ran and no reference is declared for the task'
    if not np.isfinite(r_start):
        return 'no epoch-0 evaluation'
    gap, scale = r_ref - r_start, max(abs(r_start), abs(r_ref))
    if gap <= 0:
        return f'the reference ({r_ref:.4g}) is not above the start ({r_start:.4g})'
    if gap < MIN_GAP * scale:
        return (f'the reference ({r_ref:.4g}) is less than {MIN_GAP:.0%} of max(|R_start|, |R_ref|) above the start '
                f'({r_start:.4g})')
    return None


def normalized_returns(runs: pd.DataFrame) -> Tuple[pd.DataFrame, pd.DataFrame, List[str]]:
    """
    The normalized returns of the runs (see the module's docstring).

    Returns:
        The runs with the columns ``normalized`` and ``normalized_deterministic`` (NaN on tasks left out); the
        references, one row per (grid, family, task, evaluation) with ``R_start``, ``R_ref``, ``reference``, ``kind``
        (oracle, declared, none) and ``included``; notes naming the tasks left out and why.

    """
    references, notes, runs = [], [], runs.copy()
    for (grid, family, task), group in runs.groupby(['grid', 'family', 'task'], sort=False):
        for evaluation, (start, final, column) in EVALUATIONS.items():
            r_ref, reference, kind = _reference(group, final, task)
            r_start = float(group[start].mean())
            why = _exclusion(r_start, r_ref, kind)
            runs.loc[group.index, column] = np.nan if why else (group[final] - r_start) / (r_ref - r_start)
            references.append(dict(grid=grid, family=family, task=task, evaluation=evaluation, R_start=r_start,
                                   R_ref=r_ref, reference=reference, kind=kind, included=why is None))
            if why:
                notes.append(f'grid {grid}, {family} on {task} ({evaluation}): left out of the normalized '
                             f'aggregate: {why}')
    return runs, pd.DataFrame(references), notes


def _clock(frame: pd.DataFrame) -> Dict[str, Any]:
    values = frame['time_per_1M'].dropna()
    return dict(time_median=values.median(), time_min=values.min(), time_max=values.max(), time_n=len(values))


def _benchmark_factor(benchmark: Optional[Dict[str, Any]], task: str, label: str, vanilla: Optional[str]) -> float:
    """The benchmark's ratio of medians ``label/vanilla`` on ``task`` (``benchmarks/training_time.py``'s JSON)."""
    if not benchmark or not vanilla:
        return float('nan')
    for part in ('off_policy', 'on_policy'):
        ratio = benchmark.get(part, {}).get('envs', {}).get(task, {}).get('ratios', {}).get(f'{label}/{vanilla}')
        if ratio:
            return float(ratio['ratio_of_medians'])
    return float('nan')


def time_table(runs: pd.DataFrame, benchmark: Optional[Dict[str, Any]] = None) -> pd.DataFrame:
    """
    Tables 1-2 from run clocks: seconds per 1M steps per (grid, task, variant) as median, min, max and count over the
    runs; the factor vs the family's vanilla variant on the same task (ratio of the medians) and, given a benchmark
    result (``benchmarks/training_time.py``'s JSON), the benchmark's factor; then per (grid, variant) over ``all
    tasks`` (median and range of all its runs; factor: median of the per-task factors).

    """
    rows = [dict(grid=grid, task=task, label=label, **_clock(group))
            for (grid, task, label), group in runs.groupby(['grid', 'task', 'label'], sort=False)]
    per_task = pd.DataFrame(rows)
    medians = per_task.set_index(['grid', 'task', 'label'])['time_median']
    vanilla = [counterpart(row.label, 'VANILLA', medians.loc[row.grid, row.task].index) for row in per_task.itertuples()]
    per_task['vanilla'] = [label or '-' for label in vanilla]
    per_task['factor'] = [row.time_median / medians[row.grid, row.task, label] if label else np.nan
                          for row, label in zip(per_task.itertuples(), vanilla)]
    per_task['benchmark_factor'] = [_benchmark_factor(benchmark, row.task, row.label.split('@')[0],
                                                      label.split('@')[0] if label else None)
                                    for row, label in zip(per_task.itertuples(), vanilla)]
    overall = pd.DataFrame([dict(grid=grid, task='all tasks', label=label, **_clock(group))
                            for (grid, label), group in runs.groupby(['grid', 'label'], sort=False)])
    factors = per_task.groupby(['grid', 'label'], sort=False).agg(
        factor=('factor', 'median'), vanilla=('vanilla', 'first'), benchmark_factor=('benchmark_factor', 'median'))
    overall = overall.merge(factors.reset_index(), on=['grid', 'label'], how='left')
    table = pd.concat([per_task, overall], ignore_index=True)
    order = {label: rank for rank, label in enumerate(label_order(table['label']))}
    table = table.assign(_all=table['task'] == 'all tasks', _rank=table['label'].map(order)).sort_values(
        ['grid', '_all', 'task', '_rank']).reset_index(drop=True)
    return table[['grid', 'task', 'label', 'time_median', 'time_min', 'time_max', 'time_n', 'vanilla', 'factor',
                  'benchmark_factor']]


def time_notes(runs: pd.DataFrame, table: pd.DataFrame) -> List[str]:
    """What the run clocks do not measure: runs that shared their cores, and factors the benchmark contradicts."""
    notes = []
    recorded = runs.dropna(subset=['load_median', 'cpu_count'])
    if len(recorded) < len(runs):
        notes.append(f'run clocks: {len(runs) - len(recorded)} of {len(runs)} runs recorded no load average; '
                     'whether they shared their cores is not known')
    threads = recorded['torch_threads'].fillna(1.)
    oversubscribed = recorded[recorded['load_median'] > recorded['cpu_count'] + 0.5]
    shared = recorded[(recorded['load_median'] > threads + 0.5) & ~recorded.index.isin(oversubscribed.index)]
    if len(oversubscribed):
        notes.append(f'run clocks: {len(oversubscribed)} of {len(runs)} runs ran on a machine with more work than '
                     f'cores (median load {oversubscribed["load_median"].median():.1f} on '
                     f'{int(oversubscribed["cpu_count"].median())} cores): their times include waiting for a core, '
                     'so the time table and its factors are not speed measurements; `make benchmark` measures speed')
    if len(shared):
        notes.append(f'run clocks: {len(shared)} of {len(runs)} runs shared the machine with other processes (median '
                     f'load {shared["load_median"].median():.1f}, above their torch threads)')
    disagree = table[np.isfinite(table['factor'] / table['benchmark_factor'])
                     & ((table['factor'] / table['benchmark_factor'] > BENCHMARK_TOLERANCE)
                        | (table['benchmark_factor'] / table['factor'] > BENCHMARK_TOLERANCE))
                     & (table['task'] != 'all tasks')]
    notes += [f'run clocks vs benchmark: {row.label} on {row.task} (grid {row.grid}) is {row.factor:.2f}x '
              f'{row.vanilla} by run clocks, {row.benchmark_factor:.2f}x by the benchmark'
              for row in disagree.itertuples()]
    return notes


def task_dims(task: str) -> Optional[str]:
    """``'low'`` (Hopper, Walker2d, HalfCheetah), ``'high'`` (Ant, Humanoid) for POMDP locomotion tasks, else None."""
    if _LOW_DIM.match(task):
        return 'low'
    return 'high' if _HIGH_DIM.match(task) else None
