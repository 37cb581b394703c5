"""The numbers of the report, from the tables of ``report_runs``: curves, normalized returns, time per 1M steps.

Every mean comes with a 95 % confidence interval, the t-interval of ``scipy.stats.t.interval`` (mean +- t *
standard error, n - 1 degrees of freedom; undefined for one value, the mean itself when all values are equal).

Normalized return (the paper's Figure 3): per grid, algorithm family (the label's prefix: SAC, TD3, PPO, GAIL,
LSIQ) and task, ``(R - R_start) / (R_ref - R_start)``, with ``R`` a run's return at its last epoch, ``R_start``
the mean epoch-0 return of all runs of the family on the task, ``R_ref`` the mean last-epoch return of the
family's oracle (``<FAMILY>_ORACLE``), or of its best variant where no oracle ran; computed separately for the
stochastic and the deterministic evaluation. Undefined (NaN) where ``R_ref == R_start``.

"""
import re
from functools import reduce
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd
from scipy import stats

from launchers.report_runs import RETURN_COLUMNS

__all__ = ['CONFIDENCE', 'EVALUATIONS', 't_interval', 'mean_ci', 'label_order', 'counterpart', 'curves',
           'normalized_returns', 'variant_summary', 'time_table', 'task_dims', 'dims_summary']

CONFIDENCE = 0.95
#: evaluation -> (epoch-0 return, last-epoch return, normalized return) columns of the runs table.
EVALUATIONS: Dict[str, Tuple[str, str, str]] = {
    'stochastic': ('R_start', 'R_final', 'normalized'),
    'deterministic': ('R_start_deterministic', 'R_final_deterministic', 'normalized_deterministic'),
}
_KIND_ORDER = ('RS', 'RS_CPG', 'BPTT', 'WINDOW', 'VANILLA', 'ORACLE')
_LOW_DIM = re.compile(r'^(Hopper|Walker2d|HalfCheetah)POMDP')
_HIGH_DIM = re.compile(r'^(Ant|Humanoid)POMDP')


def t_interval(mean: Iterable[float], sem: Iterable[float], n: Iterable[float]) -> Tuple[np.ndarray, np.ndarray]:
    """The 95 % t-intervals of means (arrays): NaN where n < 2, the mean where the standard error is 0."""
    mean, sem, n = (np.asarray(values, dtype=float) for values in (mean, sem, n))
    low, high = np.full(mean.shape, np.nan), np.full(mean.shape, np.nan)
    spread = (n >= 2) & (sem > 0)
    low[spread], high[spread] = stats.t.interval(CONFIDENCE, n[spread] - 1, loc=mean[spread], scale=sem[spread])
    constant = (n >= 2) & (sem == 0)
    low[constant], high[constant] = mean[constant], mean[constant]
    return low, high


def mean_ci(frame: pd.DataFrame, by: Sequence[str], column: str, prefix: Optional[str] = None) -> pd.DataFrame:
    """
    Mean and 95 % t-interval of ``column`` per group (NaN values left out).

    Returns:
        The columns ``by`` and ``<prefix>_mean``, ``_low``, ``_high``, ``_n`` (``prefix`` defaults to ``column``).

    """
    prefix = prefix or column
    table = frame.groupby(list(by), sort=False)[column].agg(['mean', 'sem', 'count']).reset_index()
    low, high = t_interval(table['mean'], table['sem'], table['count'])
    table = table.assign(low=low, high=high)[list(by) + ['mean', 'low', 'high', 'count']]
    return table.rename(columns={'mean': f'{prefix}_mean', 'low': f'{prefix}_low', 'high': f'{prefix}_high',
                                 'count': f'{prefix}_n'})


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


def curves(progress: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95 % CI over seeds of the returns per (grid, task, label, evaluation, steps); seeds present counted."""
    long = progress.melt(id_vars=['grid', 'task', 'label', 'seed', 'steps'], value_vars=list(RETURN_COLUMNS),
                         var_name='evaluation', value_name='R')
    long['evaluation'] = long['evaluation'].map(dict(zip(RETURN_COLUMNS, EVALUATIONS)))
    return mean_ci(long, ['grid', 'task', 'label', 'evaluation', 'steps'], 'R').sort_values(
        ['grid', 'task', 'label', 'evaluation', 'steps']).reset_index(drop=True)


def _reference(group: pd.DataFrame, final: str) -> Tuple[Optional[str], str]:
    """The reference label of one (grid, family, task): the oracle (the best of several), else the best variant."""
    means = group.groupby('label')[final].mean().dropna()
    oracles = [label for label in means.index if label.split('@')[0].endswith('_ORACLE')]
    if oracles:
        return means[oracles].idxmax(), 'oracle'
    return (means.idxmax(), 'best variant') if not means.empty else (None, 'none')


def normalized_returns(runs: pd.DataFrame) -> Tuple[pd.DataFrame, pd.DataFrame, List[str]]:
    """
    The normalized returns of the runs (see the module's docstring).

    Returns:
        The runs with the columns ``normalized`` and ``normalized_deterministic``; the references, one row per
        (grid, family, task, evaluation) with ``R_start``, ``R_ref`` and ``reference`` (label and kind); notes on
        the groups whose normalized return is undefined.

    """
    references, notes, runs = [], [], runs.copy()
    for (grid, family, task), group in runs.groupby(['grid', 'family', 'task'], sort=False):
        for evaluation, (start, final, column) in EVALUATIONS.items():
            label, kind = _reference(group, final)
            r_start = group[start].mean()
            r_ref = group.loc[group['label'] == label, final].mean() if label else np.nan
            scale = r_ref - r_start
            defined = np.isfinite(scale) and scale != 0
            runs.loc[group.index, column] = (group[final] - r_start) / scale if defined else np.nan
            references.append(dict(grid=grid, family=family, task=task, evaluation=evaluation, R_start=r_start,
                                   R_ref=r_ref, reference=f'{label} ({kind})' if label else '-'))
            if not defined:
                notes.append(f'grid {grid}, {family} on {task} ({evaluation}): normalized return undefined, '
                             f'R_ref ({r_ref:.4g}, {label}) - R_start ({r_start:.4g}) is {scale:.4g}')
    return runs, pd.DataFrame(references), notes


def _merge(tables: Sequence[pd.DataFrame], on: Sequence[str]) -> pd.DataFrame:
    return reduce(lambda left, right: left.merge(right, on=list(on), how='outer'), tables)


def _in_label_order(table: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    order = {label: rank for rank, label in enumerate(label_order(table['label']))}
    keys = [key for key in by if key != 'label']
    return table.assign(_rank=table['label'].map(order)).sort_values(keys + ['_rank']).drop(
        columns='_rank').reset_index(drop=True)


def variant_summary(runs: pd.DataFrame, by: Sequence[str] = ('grid', 'label')) -> pd.DataFrame:
    """Per group (default: grid and variant) the normalized returns (both evaluations) and the time per 1M steps,
    each as mean, 95 % CI and count over tasks and seeds (the Figure 3 summary)."""
    columns = [column for _, _, column in EVALUATIONS.values()] + ['time_per_1M']
    summary = _merge([mean_ci(runs, by, column) for column in columns], by)
    return _in_label_order(summary, by)


def time_table(runs: pd.DataFrame) -> pd.DataFrame:
    """
    Tables 1-2: time for 1M steps per (grid, task, variant), mean and 95 % CI over seeds, and the factor vs the
    family's vanilla variant on the same task (ratio of the means); then per (grid, variant) over ``all tasks``
    (mean of the runs; factor: mean of the per-task factors of the tasks where both ran).

    """
    per_task = mean_ci(runs, ['grid', 'task', 'label'], 'time_per_1M', 'time')
    means = per_task.set_index(['grid', 'task', 'label'])['time_mean']
    vanilla = [counterpart(row.label, 'VANILLA', means.loc[row.grid, row.task].index) for row in per_task.itertuples()]
    per_task['vanilla'] = [label or '-' for label in vanilla]
    per_task['factor'] = [row.time_mean / means[row.grid, row.task, label] if label else np.nan
                          for row, label in zip(per_task.itertuples(), vanilla)]
    overall = mean_ci(runs, ['grid', 'label'], 'time_per_1M', 'time').assign(task='all tasks')
    factors = per_task.groupby(['grid', 'label'], sort=False).agg(factor=('factor', 'mean'),
                                                                  vanilla=('vanilla', 'first')).reset_index()
    overall = overall.merge(factors, on=['grid', 'label'], how='left')
    table = pd.concat([per_task, overall], ignore_index=True)
    table['_all'] = table['task'] == 'all tasks'
    table = _in_label_order(table, ['grid', '_all', 'task', 'label']).drop(columns='_all')
    return table[['grid', 'task', 'label', 'time_mean', 'time_low', 'time_high', 'time_n', 'vanilla', 'factor']]


def task_dims(task: str) -> Optional[str]:
    """``'low'`` (Hopper, Walker2d, HalfCheetah), ``'high'`` (Ant, Humanoid) for POMDP locomotion tasks, else None."""
    if _LOW_DIM.match(task):
        return 'low'
    return 'high' if _HIGH_DIM.match(task) else None


def dims_summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Figure 13: normalized returns per (grid, variant, dims) over the low- and the high-dimensional POMDP tasks."""
    dims = runs.assign(dims=runs['task'].map(task_dims)).dropna(subset=['dims'])
    if dims.empty:
        return pd.DataFrame(columns=['grid', 'label', 'dims'])
    return variant_summary(dims, ('grid', 'label', 'dims'))
