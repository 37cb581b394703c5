"""The report's text: Markdown tables (Tables 1-2, normalized returns, runs used) and ``report.md``."""
import datetime
from dataclasses import dataclass, field
from typing import Iterable, List, Sequence, Tuple

import numpy as np
import pandas as pd

from launchers.report.stats import EVALUATIONS, label_order

__all__ = ['Figure', 'Report', 'markdown_table', 'time_markdown', 'normalized_markdown', 'improvement_markdown',
           'references_markdown', 'runs_markdown', 'report_markdown', 'DEFINITIONS']

DEFINITIONS = """\
- **Runs**: one per (grid, task, variant label, seed), found by their `args.json` and `progress.csv`. The grid is the
  experiment folder without its timestamp (`memory_2024-01-01_12-00-00` -> `memory`), so launches of one grid are
  merged. Runs of one variant with different budgets (epochs x steps per epoch) are never mixed: they are reported
  as `LABEL@<epochs>x<steps>`. Unfinished runs are used up to their last epoch and flagged below.
- **Learning curves**: the return (undiscounted, mean over the evaluation episodes of an epoch) against
  environment steps, stochastic and deterministic evaluation; the mean over the seeds (n in the legend) with a
  95 % percentile bootstrap interval of the mean (`scipy.stats.bootstrap`, none with one seed), which stays within
  the seeds' returns.
- **Normalized return** (Figure 3): per grid, algorithm family (label prefix: SAC, TD3, PPO, GAIL, LSIQ), task and
  evaluation, `(R - R_start) / (R_ref - R_start)`, where `R` is a run's return at its last epoch, `R_start` the mean
  epoch-0 return (before any training) of all variants of the family on the task, and `R_ref` the mean final return
  of the family's oracle variant (`<FAMILY>_ORACLE`) or, where no oracle ran, the task's declared reference (a table
  with its source, `launchers/report/references.py`); never the best variant. 0 = untrained, 1 = the reference.
  A task is left out of the normalized aggregate, and named in the Notes, when it has no reference or when
  `R_ref - R_start` is below 10 % of `max(|R_start|, |R_ref|)` (a reference that ended below, or hardly above, the
  start would flip or blow up the scale).
- **Aggregates** ([rliable](https://github.com/google-research/rliable)): the interquartile mean (IQM) of the
  normalized returns over tasks x seeds, with a 95 % stratified-bootstrap interval (seeds resampled within each
  task, percentile method, 2000 resamples, seeded); performance profiles (fraction of runs above each normalized
  return tau, with bootstrap bands); the probability of improvement P(RS > twin) of each RS variant over its
  BPTT, window and vanilla twins on the final returns, averaged over the tasks both ran (500 resamples).
- **Time per 1M steps** (Tables 1-2), from run clocks: per run `(time_s[last] - time_s[epoch 0]) / (steps[last] -
  steps[epoch 0]) x 1e6` from its own `progress.csv`, the wall-clock time of training and of the per-epoch
  evaluations on whatever machine and load the run had; median and range (min-max) over the runs. Factor: the ratio
  of the medians to the family's vanilla variant on the same task; over all tasks, the median of the per-task
  factors. The column "benchmark factor" (when the report is given `--benchmark`) comes from
  `benchmarks/training_time.py`, which times the variants side by side on one machine: that is the speed
  measurement; run clocks are not, when runs shared cores (see Notes).
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
    compact: bool = False   # only report.md, the figures and returns.csv are written


def _cell(value) -> str:
    if isinstance(value, (float, np.floating)):
        return '-' if not np.isfinite(value) else f'{value:.3g}' if abs(value) < 1e3 else f'{value:.0f}'
    return str(value)


def markdown_table(frame: pd.DataFrame) -> str:
    """A Markdown table of the frame (floats to 3 significant digits, NaN as '-')."""
    lines = ['| ' + ' | '.join(map(str, frame.columns)) + ' |', '|' + '---|' * len(frame.columns)]
    lines += ['| ' + ' | '.join(_cell(value) for value in row) + ' |' for row in frame.itertuples(index=False)]
    return '\n'.join(lines) + '\n'


def _interval(table: pd.DataFrame, center: str, low: str, high: str, scale: float = 1.) -> List[str]:
    """``center [low, high]`` per row (``center`` alone where the interval is undefined)."""
    cells = []
    for middle, lower, upper in zip(*(table[column] * scale for column in (center, low, high))):
        cells.append(_cell(middle) + (f' [{_cell(lower)}, {_cell(upper)}]' if np.isfinite(lower) else ''))
    return cells


def time_markdown(table: pd.DataFrame) -> str:
    """Tables 1-2 (:func:`launchers.report.stats.time_table`) in Markdown."""
    frame = pd.DataFrame({'grid': table['grid'], 'task': table['task'], 'variant': table['label'],
                          'run clock, s per 1M steps: median [min, max]': _interval(table, 'time_median', 'time_min',
                                                                                    'time_max'),
                          'hours per 1M steps (median)': table['time_median'] / 3600., 'runs': table['time_n'],
                          'run-clock factor vs vanilla': table['factor'],
                          'benchmark factor vs vanilla': table['benchmark_factor'], 'vanilla': table['vanilla']})
    return markdown_table(frame)


def normalized_markdown(summary: pd.DataFrame) -> str:
    """The IQM of the normalized returns and run clocks per variant (``launchers.report.aggregate``)."""
    frame = pd.DataFrame({'grid': summary['grid'], 'variant': summary['label']})
    for evaluation, (_, _, column) in EVALUATIONS.items():
        frame[f'IQM normalized return, {evaluation} [95 % CI]'] = _interval(summary, f'{column}_iqm', f'{column}_low',
                                                                             f'{column}_high')
    frame['tasks'] = summary['normalized_tasks']
    frame['seeds'] = summary['normalized_seeds']
    frame['run-clock hours per 1M steps: median [min, max]'] = _interval(summary, 'time_median', 'time_min',
                                                                         'time_max', 1 / 3600.)
    return markdown_table(frame)


def improvement_markdown(table: pd.DataFrame) -> str:
    """The probabilities of improvement (:func:`launchers.report.aggregate.improvement_table`)."""
    if table.empty:
        return 'No RS variant ran beside a BPTT, window or vanilla twin.\n'
    frame = pd.DataFrame({'grid': table['grid'], 'evaluation': table['evaluation'], 'X': table['label'],
                          'Y': table['twin'], 'P(X > Y) [95 % CI]': _interval(table, 'p', 'low', 'high'),
                          'tasks': table['tasks'], 'seeds X': table['seeds_rs'], 'seeds Y': table['seeds_twin']})
    return markdown_table(frame)


def references_markdown(references: pd.DataFrame) -> str:
    """The ``R_start`` and ``R_ref`` of every normalization, where ``R_ref`` comes from and whether it is used."""
    frame = references[['grid', 'family', 'task', 'evaluation', 'R_start', 'R_ref', 'kind', 'reference']].copy()
    frame['in the aggregate'] = references['included'].map({True: 'yes', False: 'no (see Notes)'})
    return markdown_table(frame)


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


def _tables_section(tables: Sequence[Tuple[str, str, str]], linked: bool = True) -> List[str]:
    """``(title, stem, markdown)`` per table: its Markdown inline, its files linked where ``linked``."""
    lines = ['## Tables', '']
    for title, stem, text in tables:
        files = [f'Files: [{stem}.md]({stem}.md), [{stem}.csv]({stem}.csv).', ''] if linked else []
        lines += [f'### {title}', '', *files, text]
    return lines


def _runs_files(compact: bool) -> str:
    """The sentence that links the runs' files."""
    table = ('Every run\'s returns per epoch with its settings: [returns.csv](returns.csv) (`s2pg-report '
             '--from_table returns.csv --out DIR` writes this report again from it).')
    if compact:
        return table
    return ('Every run with its path, budget, last epoch and returns: [runs.csv](runs.csv). '
            'Curves (mean, CI and seeds per step): [curves.csv](curves.csv). ' + table)


def report_markdown(report: Report, runs: pd.DataFrame, tables: Sequence[Tuple[str, str, str]],
                    runs_table: str) -> str:
    """
    The text of ``report.md``.

    Args:
        report (Report): the command, folders (or table) as they are to be shown, figures (made and not),
            problems and notes;
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
             + ', '.join(f'`{folder}`' for folder in report.folders) + '.', '',
             f'{len(runs)} runs: {runs["grid"].nunique()} grid(s), {runs["task"].nunique()} task(s), '
             f'{runs["label"].nunique()} variant(s); {len(unfinished)} unfinished (used up to their last epoch, '
             f'flagged in "Runs used"); {len(report.problems)} run folder(s) skipped (see "Skipped files").', '',
             '## Definitions', '', DEFINITIONS]
    lines += _figures_section(report)
    lines += _tables_section(tables, linked=not report.compact)
    lines += ['## Runs used', '', _runs_files(report.compact), '', runs_table]
    if len(unfinished):
        lines += ['Unfinished runs (last epoch < n_epochs):', '']
        lines += [f'- `{row.path}`: epoch {row.last_epoch} of {row.n_epochs}' for row in unfinished.itertuples()]
        lines += ['']
    lines += ['## Skipped files', '']
    lines += [f'- {problem}' for problem in report.problems] if report.problems else ['None.']
    lines += ['', '## Notes', '']
    lines += [f'- {note}' for note in report.notes] if report.notes else ['None.']
    return '\n'.join(lines) + '\n'
