"""The paper's imitation grid (its main results: Figure 3 bottom, Figures 14-15): GAIL and LS-IQ variants.

``Atlas.carry`` (unknown carried weight), ``HumanoidTorque4Ages.walk.all`` and ``.run.all`` (unknown body
scale) x {GAIL, LSIQ} x {RS (S2PG), BPTT5 (the reference's truncation length), VANILLA} x 10 seeds = 180 runs,
200 epochs of 100k steps (GAIL) or 5000 steps (LS-IQ), 10 evaluation episodes per epoch; the registry's reference
hyperparameters (the constructors' defaults are the reference launchers'), with the reference's networks
(``network_structure='reference'``) and, for LS-IQ, its tanh correction (``tanh_log_prob='reference'``). Expert
data: ``<expert_dir>/<env_id>.perfect.npz`` when it exists (``launchers.tools.make_expert_data`` writes them), else the task's loco-mujoco dataset; LS-IQ needs expert actions, so it needs such a file (the
motion-capture data have none): the grid stops before launching anything, saying so.

Examples::

    python -m launchers.grids.imitation --test --algorithms GAIL_RS GAIL_VANILLA     # tiny, local, checked
    python -m launchers.grids.imitation --local --dry_run --expert_dir results/expert
    python -m launchers.grids.imitation --slurm --partition cpu --time 3-00:00:00

Results: ``<base_dir>/<exp_name>_<timestamp>/<env_id>/<label>/<seed>/progress.csv``.

"""
import sys

from launchers.grids.runner import GridSpec, make_main

LSIQ_BUDGET = dict(n_steps_per_epoch=5000)
#: the reference's network structures and initialisation, and LS-IQ's tanh correction
GAIL_REFERENCE = dict(network_structure='reference')
LSIQ_REFERENCE = dict(network_structure='reference', tanh_log_prob='reference')

SPEC = GridSpec(
    name='imitation',
    module='launchers.grids.imitation',
    description=__doc__,
    tasks=('Atlas.carry', 'HumanoidTorque4Ages.walk.all', 'HumanoidTorque4Ages.run.all'),
    entries=(('GAIL_RS', 'GAIL_RS', GAIL_REFERENCE),
             ('GAIL_BPTT5', 'GAIL_BPTT', dict(GAIL_REFERENCE, truncation_length=5)),
             ('GAIL_VANILLA', 'GAIL_VANILLA', GAIL_REFERENCE),
             ('LSIQ_RS', 'LSIQ_RS', LSIQ_REFERENCE, LSIQ_BUDGET),
             ('LSIQ_BPTT5', 'LSIQ_BPTT', dict(LSIQ_REFERENCE, truncation_length=5), LSIQ_BUDGET),
             ('LSIQ_VANILLA', 'LSIQ_VANILLA', LSIQ_REFERENCE, LSIQ_BUDGET)),
    n_epochs=200, n_steps_per_epoch=100000, n_eval_episodes=10, n_seeds=10,
    slurm_time='3-00:00:00',
    # --test: 200 steps with horizon 50, GAIL fits every 100 steps, small LS-IQ replay memories.
    test_hyperparameters=dict(n_steps_per_fit=100, n_epochs=2, batch_size=32, initial_replay_size=64,
                              warmup_transitions=100, max_replay_size=2000),
)

main = make_main(SPEC)

if __name__ == '__main__':
    sys.exit(main())
