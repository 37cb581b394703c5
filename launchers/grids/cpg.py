"""The paper's CPG experiment (appendix E.2, Figure 9): a blind oscillator policy trained with SAC-RS.

``HalfCheetah-v5`` and ``Ant-v5`` (full observations, no randomisation) x {SAC_RS_CPG: SAC_RS with
``actor='cpg'``, coupled Hopf oscillators whose state is the internal state z, plus a small network
to the joint commands, blind to the environment; SAC_RS: the GRU actor, for comparison} x 25 seeds
= 100 runs of 200 epochs x 10k steps (2M steps, the budget of the other SAC experiments; the paper
does not state it for this task), 10 evaluation episodes per epoch, SAC hyperparameters from the
registry.

Examples::

    python -m launchers.grids.cpg --test --envs HalfCheetah-v5 --algorithms SAC_RS_CPG
    python -m launchers.grids.cpg --local --dry_run
    python -m launchers.grids.cpg --slurm --partition cpu --time 2-00:00:00

Results: ``<base_dir>/<exp_name>_<timestamp>/<env_id>/<label>/<seed>/progress.csv``.

"""
import sys

from launchers.grids.runner import GridSpec, make_main

SPEC = GridSpec(
    name='cpg',
    module='launchers.grids.cpg',
    description=__doc__,
    tasks=('HalfCheetah-v5', 'Ant-v5'),
    entries=(('SAC_RS_CPG', 'SAC_RS', dict(actor='cpg')),
             ('SAC_RS', 'SAC_RS')),
    n_epochs=200, n_steps_per_epoch=10000, n_eval_episodes=10, n_seeds=25,
    slurm_time='2-00:00:00',
)

main = make_main(SPEC)

if __name__ == '__main__':
    sys.exit(main())
