"""The paper's point-mass memory tasks (Figure 4, Figure 8, appendix E.1): SAC-RS against SAC-BPTT.

``PointMassMemory-v1`` (reach a goal drawn anywhere along the goal row from a start anywhere along the start row,
the goal seen only near the start) and ``PointMassDoor-v0`` (pass two doors, seen only near the start) x {SAC_RS,
SAC_BPTT5, SAC_BPTT10 (truncation lengths 5 and 10, as in the paper), SAC_VANILLA (no memory), SAC_ORACLE (sees
the hidden goal or doors: the reference return)}, privileged critics (the position and the true goal or doors,
the tasks' ``critic_obs_mask``) x 25 seeds = 250 runs.
``PointMassMemory-v0``, the authors' task with four starts and four goals, is selectable with ``--envs``; it needs
no memory (``environments/point_mass.py``). The horizon is each task's, 1000 (the authors' default), unless
``--horizon`` sets another for every run. The paper does not state the budget of these tasks: here 100 epochs x
10k steps (1M steps, 1000 episodes at horizon 1000) per run, 10 evaluation episodes per epoch, SAC hyperparameters
from the registry; SAC_RS with the reference's critic initialisation (``critic_init_scale=0.1``, which the
point-mass tasks do not get from the reference table).

Examples::

    python -m launchers.grids.memory --test --envs PointMassMemory-v1 --algorithms SAC_RS
    python -m launchers.grids.memory --local --dry_run
    python -m launchers.grids.memory --local --dry_run --envs PointMassMemory-v0 --horizon 200
    python -m launchers.grids.memory --slurm --partition cpu --time 1-00:00:00

Results: ``<base_dir>/<exp_name>_<timestamp>/<env_id>/<label>/<seed>/progress.csv``.

"""
import sys

from launchers.grids.runner import GridSpec, make_main

SPEC = GridSpec(
    name='memory',
    module='launchers.grids.memory',
    description=__doc__,
    tasks=('PointMassMemory-v1', 'PointMassDoor-v0'),
    extra_tasks=('PointMassMemory-v0',),
    entries=(('SAC_RS', 'SAC_RS', dict(critic_init_scale=0.1)),   # the reference's critic initialisation
             ('SAC_BPTT5', 'SAC_BPTT', dict(truncation_length=5)),
             ('SAC_BPTT10', 'SAC_BPTT', dict(truncation_length=10)),
             ('SAC_VANILLA', 'SAC_VANILLA'),
             ('SAC_ORACLE', 'SAC_ORACLE')),
    n_epochs=100, n_steps_per_epoch=10000, n_eval_episodes=10, n_seeds=25,
    slurm_time='1-00:00:00',
)

main = make_main(SPEC)

if __name__ == '__main__':
    sys.exit(main())
