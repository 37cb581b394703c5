"""The report's text: Markdown tables (Tables 1-2, normalized returns, runs used) and ``report.md``."""
import datetime
import os
from dataclasses import dataclass, field
from typing import Iterable, List, Sequence, Tuple

import numpy as np
import pandas as pd

from launchers.report_stats import EVALUATIONS, label_order

__all__ = ['Figure', 'Report', 'markdown_table', 'time_markdown', 'normalized_markdown', 'references_markdown',
           'runs_markdown', 'report_markdown', 'DEFINITIONS']

DEFINITIONS = """\
- **Runs**: one per (grid, task, variant label, seed), found by their `args.json` and `progress.csv`. The grid is the
  experiment folder without its timestamp (`memory_2024-01-01_12-00-00` -> `memory`), so launches of one grid are
  merged. Runs of one variant with different budgets (epochs x steps per epoch) are never mixed: they are reported
  as `LABEL@<epochs>x<steps>`. Unfinished runs are used up to their last epoch and flagged below.
- **Learning curves**: the return (undiscounted, mean over the evaluation episodes of an epoch) against
  environment steps, stochastic and deterministic evaluation; mean over the seeds with a 95 % confidence
  interval (t-interval, `scipy.stats.t.interval`; none with one seed).
- **Normalized return** (Figure 3): per grid, algorithm family (label prefix: SAC, TD3, PPO, GAIL, LSIQ) and task,
  `(R - R_start) / (R_ref - R_start)`, where `R` is a run's return at its last epoch, `R_start` the mean epoch-0
  return (before any training) of all variants of the family on the task, and `R_ref` the mean final return of
  the family's oracle variant (`<FAMILY>_ORACLE`), or of its best variant where no oracle ran. 0 = untrained,
  1 = the reference. Computed for the stochastic and the deterministic evaluation separately; mean and 95 % CI
  (t-interval) over all tasks and seeds of the variant. Undefined where `R_ref = R_start`.
- **Time per 1M steps** (Tables 1-2): per run `(time_s[last] - time_s[epoch 0]) / (steps[last] - steps[epoch 0])
  x 1e6`, from the run's own `progress.csv`: the wall-clock time of training and of the per-epoch evaluations,
  without the epoch-0 evaluation (`time_s` is cumulative and does not separate the two). Factor: the variant's
  mean over the mean of its family's vanilla variant on the same task; over all tasks, the mean of the per-task
  factors.
- **Low/high-dimensional** (Figure 13): Hopper, Walker2d, HalfCheetah (POMDP) vs Ant, Humanoid (POMDP).
"""


@dataclass
class Figure:
    """A figure of the report: its file (in the output folder), title and section."""
    file: str
    title: str
    section: str


@dataclass
class Report:
    """What ``report.md`` shows (besides the tables)."""
    command: str
    folders: Sequence[str]
    figures: List[Figure]
    missing: List[Tuple[str, str]] = field(default_factory=list)   # (figure, why not made)
    problems: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)


def _cell(value) -> str:
    if isinstance(value, (float, np.floating)):
        return '-' if not np.isfinite(value) else f'{value:.3g}' if abs(value) < 1e3 else f'{value:.0f}'
    return str(value)


def markdown_table(frame: pd.DataFrame) -> str:
    """A Markdown table of the frame (floats to 3 significant digits, NaN as '-')."""
    lines = ['| ' + ' | '.join(map(str, frame.columns)) + ' |', '|' + '---|' * len(frame.columns)]
    lines += ['| ' + ' | '.join(_cell(value) for value in row) + ' |' for row in frame.itertuples(index=False)]
    return '\n'.join(lines) + '\n'


def _interval(table: pd.DataFrame, prefix: str, scale: float = 1.) -> List[str]:
    """``mean [low, high]`` per row (``mean`` alone where the CI is undefined)."""
    cells = []
    for mean, low, high in zip(*(table[f'{prefix}_{part}'] * scale for part in ('mean', 'low', 'high'))):
        ci = f' [{_cell(low)}, {_cell(high)}]' if np.isfinite(low) else ''
        cells.append(_cell(mean) + ci)
    return cells


def time_markdown(table: pd.DataFrame) -> str:
    """Tables 1-2 (:func:`launchers.report_stats.time_table`) in Markdown."""
    frame = pd.DataFrame({'grid': table['grid'], 'task': table['task'], 'variant': table['label'],
                          'seconds per 1M steps [95 % CI]': _interval(table, 'time'),
                          'hours per 1M steps': table['time_mean'] / 3600., 'runs': table['time_n'],
                          'factor vs vanilla': table['factor'], 'vanilla': table['vanilla']})
    return markdown_table(frame)


def normalized_markdown(summary: pd.DataFrame) -> str:
    """The normalized returns and times per variant (:func:`launchers.report_stats.variant_summary`)."""
    frame = pd.DataFrame({'grid': summary['grid'], 'variant': summary['label']})
    for evaluation, (_, _, column) in EVALUATIONS.items():
        frame[f'normalized return, {evaluation} [95 % CI]'] = _interval(summary, column)
    frame['tasks x seeds'] = summary['normalized_n']
    frame['hours per 1M steps [95 % CI]'] = _interval(summary, 'time_per_1M', 1 / 3600.)
    return markdown_table(frame)


def references_markdown(references: pd.DataFrame) -> str:
    """The ``R_start`` and ``R_ref`` of every normalization."""
    return markdown_table(references[['grid', 'family', 'task', 'evaluation', 'R_start', 'R_ref', 'reference']])


def _ranges(values: Iterable[int]) -> str:
    """``0-4, 7``."""
    values, parts, start = sorted(set(values)), [], None
    for index, value in enumerate(values):
        start = value if start is None else start
        if index + 1 == len(values) or values[index + 1] != value + 1:
            parts.append(f'{start}' if start == value else f'{start}-{value}')
            start = None
    return ', '.join(parts)


def runs_markdown(runs: pd.DataFrame) -> str:
    """The runs used, per (grid, task, variant): seeds, budget, epochs reached, unfinished seeds."""
    rows, order = [], {label: rank for rank, label in enumerate(label_order(runs['label']))}
    runs = runs.assign(_rank=runs['label'].map(order)).sort_values(['grid', 'task', '_rank', 'seed'])
    for (grid, task, label), group in runs.groupby(['grid', 'task', 'label'], sort=False):
        unfinished = group[~group['finished']]
        rows.append(dict(grid=grid, task=task, variant=label, seeds=_ranges(group['seed']), runs=len(group),
                         budget=', '.join(sorted({f'{row.n_epochs} x {row.n_steps_per_epoch}'
                                                  for row in group.itertuples()})),
                         epochs_reached=_ranges(group['last_epoch']),
                         unfinished=(f'seeds {_ranges(unfinished["seed"])}' if len(unfinished) else '-')))
    return markdown_table(pd.DataFrame(rows).rename(columns={'budget': 'budget (epochs x steps)',
                                                             'epochs_reached': 'epochs reached'}))


def _figures_section(report: Report) -> List[str]:
    lines = ['## Figures', '']
    for section in dict.fromkeys(figure.section for figure in report.figures):
        lines += [f'### {section}', '']
        for figure in (figure for figure in report.figures if figure.section == section):
            lines += [f'[{figure.title}]({figure.file})', '', f'![{figure.title}]({figure.file})', '']
    if report.missing:
        lines += ['### Figures not made', '']
        lines += [f'- {name}: {why}' for name, why in report.missing] + ['']
    return lines


def _tables_section(tables: Sequence[Tuple[str, str, str]]) -> List[str]:
    """``(title, stem, markdown)`` per table: its files linked, its Markdown inline."""
    lines = ['## Tables', '']
    for title, stem, text in tables:
        lines += [f'### {title}', '', f'Files: [{stem}.md]({stem}.md), [{stem}.csv]({stem}.csv).', '', text]
    return lines


def report_markdown(report: Report, runs: pd.DataFrame, tables: Sequence[Tuple[str, str, str]],
                    runs_table: str) -> str:
    """
    The text of ``report.md``.

    Args:
        report (Report): the command, folders, figures (made and not), problems and notes;
        runs (pd.DataFrame): the runs used;
        tables (Sequence[Tuple[str, str, str]]): (title, file stem, Markdown) of each table;
        runs_table (str): :func:`runs_markdown`.

    Returns:
        The Markdown text.

    """
    unfinished = runs[~runs['finished']]
    grids = ', '.join(dict.fromkeys(runs['grid']))
    lines = [f'# Results report: {grids}', '',
             f'Written by `{report.command}` on {datetime.datetime.now():%Y-%m-%d %H:%M}, from '
             + ', '.join(f'`{os.path.abspath(folder)}`' for folder in report.folders) + '.', '',
             f'{len(runs)} runs: {runs["grid"].nunique()} grid(s), {runs["task"].nunique()} task(s), '
             f'{runs["label"].nunique()} variant(s); {len(unfinished)} unfinished (used up to their last epoch, '
             f'flagged in "Runs used"); {len(report.problems)} run folder(s) skipped (see "Skipped files").', '',
             '## Definitions', '', DEFINITIONS]
    lines += _figures_section(report)
    lines += _tables_section(tables)
    lines += ['## Runs used', '', 'Every run with its path, budget, last epoch and returns: [runs.csv](runs.csv). '
              'Curves (mean, CI and seeds per step): [curves.csv](curves.csv).', '', runs_table]
    if len(unfinished):
        lines += ['Unfinished runs (last epoch < n_epochs):', '']
        lines += [f'- `{row.path}`: epoch {row.last_epoch} of {row.n_epochs}' for row in unfinished.itertuples()]
        lines += ['']
    lines += ['## Skipped files', '']
    lines += [f'- {problem}' for problem in report.problems] if report.problems else ['None.']
    lines += ['', '## Notes', '']
    lines += [f'- {note}' for note in report.notes] if report.notes else ['None.']
    return '\n'.join(lines) + '\n'
