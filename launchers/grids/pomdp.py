"""The paper's POMDP grid without privileged information (Figure 3 top-right, appendix E.3): PPO variants.

5 POMDP locomotion tasks (joint velocities hidden, no mass randomisation) x PPO {RS (S2PG), BPTT5,
BPTT32, WINDOW5, WINDOW32, VANILLA, ORACLE}, all with ``privileged_critic=False`` (the value
function sees what the policy sees, plus the internal state for RS; Monte-Carlo/GAE targets) x 25
seeds = 875 runs of 100 epochs x 50k steps (5M steps), 10 evaluation episodes per epoch; reference
hyperparameters per variant and task from the registry (fit every 2000 steps, 10 epochs, batch 32; learning
rates and clipping per variant: README, Hyperparameters). On Humanoid the policy sees the actuator forces
(velocities, com inertia and com velocity hidden), as in the reference's setting without privileges.

Examples::

    python -m launchers.grids.pomdp --test --envs HopperPOMDP-v5 --algorithms PPO_RS PPO_BPTT5
    python -m launchers.grids.pomdp --local --dry_run
    python -m launchers.grids.pomdp --slurm --partition cpu --time 3-00:00:00

Results: ``<base_dir>/<exp_name>_<timestamp>/<env_id>/<label>/<seed>/progress.csv``.

"""
import sys

from launchers.grids.runner import GridSpec, make_main, paper_variants
from environments import POMDP_ENV_IDS

SPEC = GridSpec(
    name='pomdp',
    module='launchers.grids.pomdp',
    description=__doc__,
    tasks=POMDP_ENV_IDS,
    entries=paper_variants('PPO', common=dict(privileged_critic=False)),
    n_epochs=100, n_steps_per_epoch=50000, n_eval_episodes=10, n_seeds=25,
    hide_actuator_forces=False,
    slurm_time='3-00:00:00',
    # --test: 200 steps with horizon 50, a PPO fit every 100 steps (2 epochs of batch 32).
    test_hyperparameters=dict(n_steps_per_fit=100, n_epochs=2, batch_size=32),
)

main = make_main(SPEC)

if __name__ == '__main__':
    sys.exit(main())
