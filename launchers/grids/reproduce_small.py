"""A reduced-budget reproduction of the paper's main orderings that runs on a workstation, then the report.

Three small grids, each a selection of a paper grid with a smaller budget and 2 seeds, run locally
(resumable: run the same command again after an interruption) and then ``launchers.report`` over all
of them:

- ``memory``: ``PointMassMemory-v0`` x {SAC_RS, SAC_BPTT5, SAC_VANILLA}, 5 epochs x 5000 steps at horizon 100
  (paper: RS and BPTT far above vanilla, Figure 4);
- ``privileged``: ``HalfCheetahPOMDP-v5`` (robust, privileged critic) x {TD3_RS, TD3_BPTT32, TD3_WINDOW32,
  TD3_VANILLA, TD3_ORACLE}, 5 epochs x 5000 steps (Figure 3 top-left);
- ``ppo``: ``HalfCheetahPOMDP-v5`` without privileges x {PPO_RS, PPO_BPTT32}, 2 epochs x 20000 steps (Figure 3
  top-right; far too few steps for PPO to learn much: it shows the time factor and the first steps).

The off-policy runs start learning after 1000 (memory) or 2000 (TD3) random transitions instead of the
reference's 5000-10000, and the memory runs use the learning rates of the point-mass slow test (actor 3e-4,
critic 3e-4, tau 0.005), so that something is learnt within the budget; everything else is the registry's
reference hyperparameters. ``PARTS`` below is the whole definition. About an hour on 2 quiet cores with
``--n_parallel 2`` (75 minutes measured with the cores shared with other work); ``--parts`` runs a selection (e.g.
two shells, one per part).

Example::

    python -m launchers.grids.reproduce_small                       # all parts, then the report
    python -m launchers.grids.reproduce_small --parts memory        # one part, no report before all exist

Results: ``<base_dir>/<part>/<env_id>/<label>/<seed>/``; the report: ``<out>/report.md``.

"""
import argparse
import json
import os
import sys
from typing import Dict, List, Optional, Sequence

from launchers import Parser, program_name
from launchers.grids import memory, pomdp, pomdp_privileged

_MEMORY_HYPERPARAMETERS = dict(initial_replay_size=1000, warmup_transitions=1000, lr_actor=3e-4, lr_critic=3e-4,
                               tau=0.005)

#: part -> (grid main, the grid's arguments without folders and parallelism).
PARTS: Dict[str, tuple] = {
    'memory': (memory.main, [
        '--envs', 'PointMassMemory-v0', '--algorithms', 'SAC_RS', 'SAC_BPTT5', 'SAC_VANILLA',
        '--n_seeds', '2', '--n_epochs', '5', '--n_steps_per_epoch', '5000', '--n_eval_episodes', '20',
        '--horizon', '100', '--hyperparameters', json.dumps(_MEMORY_HYPERPARAMETERS)]),
    'privileged': (pomdp_privileged.main, [
        '--envs', 'HalfCheetahPOMDP-v5',
        '--algorithms', 'TD3_RS', 'TD3_BPTT32', 'TD3_WINDOW32', 'TD3_VANILLA', 'TD3_ORACLE',
        '--n_seeds', '2', '--n_epochs', '5', '--n_steps_per_epoch', '5000', '--n_eval_episodes', '3',
        '--hyperparameters', json.dumps(dict(initial_replay_size=2000))]),
    'ppo': (pomdp.main, [
        '--envs', 'HalfCheetahPOMDP-v5', '--algorithms', 'PPO_RS', 'PPO_BPTT32',
        '--n_seeds', '2', '--n_epochs', '2', '--n_steps_per_epoch', '20000', '--n_eval_episodes', '3']),
}


def part_argv(part: str, base_dir: str, n_parallel: int) -> List[str]:
    """The full command line of one part's grid (local, resumable, in ``<base_dir>/<part>``)."""
    _, arguments = PARTS[part]
    return ['--local', '--resume', '--exp_name', part, '--base_dir', base_dir,
            '--n_exps_in_parallel', str(n_parallel)] + arguments


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog=program_name('launchers.grids.reproduce_small'), description=__doc__.split('\n\n')[0],
                    formatter_class=argparse.RawDescriptionHelpFormatter, epilog=f'parts: {", ".join(PARTS)}')
    parser.add_argument('--parts', nargs='+', default=list(PARTS), choices=list(PARTS), help='the parts to run')
    parser.add_argument('--base_dir', default=os.path.join('results', 'small'),
                        help='results folder (default: %(default)s)')
    parser.add_argument('--out', default=None, help='report folder (default: <base_dir>/report)')
    parser.add_argument('--n_parallel', type=int, default=os.cpu_count() or 1,
                        help='runs in parallel (default: the cores of this machine, %(default)s)')
    parser.add_argument('--no_report', action='store_true', help='run the grids only')
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    if args.n_parallel < 1:
        build_parser().error(f'--n_parallel must be >= 1, got {args.n_parallel}')
    failed = 0
    for part in args.parts:
        grid_main, _ = PARTS[part]
        print(f'[reproduce_small] {part}: {" ".join(part_argv(part, args.base_dir, args.n_parallel))}', flush=True)
        failed += grid_main(part_argv(part, args.base_dir, args.n_parallel)) != 0
    if args.no_report:
        return 1 if failed else 0
    from launchers.report import cli as report
    folders = [os.path.join(args.base_dir, part) for part in PARTS if os.path.isdir(os.path.join(args.base_dir, part))]
    status = report.main(folders + ['--out', args.out or os.path.join(args.base_dir, 'report')])
    return 1 if failed or status else 0


if __name__ == '__main__':
    sys.exit(main())
