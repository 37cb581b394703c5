"""The runs below result folders: every run folder's ``args.json`` and ``progress.csv``, read, checked and tabled.

A run folder is a folder holding ``progress.csv`` or ``args.json`` (the grids write
``<exp_name>[_test][_<timestamp>]/<env_id>/<label>/<seed>/``). Each run becomes one row of
:attr:`RunSet.runs` (its grid, task, variant label, seed, budget, last epoch, start and final returns, time per
1M steps) and its epochs rows of :attr:`RunSet.progress`. A missing or malformed file is reported by name in
:attr:`RunSet.problems` and its run skipped; nothing here raises on a bad file.

Grouping: the grid is the experiment folder three levels above the run folder, with its timestamp removed (so
that launches of one grid at different times are merged); where the layout is not the grids', the name of the
given folder. Runs of one (grid, task, label) with different budgets (epochs x steps per epoch) or mass
randomisation are never mixed: their labels get the setting as a suffix (``SAC_RS@10x5000``), with a note.

"""
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Sequence, Tuple

import numpy as np
import pandas as pd

__all__ = ['RunSet', 'RunFileError', 'REQUIRED_COLUMNS', 'RETURN_COLUMNS', 'OPTIONAL_COLUMNS', 'missing_folders',
           'find_run_folders', 'read_run', 'epoch_rows', 'run_row', 'run_set', 'load_runs']

#: The ``progress.csv`` columns a run needs.
REQUIRED_COLUMNS: Tuple[str, ...] = ('epoch', 'steps', 'time_s', 'R_mean', 'R_mean_deterministic')
#: The returns the report shows: stochastic and deterministic evaluation.
RETURN_COLUMNS: Tuple[str, ...] = ('R_mean', 'R_mean_deterministic')
#: The ``progress.csv`` columns used where present: the machine's load average per epoch (``launchers.run.training``).
OPTIONAL_COLUMNS: Tuple[str, ...] = ('load_1m',)
#: The ``args.json`` arguments a run needs.
REQUIRED_ARGUMENTS: Tuple[str, ...] = ('env_id', 'algorithm', 'seed', 'n_epochs', 'n_steps_per_epoch')

_TIMESTAMP = re.compile(r'_\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}$')


class RunFileError(ValueError):
    """A run file that is missing or cannot be used (the message names the file)."""


@dataclass
class RunSet:
    """
    The runs found below the given folders.

    Attributes:
        runs (pd.DataFrame): one row per run (see :func:`read_run`), labels made unique per setting;
        progress (pd.DataFrame): one row per (run, epoch): ``path``, ``epoch``, ``steps`` and the returns;
        problems (List[str]): the files that were skipped, each with its path and why;
        notes (List[str]): what was done to keep the runs apart (budget splits, duplicate seeds).

    """
    runs: pd.DataFrame
    progress: pd.DataFrame
    problems: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)


def missing_folders(folders: Sequence[str]) -> List[str]:
    """The messages for given folders that do not exist or are not folders (empty when all are fine)."""
    return [f'{folder}: no such folder' if not os.path.exists(folder) else f'{folder}: not a folder'
            for folder in folders if not os.path.isdir(folder)]


def find_run_folders(root: str, skip: Sequence[str] = ()) -> Iterator[str]:
    """The run folders below ``root`` (sorted), without descending into them or into the folders in ``skip``."""
    skip = {os.path.abspath(folder) for folder in skip}
    for folder, subfolders, files in os.walk(root):
        subfolders.sort()
        if os.path.abspath(folder) in skip:
            subfolders[:] = []
            continue
        if 'progress.csv' in files or 'args.json' in files:
            subfolders[:] = []
            yield folder


def _read_arguments(path: str) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """The run's ``arguments`` and the whole ``args.json`` (machine facts: ``cpu_count``, ``torch_threads``)."""
    if not os.path.exists(path):
        raise RunFileError(f'{path}: missing')
    try:
        with open(path) as f:
            content = json.load(f)
        arguments = content.get('arguments')
    except (OSError, ValueError, AttributeError) as error:
        raise RunFileError(f'{path}: not a readable args.json ({error})') from None
    missing = [key for key in REQUIRED_ARGUMENTS if not isinstance(arguments, dict) or arguments.get(key) is None]
    if missing:
        raise RunFileError(f'{path}: no {", ".join(missing)} in "arguments"')
    return arguments, content


def _read_progress(path: str) -> pd.DataFrame:
    if not os.path.exists(path):
        raise RunFileError(f'{path}: missing')
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError, pd.errors.ParserError) as error:  # EmptyDataError is a ValueError
        raise RunFileError(f'{path}: not a readable CSV ({str(error).strip()})') from None
    return epoch_rows(frame, path)


def epoch_rows(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """
    A run's epochs, checked: the :data:`REQUIRED_COLUMNS` (and :data:`OPTIONAL_COLUMNS` where present) as numbers,
    one row per epoch (the last of repeated ones), sorted.

    Raises:
        RunFileError: naming ``name`` (the file, or the table and run) and what is wrong.

    """
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        raise RunFileError(f'{name}: no column {", ".join(missing)}')
    optional = [column for column in OPTIONAL_COLUMNS if column in frame.columns]
    frame = frame[list(REQUIRED_COLUMNS) + optional].apply(pd.to_numeric, errors='coerce')
    if frame.empty:
        raise RunFileError(f'{name}: no rows')
    if frame[['epoch', 'steps', 'time_s']].isna().any().any():
        raise RunFileError(f'{name}: non-numeric or empty epoch, steps or time_s')
    return frame.drop_duplicates('epoch', keep='last').sort_values('epoch').reset_index(drop=True)


def _number(value: Any) -> float:
    """A recorded machine fact as a float (NaN where the run did not record it)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float('nan')


def _grid_name(run_dir: str, root: str, task: str, label: str) -> str:
    """The experiment folder's name without timestamp, where the layout is the grids'; else the root's name."""
    seed_parent = os.path.dirname(os.path.abspath(run_dir))
    task_dir = os.path.dirname(seed_parent)
    if os.path.basename(seed_parent) == label and os.path.basename(task_dir) == task:
        return _TIMESTAMP.sub('', os.path.basename(os.path.dirname(task_dir)))
    return _TIMESTAMP.sub('', os.path.basename(os.path.abspath(root)))


def _time_per_million(progress: pd.DataFrame) -> float:
    """Seconds per 1M steps from the first to the last row (after the epoch-0 evaluation); NaN under 2 rows."""
    steps = progress['steps'].iloc[-1] - progress['steps'].iloc[0]
    if steps <= 0:
        return float('nan')
    return float((progress['time_s'].iloc[-1] - progress['time_s'].iloc[0]) / steps * 1e6)


def read_run(run_dir: str, root: str) -> Tuple[Dict[str, Any], pd.DataFrame]:
    """
    Read one run folder.

    Args:
        run_dir (str): the run folder;
        root (str): the given folder it was found below (names the grid where the layout is not the grids').

    Returns:
        The run's row (``path``, ``grid``, ``task``, ``label``, ``family``, ``seed``, ``n_epochs``,
        ``n_steps_per_epoch``, ``random_mass``, ``last_epoch``, ``last_steps``, ``finished``, ``R_start``,
        ``R_start_deterministic`` (epoch 0), ``R_final``, ``R_final_deterministic`` (last epoch), ``time_per_1M``,
        ``horizon`` (the arguments', else the ``horizon_used`` recorded beside them; None: neither, a run from
        before the horizon was recorded, at the task's horizon of its time), ``load_median`` (median 1-minute load
        average over its epochs),
        ``cpu_count`` and ``torch_threads``; NaN where the run did not record them) and its ``progress.csv`` rows.

    Raises:
        RunFileError: naming the file that is missing or cannot be used.

    """
    arguments, content = _read_arguments(os.path.join(run_dir, 'args.json'))
    progress = _read_progress(os.path.join(run_dir, 'progress.csv'))
    task, label = str(arguments['env_id']), str(arguments.get('variant') or arguments['algorithm'])
    horizon = arguments['horizon'] if arguments.get('horizon') is not None else content.get('horizon_used')
    settings = dict(grid=_grid_name(run_dir, root, task, label), task=task, label=label, family=label.split('_')[0],
                    seed=int(arguments['seed']), n_epochs=int(arguments['n_epochs']),
                    n_steps_per_epoch=int(arguments['n_steps_per_epoch']),
                    random_mass=bool(arguments.get('random_mass')),
                    horizon=horizon,
                    cpu_count=_number(content.get('cpu_count')), torch_threads=_number(content.get('torch_threads')))
    row = run_row(os.path.abspath(run_dir), settings, progress)
    return row, progress.assign(path=row['path'])


def run_row(path: str, settings: Dict[str, Any], progress: pd.DataFrame) -> Dict[str, Any]:
    """
    The row of one run in :attr:`RunSet.runs`, from its settings and its epochs.

    Args:
        path (str): the run's folder, or its id (a run read from a table);
        settings (Dict[str, Any]): ``grid``, ``task``, ``label``, ``family``, ``seed``, ``n_epochs``,
            ``n_steps_per_epoch``, ``random_mass``, ``horizon``, ``cpu_count`` and ``torch_threads``;
        progress (pd.DataFrame): its epochs (the :data:`REQUIRED_COLUMNS`, ``load_1m`` where recorded), sorted.

    Returns:
        The row (see :func:`read_run`).

    """
    first, last = progress.iloc[0], progress.iloc[-1]
    start = first if first['epoch'] == 0 else pd.Series(np.nan, index=progress.columns)
    return dict(path=path, **{key: settings[key] for key in ('grid', 'task', 'label', 'family', 'seed', 'n_epochs',
                                                             'n_steps_per_epoch', 'random_mass')},
                last_epoch=int(last['epoch']), last_steps=int(last['steps']),
                finished=bool(last['epoch'] >= settings['n_epochs']),
                R_start=float(start['R_mean']), R_start_deterministic=float(start['R_mean_deterministic']),
                R_final=float(last['R_mean']), R_final_deterministic=float(last['R_mean_deterministic']),
                time_per_1M=_time_per_million(progress), horizon=settings['horizon'],
                load_median=(float(progress['load_1m'].median()) if 'load_1m' in progress else float('nan')),
                cpu_count=settings['cpu_count'], torch_threads=settings['torch_threads'])


def _split_settings(runs: pd.DataFrame) -> Tuple[pd.DataFrame, List[str]]:
    """Labels with runs of several budgets (or mass settings) in one grid: ``label@<epochs>x<steps>[+random_mass]``."""
    setting = (runs['n_epochs'].astype(str) + 'x' + runs['n_steps_per_epoch'].astype(str)
               + runs['random_mass'].map({True: '+random_mass', False: ''}))
    mixed = setting.groupby([runs['grid'], runs['label']]).transform('nunique') > 1
    notes = [f'grid {grid}, {label}: runs of different budgets ({", ".join(sorted(set(setting[group.index])))}) are '
             f'not mixed; they are reported as {", ".join(sorted(set(label + "@" + setting[group.index])))}'
             for (grid, label), group in runs[mixed].groupby(['grid', 'label'])]
    runs = runs.assign(label=runs['label'].where(~mixed, runs['label'] + '@' + setting))
    return runs, notes


def _drop_duplicate_seeds(runs: pd.DataFrame) -> Tuple[pd.DataFrame, List[str]]:
    """One run per (grid, task, label, seed): the one with the most epochs (then the last path); the others noted."""
    ordered = runs.sort_values(['last_epoch', 'path'])
    duplicate = ordered.duplicated(['grid', 'task', 'label', 'seed'], keep='last')
    kept = ordered[~duplicate].set_index(['grid', 'task', 'label', 'seed'])['path']
    notes = [f'{row.path}: seed {row.seed} of {row.label} on {row.task} (grid {row.grid}) twice; skipped, '
             f'{kept[row.grid, row.task, row.label, row.seed]} used'
             for row in ordered[duplicate].itertuples()]
    return runs.drop(index=ordered.index[duplicate]), notes


def load_runs(folders: Sequence[str], skip: Sequence[str] = ()) -> RunSet:
    """
    Find, read and check every run below ``folders``.

    Args:
        folders (Sequence[str]): the result folders (existing; see :func:`missing_folders`);
        skip (Sequence[str], ()): folders not to search (e.g. the report's own output folder).

    Returns:
        The runs; ``runs`` sorted by grid, task, label and seed.

    """
    rows, tables, problems, seen = [], [], [], set()
    for root in folders:
        for run_dir in find_run_folders(root, skip):
            if os.path.abspath(run_dir) in seen:  # below two of the given folders
                continue
            seen.add(os.path.abspath(run_dir))
            try:
                row, progress = read_run(run_dir, root)
            except RunFileError as error:
                problems.append(str(error))
                continue
            rows.append(row)
            tables.append(progress)
    return run_set(rows, tables, problems)


def run_set(rows: Sequence[Dict[str, Any]], tables: Sequence[pd.DataFrame], problems: Sequence[str] = ()) -> RunSet:
    """
    The :class:`RunSet` of runs read one by one: labels split by setting, one run per seed, sorted.

    Args:
        rows (Sequence[Dict[str, Any]]): one :func:`run_row` per run;
        tables (Sequence[pd.DataFrame]): their epochs, each with the run's ``path``;
        problems (Sequence[str], ()): the files skipped.

    """
    if not rows:
        return RunSet(pd.DataFrame(), pd.DataFrame(), list(problems))
    runs = pd.DataFrame(rows)
    runs, notes = _split_settings(runs)
    runs, duplicate_notes = _drop_duplicate_seeds(runs)
    runs = runs.sort_values(['grid', 'task', 'label', 'seed']).reset_index(drop=True)
    keys = runs[['path', 'grid', 'task', 'label', 'family', 'seed']]
    progress = pd.concat(tables, ignore_index=True).merge(keys, on='path', how='inner')
    return RunSet(runs, progress, list(problems), notes + duplicate_notes)
