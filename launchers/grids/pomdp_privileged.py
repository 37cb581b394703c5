"""The paper's POMDP grid with privileged critics (Figure 3 top-left, appendix E.4): SAC and TD3 variants.

5 POMDP locomotion tasks (joint velocities hidden from the policy, body masses randomised at every
reset: the "robust" tasks; the critic sees the full state and the mass changes) x {SAC, TD3} x
{RS (S2PG), BPTT5, BPTT32, WINDOW5, WINDOW32, VANILLA, ORACLE} x 25 seeds = 1750 runs of 200 epochs
x 10k steps (2M steps), 10 evaluation episodes per epoch; reference hyperparameters per task from
the registry. ``--no_random_mass`` runs the tasks without mass randomisation.

Examples::

    python -m launchers.grids.pomdp_privileged --test                  # tiny grid, locally, checked
    python -m launchers.grids.pomdp_privileged --local --dry_run       # print the runs, run nothing
    python -m launchers.grids.pomdp_privileged --slurm --partition gpu --time 2-00:00:00 --dry_run
    python -m launchers.grids.pomdp_privileged --slurm --algorithms SAC_RS TD3_RS SAC_BPTT32 --n_seeds 5

Results: ``<base_dir>/<exp_name>_<timestamp>/<env_id>/<label>/<seed>/progress.csv`` (see
``launchers/run/experiment.py`` for the files of a run, ``launchers/grids/runner.py`` for the options).

"""
import sys

from launchers.grids.runner import GridSpec, make_main, paper_variants
from environments import POMDP_ENV_IDS

SPEC = GridSpec(
    name='pomdp_privileged',
    module='launchers.grids.pomdp_privileged',
    description=__doc__,
    tasks=POMDP_ENV_IDS,
    entries=paper_variants('SAC') + paper_variants('TD3'),
    n_epochs=200, n_steps_per_epoch=10000, n_eval_episodes=10, n_seeds=25,
    random_mass=True,
    slurm_time='2-00:00:00',
)

main = make_main(SPEC)
build_parser = main.build_parser


def grid_algorithms():
    """The registered algorithms of the grid (each once, in grid order)."""
    return SPEC.algorithms


if __name__ == '__main__':
    sys.exit(main())
