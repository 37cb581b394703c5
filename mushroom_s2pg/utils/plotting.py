"""Learning curves from ``progress.csv`` files, drawn with Matplotlib's Agg backend (no display).

The figures are built with ``matplotlib.figure.Figure`` and an Agg canvas, never through
``pyplot``, so the global Matplotlib backend of the calling program is left untouched.

"""
import os
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from mushroom_s2pg.utils.progress import read_progress

__all__ = ['plot_learning_curve', 'plot_learning_curves']

PathLike = Union[str, os.PathLike]


def _column(rows: List[Dict[str, object]], key: str) -> np.ndarray:
    return np.array([row.get(key) if isinstance(row.get(key), (int, float)) else np.nan for row in rows],
                    dtype=float)


def _new_figure() -> Tuple[Figure, object]:
    figure = Figure(figsize=(6.4, 4.0), dpi=100)
    FigureCanvasAgg(figure)
    axis = figure.add_subplot(1, 1, 1)
    return figure, axis


def _save(figure: Figure, output_path: PathLike) -> str:
    output_path = os.fspath(output_path)
    folder = os.path.dirname(os.path.abspath(output_path))
    os.makedirs(folder, exist_ok=True)
    figure.tight_layout()
    tmp = output_path + '.tmp.png'
    figure.savefig(tmp, format='png')
    os.replace(tmp, output_path)
    return output_path


def plot_learning_curve(progress_csv: PathLike, output_path: Optional[PathLike] = None, x: str = 'steps',
                        y: Union[str, Sequence[str]] = ('R_mean', 'R_mean_deterministic'),
                        title: Optional[str] = None) -> str:
    """
    Plot the learning curve of one run.

    Args:
        progress_csv (str): the run's ``progress.csv``;
        output_path (str, None): the PNG file to write; if None, ``learning_curve.png`` beside the CSV;
        x (str, 'steps'): the column on the x axis;
        y ([str, Sequence[str]], ('R_mean', 'R_mean_deterministic')): the column(s) to plot; missing
            columns are skipped; where a ``*_std*`` column matches a ``*_mean*`` one, +-1 std is shaded;
        title (str, None): the title of the figure; if None, the run folder.

    Returns:
        The path of the PNG file.

    Raises:
        ValueError: if the CSV has none of the columns in ``y`` or lacks ``x``.

    """
    progress_csv = os.fspath(progress_csv)
    if output_path is None:
        output_path = os.path.join(os.path.dirname(os.path.abspath(progress_csv)), 'learning_curve.png')
    columns = [y] if isinstance(y, str) else list(y)

    rows = read_progress(progress_csv)
    header = set(rows[0]) if rows else set()
    if rows and x not in header:
        raise ValueError(f'{progress_csv} has no column {x!r}; columns: {", ".join(sorted(header))}')
    present = [key for key in columns if key in header]
    if rows and not present:
        raise ValueError(f'{progress_csv} has none of the columns {columns}; columns: {", ".join(sorted(header))}')

    figure, axis = _new_figure()
    xs = _column(rows, x)
    for key in present:
        ys = _column(rows, key)
        line, = axis.plot(xs, ys, marker='o', markersize=3, label=key)
        std_key = key.replace('_mean', '_std')
        if std_key != key and std_key in header:
            std = _column(rows, std_key)
            axis.fill_between(xs, ys - std, ys + std, color=line.get_color(), alpha=0.15, linewidth=0)
    axis.set_xlabel(x)
    axis.set_ylabel('return' if all(key.startswith('R_') for key in present) else ', '.join(present))
    axis.set_title(title if title is not None else os.path.basename(os.path.dirname(os.path.abspath(progress_csv))))
    axis.grid(True, alpha=0.3)
    if present:
        axis.legend(loc='best')
    return _save(figure, output_path)


def plot_learning_curves(runs: Mapping[str, Sequence[PathLike]], output_path: PathLike, x: str = 'steps',
                         y: str = 'R_mean', title: Optional[str] = None) -> str:
    """
    Plot the mean and standard deviation over seeds of several configurations (e.g. algorithms).

    Runs of one configuration are aligned on the rows they have in common (the shortest run).

    Args:
        runs (Mapping[str, Sequence[str]]): label -> the ``progress.csv`` files of its seeds;
        output_path (str): the PNG file to write;
        x (str, 'steps'): the column on the x axis;
        y (str, 'R_mean'): the column to plot;
        title (str, None): the title of the figure.

    Returns:
        The path of the PNG file.

    """
    figure, axis = _new_figure()
    for label, paths in runs.items():
        tables = [read_progress(path) for path in paths]
        tables = [rows for rows in tables if rows]
        if not tables:
            continue
        n = min(len(rows) for rows in tables)
        xs = _column(tables[0][:n], x)
        values = np.stack([_column(rows[:n], y) for rows in tables])
        mean = np.nanmean(values, axis=0)
        std = np.nanstd(values, axis=0)
        line, = axis.plot(xs, mean, label=f'{label} (n={len(tables)})')
        if len(tables) > 1:
            axis.fill_between(xs, mean - std, mean + std, color=line.get_color(), alpha=0.2)
    axis.set_xlabel(x)
    axis.set_ylabel(y)
    if title is not None:
        axis.set_title(title)
    axis.grid(True, alpha=0.3)
    if runs:
        axis.legend(loc='best')
    return _save(figure, output_path)
