"""From grid results to the paper's figures and tables in one command.

    s2pg-report RESULTS_DIR [RESULTS_DIR ...] --out DIR [--benchmark training_time.json] [--compact]
    s2pg-report --from_table returns.csv --out DIR [--compact]

reads every run (``args.json`` and ``progress.csv``) below the given folders, any mix of grids
(``launchers/report/runs.py``), aggregates them (per task: ``launchers/report/stats.py``; over tasks and seeds with
rliable: ``launchers/report/aggregate.py``) and writes into ``DIR``: learning curves per task
(``curves_<grid>_<task>.png``), the Figure 3 summary per grid (``summary_<grid>.png``), performance profiles per
grid (``profile_<grid>.png``), the low- vs high-dimensional tasks (``dims.png``, Figure 13), the memory and CPG
figures (``memory.png``, ``cpg.png``; Figures 4/8, 9), Tables 1-2 from run clocks (``table_time.md/.csv``), the
normalized returns (``table_normalized.md/.csv``, ``normalization.md/.csv``), the probabilities of improvement
(``table_improvement.md/.csv``), the runs used (``runs.csv``), the curves' numbers (``curves.csv``), every run's
returns per epoch with its settings (``returns.csv``, ``launchers/report/table.py``) and ``report.md``, which links
them all, defines every number and lists the runs, the files skipped, the figures that could not be made (and why)
and the notes (tasks left out of the normalized aggregate, runs that shared cores).

With ``--from_table`` the runs are read from such a ``returns.csv`` instead of run folders: the same figures
and tables again. With ``--compact`` only ``report.md``, the figures and ``returns.csv`` are written (a study
kept in a repository, from which ``--from_table`` rebuilds its report), and a task's curves appear once: in the
memory or CPG figure where it has a panel there.

Missing or malformed run files are reported by name and skipped; a given folder that does not exist, or a table
that is missing or lacks a column, stops the command before anything is written (exit status 2); no usable run at
all: exit status 1.

"""
import argparse
import json
import os
import re
import shlex
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pandas as pd

from launchers import Parser, command_line, program_name
from launchers.report.aggregate import REPS, improvement_table, performance_profiles, variant_summary
from launchers.report.figures import plot_curves, plot_dims, plot_profiles, plot_summary
from launchers.report.markdown import (Figure, Report, improvement_markdown, normalized_markdown,
                                       references_markdown, report_markdown, runs_markdown, time_markdown)
from launchers.report.runs import RunSet, load_runs, missing_folders
from launchers.report.stats import EVALUATIONS, curves, normalized_returns, task_dims, time_notes, time_table
from launchers.report.table import (TABLE_FILE, TableError, read_returns_table, runs_from_table, with_run_ids,
                                    write_returns_table)

__all__ = ['build_parser', 'write_report', 'write_table_report', 'report_command', 'main', 'ReportError']


class ReportError(RuntimeError):
    """No report can be written (no usable run)."""


def report_command(folders: Sequence[str], out: str) -> str:
    """The command that writes a report on ``folders`` into ``out``, runnable from any folder."""
    return command_line('launchers.report', *(os.path.abspath(folder) for folder in folders), '--out',
                        os.path.abspath(out))


def typed_command(argv: Optional[Sequence[str]]) -> str:
    """The command line as it was typed; for a call from Python (``argv`` given), the equivalent command."""
    if argv is not None:
        return command_line('launchers.report', *argv)
    invoked = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ''
    program = [invoked] if invoked.startswith('s2pg-') else ['python', '-m', 'launchers.report']
    return shlex.join([*program, *sys.argv[1:]])


def _slug(text: str) -> str:
    return re.sub(r'[^A-Za-z0-9._-]+', '_', text)


def _budget(runs: pd.DataFrame) -> str:
    """The budgets and seeds of ``runs``, written on every figure: ``budget 5 x 5000 steps, seeds 0-1 (2)``."""
    budgets = sorted({f'{epochs} x {steps}' for epochs, steps in zip(runs['n_epochs'], runs['n_steps_per_epoch'])})
    seeds = sorted({int(seed) for seed in runs['seed']})
    consecutive = len(seeds) > 1 and seeds == list(range(seeds[0], seeds[-1] + 1))
    seed_text = f'{seeds[0]}-{seeds[-1]}' if consecutive else ', '.join(map(str, seeds))
    return f'budget {" / ".join(budgets)} steps, seeds {seed_text} ({len(seeds)})'


def _runs_of(runs: pd.DataFrame, pairs: Sequence[Tuple[str, str]]) -> pd.DataFrame:
    return runs[[pair in set(pairs) for pair in zip(runs['grid'], runs['task'])]]


def _make_figures(out: str, runs: pd.DataFrame, curve_table: pd.DataFrame, summary: pd.DataFrame,
                  reps: int, compact: bool = False) -> Tuple[List[Figure], List[Tuple]]:
    """Draw every figure the runs allow; the figures made and (name, why) of those not made. ``compact``: a task's
    curves are drawn once, in the memory or CPG figure where it has a panel there, else in its own figure."""
    figures, missing = [], []
    pairs = list(runs[['grid', 'task']].drop_duplicates().itertuples(index=False, name=None))
    for grid in dict.fromkeys(runs['grid']):
        of_grid, budget = runs[runs['grid'] == grid], _budget(runs[runs['grid'] == grid])
        file = f'summary_{_slug(grid)}.png'
        plot_summary(summary[summary['grid'] == grid], os.path.join(out, file),
                     f'{grid}: IQM normalized return and run-clock time per 1M steps\n{budget}')
        figures.append(Figure(file, f'{grid}: IQM normalized return per variant and time per 1M steps',
                              'Figure 3: normalized return and training time per grid'))
        profiles = {evaluation: performance_profiles(of_grid, column, reps=reps)
                    for evaluation, (_, _, column) in EVALUATIONS.items()}
        if all(table.empty for table in profiles.values()):
            missing.append((f'profile_{_slug(grid)}.png', f'no normalized return in grid {grid} (see Notes)'))
        else:
            file = f'profile_{_slug(grid)}.png'
            plot_profiles(profiles, os.path.join(out, file), f'{grid}: performance profiles\n{budget}')
            figures.append(Figure(file, f'{grid}: performance profiles', 'Performance profiles per grid'))
    dims_runs = runs.assign(dims=runs['task'].map(task_dims)).dropna(subset=['dims'])
    if dims_runs.empty:
        missing.append(('dims.png (Figure 13)', 'no POMDP locomotion task (Hopper, Walker2d, HalfCheetah, Ant, '
                                                'Humanoid) in the inputs'))
    else:
        dims = variant_summary(dims_runs, ('grid', 'label', 'dims'), reps=reps)
        plot_dims(dims, os.path.join(out, 'dims.png'), _budget(runs[runs['grid'].isin(set(dims['grid']))]))
        absent = {'low', 'high'} - set(dims['dims'])
        note = f' (no {absent.pop()}-dimensional task in the inputs)' if absent else ''
        figures.append(Figure('dims.png', 'low- vs high-dimensional tasks' + note,
                              'Figure 13: low- vs high-dimensional tasks'))
    panel_sets = (('memory.png', 'Figures 4 and 8: memory tasks', 'point-mass memory tasks',
                   [pair for pair in pairs if pair[1].startswith('PointMass')]),
                  ('cpg.png', 'Figure 9: CPG policies', 'tasks with a CPG variant',
                   [pair for pair in pairs if runs[(runs['grid'] == pair[0]) & (runs['task'] == pair[1])]
                    ['label'].str.contains('CPG').any()]))
    drawn = set()
    for file, section, what, panels in panel_sets:
        if panels:
            plot_curves(curve_table, panels, os.path.join(out, file), f'{section}\n{_budget(_runs_of(runs, panels))}')
            figures.append(Figure(file, section, section))
            drawn |= set(panels)
        else:
            missing.append((f'{file} ({section.split(":")[0]})', f'no {what} in the inputs'))
    for grid, task in (pair for pair in pairs if not (compact and pair in drawn)):
        file = f'curves_{_slug(grid)}_{_slug(task)}.png'
        plot_curves(curve_table, [(grid, task)], os.path.join(out, file),
                    f'{task} ({grid})\n{_budget(_runs_of(runs, [(grid, task)]))}')
        figures.append(Figure(file, f'{task} ({grid})', 'Learning curves per task (Figures 10, 12, 14, 15)'))
    return figures, missing


def _tables(runs: pd.DataFrame, references: pd.DataFrame, curve_table: pd.DataFrame, summary: pd.DataFrame,
            times: pd.DataFrame, improvements: pd.DataFrame, out: str, write: bool) -> List[Tuple[str, str, str]]:
    """(title, stem, Markdown) per table; with ``write``, the tables (Markdown and CSV) and the runs' and curves' CSV
    written into ``out``."""
    tables = [('Tables 1-2: time for 1M steps (run clocks) and factor vs the vanilla variant', 'table_time', times,
               time_markdown(times)),
              ('Normalized return per variant: IQM over tasks x seeds (Figure 3)', 'table_normalized', summary,
               normalized_markdown(summary)),
              ('Probability of improvement of each RS variant over its twins', 'table_improvement', improvements,
               improvement_markdown(improvements)),
              ('Normalization: R_start and R_ref per task', 'normalization', references,
               references_markdown(references))]
    if write:
        for _, stem, frame, text in tables:
            frame.to_csv(os.path.join(out, f'{stem}.csv'), index=False)
            with open(os.path.join(out, f'{stem}.md'), 'w') as f:
                f.write(text)
        runs.to_csv(os.path.join(out, 'runs.csv'), index=False)
        curve_table.to_csv(os.path.join(out, 'curves.csv'), index=False)
    return [(title, stem, text) for title, stem, _, text in tables]


def write_report(folders: Sequence[str], out: str, command: Optional[str] = None,
                 benchmark: Optional[Dict[str, Any]] = None, reps: int = REPS, compact: bool = False) -> Dict[str, Any]:
    """
    Read the runs below ``folders`` and write the report into ``out``.

    Args:
        folders (Sequence[str]): existing result folders (any mix of grids);
        out (str): the output folder (created; never searched for runs);
        command (str, None): the command to name in ``report.md`` (default: :func:`report_command`);
        benchmark (dict, None): a result of ``benchmarks/training_time.py`` (its JSON) to set beside the run clocks;
        reps (int, REPS): bootstrap resamples of the aggregates;
        compact (bool, False): write only ``report.md``, the figures and ``returns.csv`` (and name the folders in
            ``report.md`` as given, not by their absolute paths).

    Returns:
        ``report`` (path of report.md), ``figures`` and ``tables`` (paths), ``returns`` (path of returns.csv),
        ``missing`` ((figure, why) of the figures not made), ``runs``, ``unfinished``, ``problems`` and ``notes``.

    Raises:
        ReportError: when no usable run was found (the message lists the files skipped).

    """
    run_set = load_runs(folders, skip=[out])
    if run_set.runs.empty:
        skipped = ''.join(f'\n  {problem}' for problem in run_set.problems)
        raise ReportError(f'no usable run below {", ".join(folders)}{skipped or " (no progress.csv or args.json)"}')
    sources = list(folders) if compact else [os.path.abspath(folder) for folder in folders]
    return _write(run_set, out, command or report_command(folders, out), sources, benchmark, reps, compact)


def write_table_report(table: str, out: str, command: Optional[str] = None,
                       benchmark: Optional[Dict[str, Any]] = None, reps: int = REPS,
                       compact: bool = False) -> Dict[str, Any]:
    """
    Read the runs of a ``returns.csv`` (:mod:`launchers.report.table`) and write the report into ``out``: the same
    figures and tables as from the run folders it was written from. Arguments and result as :func:`write_report`'s.

    Raises:
        TableError: the table is missing, lacks a column or holds a run that cannot be used (nothing is written).

    """
    run_set = runs_from_table(read_returns_table(table), table)
    command = command or command_line('launchers.report', '--from_table', table, '--out', out)
    return _write(run_set, out, command, [table], benchmark, reps, compact)


def _write(run_set: RunSet, out: str, command: str, sources: List[str], benchmark: Optional[Dict[str, Any]],
           reps: int, compact: bool) -> Dict[str, Any]:
    """Write the report of ``run_set`` (not empty) into ``out``; see :func:`write_report`. A compact report names
    its runs by their ids, not their folders."""
    run_set = with_run_ids(run_set) if compact else run_set
    runs, references, notes = normalized_returns(run_set.runs)
    curve_table, summary, times = curves(run_set.progress), variant_summary(runs, reps=reps), time_table(runs, benchmark)
    os.makedirs(out, exist_ok=True)
    returns = write_returns_table(run_set, out)
    figures, missing = _make_figures(out, runs, curve_table, summary, reps, compact)
    tables = _tables(runs, references, curve_table, summary, times, improvement_table(runs), out, write=not compact)
    report = Report(command, sources, figures, missing, run_set.problems,
                    run_set.notes + notes + time_notes(runs, times), compact=compact)
    path = os.path.join(out, 'report.md')
    with open(path, 'w') as f:
        f.write(report_markdown(report, runs, tables, runs_markdown(runs)))
    table_files = [] if compact else [os.path.join(out, f'{stem}.{ext}') for _, stem, _ in tables
                                      for ext in ('md', 'csv')]
    return dict(report=path, figures=[os.path.join(out, figure.file) for figure in figures], tables=table_files,
                returns=returns, missing=missing, runs=len(runs), unfinished=int((~runs['finished']).sum()),
                problems=run_set.problems, notes=report.notes)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m launchers.report``."""
    paragraphs = __doc__.split('\n\n')
    parser = Parser(
        prog=program_name('launchers.report'), formatter_class=argparse.RawDescriptionHelpFormatter,
        description='\n\n'.join([paragraphs[0], paragraphs[2], paragraphs[3]]))
    parser.add_argument('results_dirs', nargs='*', metavar='RESULTS_DIR',
                        help='result folders (a grid\'s <exp_name>_<timestamp> folder, or any folder above runs)')
    parser.add_argument('--from_table', metavar='FILE', default=None,
                        help='read the runs from a returns.csv that a report wrote, instead of from RESULTS_DIR')
    parser.add_argument('--out', required=True, metavar='DIR', help='the folder to write the report into')
    parser.add_argument('--compact', action='store_true',
                        help='write only report.md, the figures and returns.csv (not the other tables)')
    parser.add_argument('--benchmark', metavar='JSON', default=None,
                        help='a result of benchmarks/training_time.py (training_time.json): its factors are set '
                             'beside the run clocks\' and disagreements noted')
    parser.add_argument('--reps', type=int, default=REPS, help=f'bootstrap resamples of the aggregates ({REPS})')
    return parser


def _read_benchmark(path: Optional[str]) -> Optional[Dict[str, Any]]:
    """The benchmark's JSON, or None; a file that is not one is an error naming it."""
    if path is None:
        return None
    try:
        with open(path) as f:
            content = json.load(f)
    except (OSError, ValueError) as error:
        raise ReportError(f'--benchmark {path}: not a readable JSON file ({error})') from None
    if not isinstance(content, dict) or content.get('benchmark') != 'training_time':
        raise ReportError(f'--benchmark {path}: not a result of benchmarks/training_time.py')
    return content


def main(argv: Optional[Sequence[str]] = None) -> int:
    """
    Command-line entry point.

    Returns:
        0 (report written; skipped files are listed), 1 (no usable run); bad folders or a bad table exit with
        status 2.

    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if bool(args.results_dirs) == bool(args.from_table):
        parser.error('give either result folders (RESULTS_DIR ...) or --from_table FILE' +
                     (', not both' if args.from_table else ''))
    missing = missing_folders(args.results_dirs)
    if missing:
        parser.error('; '.join(missing))
    if args.reps < 1:
        parser.error(f'--reps {args.reps}: must be at least 1')
    try:
        options = dict(command=typed_command(argv), benchmark=_read_benchmark(args.benchmark), reps=args.reps,
                       compact=args.compact)
        if args.from_table:
            result = write_table_report(args.from_table, args.out, **options)
        else:
            result = write_report(args.results_dirs, args.out, **options)
    except TableError as error:
        parser.error(f'--from_table {error}')
    except ReportError as error:
        print(f'[report] error: {error}', file=sys.stderr)
        return 1
    for problem in result['problems']:
        print(f'[report] skipped: {problem}', file=sys.stderr)
    for note in result['notes']:
        print(f'[report] note: {note}')
    for name, why in result['missing']:
        print(f'[report] not made: {name}: {why}')
    print(f'[report] {result["runs"]} runs ({result["unfinished"]} unfinished, {len(result["problems"])} skipped); '
          f'{len(result["figures"])} figures, {len(result["tables"])} table files and {TABLE_FILE} in {args.out}')
    print(f'[report] {result["report"]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
