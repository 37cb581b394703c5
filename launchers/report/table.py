"""The report's runs as one compact table, ``returns.csv``: one row per (run, epoch), written by every report and
read back by ``s2pg-report --from_table returns.csv``, which rebuilds the same :class:`RunSet` and so the same
figures and tables without the run folders.

Columns: the run's settings (:data:`SETTING_COLUMNS`: ``run``, an id made of its grid, task, label and seed, never
a machine's path; ``grid``, ``task``, ``label`` as reported; ``family``, ``seed``, the budget, ``random_mass``,
``horizon`` (empty: not recorded, see ``launchers/report/references.py``) and the machine facts ``cpu_count`` and
``torch_threads``), then its epoch's (:data:`EPOCH_COLUMNS`: ``epoch``, ``steps``, ``time_s``, the returns of
both evaluations and ``load_1m``). Numbers are written so that they read back exactly.

"""
import os
from typing import Any, Dict, Tuple

import numpy as np
import pandas as pd

from launchers.report.runs import (OPTIONAL_COLUMNS, REQUIRED_COLUMNS, RunFileError, RunSet, epoch_rows, run_row,
                                   run_set)

__all__ = ['TABLE_FILE', 'SETTING_COLUMNS', 'EPOCH_COLUMNS', 'REQUIRED_TABLE_COLUMNS', 'TableError', 'run_id',
           'returns_table', 'with_run_ids', 'write_returns_table', 'read_returns_table', 'runs_from_table']

#: The table's file name in a report's folder.
TABLE_FILE = 'returns.csv'
#: A run's settings, repeated on each of its rows.
SETTING_COLUMNS: Tuple[str, ...] = ('run', 'grid', 'task', 'label', 'family', 'seed', 'n_epochs', 'n_steps_per_epoch',
                                    'random_mass', 'horizon', 'cpu_count', 'torch_threads')
#: An epoch's numbers (``progress.csv``'s).
EPOCH_COLUMNS: Tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
#: The columns a table must have; the others default (family: the label's first word, random_mass: False,
#: horizon: the task's, machine facts and load: not recorded).
REQUIRED_TABLE_COLUMNS: Tuple[str, ...] = ('run', 'grid', 'task', 'label', 'seed', 'n_epochs',
                                           'n_steps_per_epoch') + REQUIRED_COLUMNS
_TEXT_COLUMNS = ('run', 'grid', 'task', 'label', 'family')


class TableError(ValueError):
    """A table that cannot be read (the message names the file and, where one is the cause, the column or run)."""


def run_id(row: Any) -> str:
    """A run's id in the table: ``<grid>/<task>/<label>/<seed>`` (one run per seed and label in a report)."""
    return f'{row.grid}/{row.task}/{row.label}/{int(row.seed)}'


def returns_table(runs: RunSet) -> pd.DataFrame:
    """The table of ``runs`` (a non-empty :class:`RunSet`): its runs' settings and epochs, in the runs' order."""
    settings = runs.runs.assign(run=[run_id(row) for row in runs.runs.itertuples()], _order=range(len(runs.runs)))
    progress = runs.progress.drop(columns=['grid', 'task', 'label', 'family', 'seed'])
    for column in OPTIONAL_COLUMNS:
        if column not in progress:
            progress = progress.assign(**{column: np.nan})
    table = settings[['path', '_order', *SETTING_COLUMNS]].merge(progress, on='path', how='inner')
    table = table.sort_values(['_order', 'epoch'], kind='stable')
    return table[list(SETTING_COLUMNS + EPOCH_COLUMNS)].reset_index(drop=True)


def with_run_ids(runs: RunSet) -> RunSet:
    """``runs`` with each run's ``path`` replaced by its id (a report that names no folder of this machine)."""
    ids = {row.path: run_id(row) for row in runs.runs.itertuples()}
    return RunSet(runs.runs.assign(path=runs.runs['path'].map(ids)),
                  runs.progress.assign(path=runs.progress['path'].map(ids)), runs.problems, runs.notes)


def write_returns_table(runs: RunSet, folder: str) -> str:
    """Write the table of ``runs`` into ``folder``; its path."""
    path = os.path.join(folder, TABLE_FILE)
    returns_table(runs).to_csv(path, index=False)
    return path


def read_returns_table(path: str) -> pd.DataFrame:
    """
    Read and check a table; empty cells are missing values, text cells stay text.

    Raises:
        TableError: the file is missing, not a CSV, or lacks a column or rows.

    """
    if not os.path.isfile(path):
        raise TableError(f'{path}: no such file')
    try:
        table = pd.read_csv(path, dtype={column: str for column in _TEXT_COLUMNS}, keep_default_na=False,
                            na_values=[''], float_precision='round_trip')
    except (OSError, ValueError, pd.errors.ParserError) as error:  # EmptyDataError is a ValueError
        raise TableError(f'{path}: not a readable CSV ({str(error).strip()})') from None
    missing = [column for column in REQUIRED_TABLE_COLUMNS if column not in table.columns]
    if missing:
        raise TableError(f'{path}: no column {", ".join(missing)} (a table of s2pg-report has the columns '
                         f'{", ".join(SETTING_COLUMNS + EPOCH_COLUMNS)})')
    if table.empty:
        raise TableError(f'{path}: no rows')
    empty = [column for column in REQUIRED_TABLE_COLUMNS[:7] if table[column].isna().any()]
    if empty:
        raise TableError(f'{path}: empty cells in column {", ".join(empty)}')
    return table


def _settings(first: pd.Series, name: str) -> Dict[str, Any]:
    """A run's settings from its first row, typed as a run folder's are."""
    def number(column: str) -> float:
        return float(first[column]) if column in first and pd.notna(first[column]) else float('nan')

    try:
        horizon = first.get('horizon')
        return dict(grid=first['grid'], task=first['task'], label=first['label'],
                    family=first['family'] if pd.notna(first.get('family')) else first['label'].split('_')[0],
                    seed=int(first['seed']), n_epochs=int(first['n_epochs']),
                    n_steps_per_epoch=int(first['n_steps_per_epoch']),
                    random_mass=bool(first.get('random_mass')) if pd.notna(first.get('random_mass')) else False,
                    horizon=None if horizon is None or pd.isna(horizon) else int(horizon),
                    cpu_count=number('cpu_count'), torch_threads=number('torch_threads'))
    except (TypeError, ValueError) as error:
        raise TableError(f'{name}: a setting is not a number ({error})') from None


def runs_from_table(table: pd.DataFrame, path: str) -> RunSet:
    """
    The :class:`RunSet` of a table (:func:`read_returns_table`), as :func:`launchers.report.runs.load_runs` builds
    it from run folders; each run's ``path`` is its id.

    Raises:
        TableError: naming the file and the run whose rows cannot be used.

    """
    rows, tables = [], []
    for run, group in table.groupby('run', sort=False):
        name = f'{path}: run {run}'
        try:
            unrecorded = [column for column in OPTIONAL_COLUMNS if column in group and group[column].isna().all()]
            progress = epoch_rows(group.drop(columns=unrecorded), name)
        except RunFileError as error:
            raise TableError(str(error)) from None
        row = run_row(run, _settings(group.iloc[0], name), progress)
        rows.append(row)
        tables.append(progress.assign(path=run))
    return run_set(rows, tables)
