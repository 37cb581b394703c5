"""The report's figures, drawn on Matplotlib's Agg canvas (never through ``pyplot``, so no display is needed).

- :func:`plot_curves`: learning curves, one row per (grid, task), one column per evaluation (stochastic,
  deterministic), a line (mean over seeds) and a band (95 % bootstrap interval of the mean) per variant, against
  steps, with the number of seeds in the legend (the paper's Figures 4, 8, 9, 10, 12, 14, 15);
- :func:`plot_summary`: per grid, the IQM of the normalized returns of each variant (95 % stratified-bootstrap
  interval over tasks and seeds, both evaluations) beside its run-clock time per 1M steps (median, range) (Figure 3);
- :func:`plot_profiles`: per grid, the performance profile of each variant (both evaluations);
- :func:`plot_dims`: the IQM of the normalized returns over the low- and the high-dimensional tasks (Figure 13).

"""
from typing import Dict, Iterable, Sequence, Tuple

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from launchers.report.stats import EVALUATIONS, label_order

__all__ = ['plot_curves', 'plot_summary', 'plot_profiles', 'plot_dims']

_MARKERS = {'stochastic': 'o', 'deterministic': 's'}


def _figure(n_rows: int, n_cols: int, width: float, height: float) -> Tuple[Figure, np.ndarray]:
    figure = Figure(figsize=(width * n_cols, height * n_rows), dpi=100)
    FigureCanvasAgg(figure)
    return figure, figure.subplots(n_rows, n_cols, squeeze=False)


def _save(figure: Figure, path: str) -> str:
    figure.tight_layout()
    figure.savefig(path, format='png')
    return path


def _colors(labels: Iterable[str]) -> Dict[str, Tuple[float, ...]]:
    """One colour per variant, the same in every panel of a figure."""
    cmap = colormaps['tab10' if len(set(labels)) <= 10 else 'tab20']
    return {label: cmap(index % cmap.N) for index, label in enumerate(label_order(labels))}


def _errors(table: pd.DataFrame, center: str, low: str, high: str) -> np.ndarray:
    """The (asymmetric) error bars of ``low``/``high`` around ``center`` (0 where the interval is undefined)."""
    middle = table[center].to_numpy(float)
    return np.nan_to_num(np.stack([middle - table[low].to_numpy(float), table[high].to_numpy(float) - middle]))


def plot_curves(curves: pd.DataFrame, panels: Sequence[Tuple[str, str]], path: str, title: str) -> str:
    """
    Learning curves of the given (grid, task) panels.

    Args:
        curves (pd.DataFrame): :func:`launchers.report.stats.curves`;
        panels (Sequence[Tuple[str, str]]): the (grid, task) of each row;
        path (str): the PNG file;
        title (str): the figure's title.

    Returns:
        ``path``.

    """
    selected = curves.set_index(['grid', 'task']).loc[list(panels)].reset_index()
    colors = _colors(selected['label'])
    figure, axes = _figure(len(panels), len(EVALUATIONS), 5.5, 3.6)
    for row, (grid, task) in enumerate(panels):
        for col, evaluation in enumerate(EVALUATIONS):
            axis = axes[row, col]
            panel = selected[(selected['grid'] == grid) & (selected['task'] == task)
                             & (selected['evaluation'] == evaluation)]
            for label in label_order(panel['label']):
                line = panel[panel['label'] == label]
                n = int(line['R_n'].max())
                axis.plot(line['steps'], line['R_mean'], color=colors[label], label=f'{label} (n={n})',
                          marker='o' if len(line) <= 30 else None, markersize=3)
                axis.fill_between(line['steps'], line['R_low'], line['R_high'], color=colors[label], alpha=0.2,
                                  linewidth=0)
            axis.set_title(f'{task} ({grid}), {evaluation}', fontsize=9)
            axis.set_xlabel('steps')
            axis.set_ylabel('return')
            axis.grid(True, alpha=0.3)
            axis.legend(fontsize=7, loc='best')
    figure.suptitle(title, fontsize=10)
    return _save(figure, path)


def plot_summary(summary: pd.DataFrame, path: str, title: str) -> str:
    """
    Figure 3 of one grid: IQM of the normalized returns per variant (points with 95 % stratified-bootstrap
    intervals, both evaluations) beside the run-clock time per 1M steps (bars: median; whiskers: range of the runs).

    Args:
        summary (pd.DataFrame): the grid's rows of :func:`launchers.report.aggregate.variant_summary`;
        path (str): the PNG file;
        title (str): the figure's title.

    Returns:
        ``path``.

    """
    figure, axes = _figure(1, 2, 0.6 * len(summary) + 3., 4.)
    positions = np.arange(len(summary))
    returns, times = axes[0]
    for offset, (evaluation, (_, _, column)) in zip((-0.12, 0.12), EVALUATIONS.items()):
        returns.errorbar(positions + offset, summary[f'{column}_iqm'],
                         yerr=_errors(summary, f'{column}_iqm', f'{column}_low', f'{column}_high'),
                         fmt=_MARKERS[evaluation], capsize=3, label=evaluation)
    returns.axhline(1., color='grey', linewidth=0.8, linestyle='--')
    returns.axhline(0., color='grey', linewidth=0.8)
    returns.set_ylabel('IQM normalized return (1 = reference)')
    returns.legend(fontsize=8, loc='best')
    colors = _colors(summary['label'])
    times.bar(positions, summary['time_median'] / 3600.,
              yerr=_errors(summary, 'time_median', 'time_min', 'time_max') / 3600.,
              color=[colors[label] for label in summary['label']], capsize=3)
    times.set_ylabel('hours per 1M steps')
    times.set_title('run clocks: median (bar) and range of the runs', fontsize=9)
    for axis in (returns, times):
        axis.set_xticks(positions, summary['label'], rotation=45, ha='right', fontsize=8)
        axis.grid(True, axis='y', alpha=0.3)
    figure.suptitle(title, fontsize=10)
    return _save(figure, path)


def plot_dims(dims: pd.DataFrame, path: str, title: str = '') -> str:
    """
    Figure 13: per grid (rows) and evaluation (columns), the normalized return of each variant over the
    low-dimensional (Hopper, Walker2d, HalfCheetah) and the high-dimensional (Ant, Humanoid) tasks.

    Args:
        dims (pd.DataFrame): :func:`launchers.report.aggregate.variant_summary` by grid, label and dims;
        path (str): the PNG file;
        title (str, ''): the figure's title (e.g. the budgets and seeds).

    Returns:
        ``path``.

    """
    grids = list(dict.fromkeys(dims['grid']))
    n_labels = max(dims.groupby('grid')['label'].nunique())
    figure, axes = _figure(len(grids), len(EVALUATIONS), 0.7 * n_labels + 2.5, 3.6)
    for row, grid in enumerate(grids):
        table = dims[dims['grid'] == grid]
        labels = label_order(table['label'])
        positions = np.arange(len(labels))
        for col, (evaluation, (_, _, column)) in enumerate(EVALUATIONS.items()):
            axis = axes[row, col]
            for offset, group in zip((-0.2, 0.2), ('low', 'high')):
                part = table[table['dims'] == group].set_index('label').reindex(labels)
                axis.bar(positions + offset, part[f'{column}_iqm'], width=0.4,
                         yerr=_errors(part, f'{column}_iqm', f'{column}_low', f'{column}_high'), capsize=3,
                         label=f'{group}-dimensional')
            axis.set_xticks(positions, labels, rotation=45, ha='right', fontsize=8)
            axis.set_title(f'{grid}, {evaluation}', fontsize=9)
            axis.set_ylabel('IQM normalized return')
            axis.grid(True, axis='y', alpha=0.3)
            axis.legend(fontsize=7, loc='best')
    if title:
        figure.suptitle(title, fontsize=10)
    return _save(figure, path)


def plot_profiles(profiles: Dict[str, pd.DataFrame], path: str, title: str) -> str:
    """
    Performance profiles of one grid: per evaluation (columns) the fraction of each variant's runs whose normalized
    return exceeds tau, with its 95 % stratified-bootstrap band.

    Args:
        profiles (Dict[str, pd.DataFrame]): evaluation -> :func:`launchers.report.aggregate.performance_profiles`;
        path (str): the PNG file;
        title (str): the figure's title.

    Returns:
        ``path``.

    """
    figure, axes = _figure(1, len(profiles), 5., 3.6)
    colors = _colors([label for table in profiles.values() for label in table['label']])
    for axis, (evaluation, table) in zip(axes[0], profiles.items()):
        for label in label_order(table['label']):
            line = table[table['label'] == label]
            axis.plot(line['tau'], line['fraction'], color=colors[label], label=label)
            axis.fill_between(line['tau'], line['low'], line['high'], color=colors[label], alpha=0.2, linewidth=0)
        axis.set_title(evaluation, fontsize=9)
        axis.set_xlabel('normalized return tau')
        axis.set_ylabel('fraction of runs above tau')
        axis.set_ylim(0., 1.02)
        axis.grid(True, alpha=0.3)
        if not table.empty:
            axis.legend(fontsize=7, loc='best')
    figure.suptitle(title, fontsize=10)
    return _save(figure, path)
