"""
The table and figure of the short-memory study from the evaluations of ``short_memory.py``.

    .venv/bin/python benchmarks/probes/short_memory_report.py EVALUATIONS.csv [MORE.csv ...] --out DIR

writes ``DIR/returns.csv`` (every evaluation, sorted: the study's one data file), ``DIR/table.md`` (per setting and
algorithm: the return of each seed at each evaluation, the final returns' median and how many seeds reach
``--threshold``) and ``DIR/curves.png`` (per setting, each seed's curve). Given only ``DIR/returns.csv`` it
regenerates the table and the figure from it.

"""
import argparse
import os
import sys
from typing import List, Sequence

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

THRESHOLD = -400.


def load(paths: Sequence[str]) -> pd.DataFrame:
    """Every evaluation of the given files, one row each, sorted by setting, algorithm, seed and steps."""
    frames = [pd.read_csv(path) for path in paths]
    data = pd.concat(frames, ignore_index=True).drop_duplicates(['setting', 'algorithm', 'seed', 'steps'], keep='last')
    return data.sort_values(['setting', 'algorithm', 'seed', 'steps'], kind='stable').reset_index(drop=True)


def table(data: pd.DataFrame, threshold: float = THRESHOLD) -> str:
    """Markdown: one row per (setting, algorithm, seed) with its curve, then the final returns summarised."""
    steps = sorted(data['steps'].unique())
    head = ['setting', 'algorithm', 'seed'] + [f'{s // 1000}k' for s in steps]
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for (setting, algorithm, seed), run in data.groupby(['setting', 'algorithm', 'seed'], sort=False):
        by_step = dict(zip(run['steps'], run['return']))
        cells = [f'{by_step[s]:.0f}' if s in by_step else '-' for s in steps]
        lines.append('| ' + ' | '.join([setting, algorithm, str(seed)] + cells) + ' |')
    # a run is complete when it reached the budget of its algorithm (the most steps any run of it has)
    final = data[data['steps'] == data.groupby('algorithm')['steps'].transform('max')]
    lines += ['', 'Final returns (runs that reached their budget):', '',
              f'| setting | algorithm | seeds | final returns | median | seeds >= {threshold:.0f} |',
              '|---|---|---|---|---|---|']
    for (setting, algorithm), runs in final.groupby(['setting', 'algorithm'], sort=False):
        values = runs.sort_values('seed')['return']
        lines.append(f'| {setting} | {algorithm} | {len(values)} | {", ".join(f"{v:.0f}" for v in values)} | '
                     f'{values.median():.0f} | {int((values >= threshold).sum())} of {len(values)} |')
    return '\n'.join(lines) + '\n'


def figure(data: pd.DataFrame, path: str, threshold: float = THRESHOLD) -> None:
    """One panel per (setting, algorithm): each seed's deterministic return against the steps."""
    groups = list(data.groupby(['setting', 'algorithm'], sort=False))
    columns = min(4, len(groups))
    rows = (len(groups) + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(3.6 * columns, 2.8 * rows), sharex=True, sharey=True,
                             squeeze=False)
    for ax, ((setting, algorithm), runs) in zip(axes.flat, groups):
        for seed, run in runs.groupby('seed'):
            ax.plot(run['steps'] / 1000, run['return'], marker='o', markersize=3, label=f'seed {seed}')
        ax.axhline(threshold, color='grey', linestyle=':', linewidth=1)
        ax.set_title(setting if algorithm == 'SAC_RS' else f'{setting} ({algorithm})', fontsize=8)
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(groups):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel('steps (thousands)')
    for ax in axes[:, 0]:
        ax.set_ylabel('deterministic return')
    axes.flat[0].legend(fontsize=7)
    fig.suptitle('PendulumPOMDP-v1 (velocity hidden): deterministic return, 10 episodes per point', fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[1].strip())
    parser.add_argument('evaluations', nargs='+', help="CSV files written by short_memory.py (or DIR/returns.csv)")
    parser.add_argument('--out', required=True, help='the study folder')
    parser.add_argument('--threshold', type=float, default=THRESHOLD)
    args = parser.parse_args(argv)
    missing = [path for path in args.evaluations if not os.path.isfile(path)]
    if missing:
        parser.error(f'no such file: {", ".join(missing)}')
    data = load(args.evaluations)
    os.makedirs(args.out, exist_ok=True)
    data.to_csv(os.path.join(args.out, 'returns.csv'), index=False, float_format='%.1f')
    with open(os.path.join(args.out, 'table.md'), 'w') as f:
        f.write(table(data, args.threshold))
    figure(data, os.path.join(args.out, 'curves.png'), args.threshold)
    print(f'[short_memory_report] {len(data)} evaluations of {data.groupby(["setting", "algorithm", "seed"]).ngroups} '
          f'runs -> {args.out}/returns.csv, table.md, curves.png')
    return 0


if __name__ == '__main__':
    sys.exit(main())
