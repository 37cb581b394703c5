"""Learning runs that take minutes: run with `pytest -m slow` (excluded from the default suite)."""
import numpy as np
import pytest
import torch
from mushroom_rl.core import Core
from mushroom_rl.utils.dataset import compute_J

from environments import make_env
from environments.point_mass_scripts import memory_oracle_action
from mushroom_s2pg.algorithms import make_agent
from probes.short_memory import SAC_COMMON, learning_curve

pytestmark = pytest.mark.slow


def _evaluate(core, n_episodes, deterministic=True, gamma=1.):
    with core.agent.deterministic(deterministic):
        return float(np.mean(compute_J(core.evaluate(n_episodes=n_episodes, quiet=True), gamma)))


def _train(env_id, name, n_epochs, n_steps, seed=0, n_eval=3, env_kwargs=None, deterministic=True, **params):
    np.random.seed(seed)
    torch.manual_seed(seed)
    mdp = make_env(env_id, **(env_kwargs or {}))
    mdp.seed(seed)
    agent = make_agent(name, mdp.info, mdp.policy_obs_mask, env_id=env_id, **params)
    core = Core(agent, mdp)
    n_fit = agent.default_n_steps_per_fit
    returns = [_evaluate(core, n_eval, deterministic)]
    for _ in range(n_epochs):
        core.learn(n_steps=n_steps, n_steps_per_fit=n_fit, quiet=True)
        returns.append(_evaluate(core, n_eval, deterministic))
    return returns, mdp, agent


def test_sac_rs_improves_on_half_cheetah_pomdp():
    returns, _, _ = _train('HalfCheetahPOMDP-v5', 'SAC_RS', 4, 5000, initial_replay_size=1000,
                           warmup_transitions=1000, lr_actor=3e-4, tau=0.005)
    print('SAC_RS HalfCheetahPOMDP returns per epoch:', returns)
    assert max(returns[1:]) > returns[0] + 300


def test_ppo_rs_improves_on_half_cheetah_pomdp():
    # PPO-RS is evaluated with its stochastic policy (the joint (a, z') sampling it is trained with); over
    # 80k steps its deterministic mean policy barely moves (measured: about 0 throughout).
    returns, _, _ = _train('HalfCheetahPOMDP-v5', 'PPO_RS', 8, 10000, n_eval=3, deterministic=False,
                           lr_actor=3e-4, lr_critic=3e-4, batch_size=64)
    print('PPO_RS HalfCheetahPOMDP stochastic returns per epoch:', returns)
    assert max(returns[-3:]) > returns[0] + 100


def test_sac_rs_beats_vanilla_on_point_mass_memory():
    params = dict(initial_replay_size=1000, warmup_transitions=1000, lr_actor=3e-4, tau=0.005, lr_critic=3e-4)
    rs, _, _ = _train('PointMassMemory-v0', 'SAC_RS', 8, 5000, n_eval=20, **params)
    vanilla, _, _ = _train('PointMassMemory-v0', 'SAC_VANILLA', 8, 5000, n_eval=20, **params)
    print('PointMassMemory SAC_RS:', rs, 'SAC_VANILLA:', vanilla)
    assert np.mean(rs[-3:]) > np.mean(vanilla[-3:]) + 0.5


def _pendulum_return_at_30k(algorithm, seed):
    """The protocol of benchmarks/probes/short_memory.py: PendulumPOMDP-v1, the study's overrides, one thread, plain
    Core, deterministic evaluation over 10 episodes every 5000 steps; the return after 30k steps."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        curve = list(learning_curve(algorithm, seed, SAC_COMMON, n_steps=30000, eval_every=5000, n_eval_episodes=10))
    finally:
        torch.set_num_threads(previous)
    print(f'{algorithm} PendulumPOMDP-v1 seed {seed}:', [round(point['return']) for point in curve])
    return curve[-1]['return']


def test_sac_rs_learns_the_velocity_hidden_pendulum_with_its_library_defaults():
    # a memory of one step suffices; the memoryless SAC_VANILLA cannot swing up (about -1000), an oracle reaches -150
    returns = [_pendulum_return_at_30k('SAC_RS', seed) for seed in (0, 1, 2)]
    assert sum(r >= -400 for r in returns) >= 2, returns
    assert _pendulum_return_at_30k('SAC_VANILLA', 0) < -400


def test_cpg_policy_moves_half_cheetah_forward():
    # one oscillator per joint; the gait appears after about 20k steps (measured x-velocity 0.8-1.0 at 20-24k)
    _, mdp, agent = _train('HalfCheetah-v5', 'SAC_RS', 6, 4000, n_eval=1, actor='cpg',
                           initial_replay_size=1000, warmup_transitions=1000, lr_actor=3e-4, tau=0.005)
    core = Core(agent, mdp)
    with agent.deterministic():
        dataset, info = core.evaluate(n_episodes=2, quiet=True, get_env_info=True)
    x_velocity = np.mean(info['x_velocity'])
    print('CPG HalfCheetah mean x-velocity:', x_velocity)
    assert x_velocity > 0.1


# ------------------------------------------------------------------ imitation with memory (issue 12)
_EXPERT_SAC = dict(initial_replay_size=1000, warmup_transitions=1000, lr_actor=3e-4, lr_critic=3e-4, tau=0.005,
                   actor_features=[64, 64], critic_features=[64, 64])


@pytest.fixture(scope='module')
def point_mass_expert(tmp_path_factory):
    """A SAC_ORACLE expert of PointMassMemory-v0 trained with the training aids (normalised observations, progress
    reward 0.1) for 60k steps, its file of 100 deterministic episodes, and its task return (the paper's reward) over
    32 episodes. About 5 minutes; shared by the tests below."""
    from launchers.tools.make_expert_data import make_expert_data
    from mushroom_rl.core import Agent
    expert = make_expert_data(env_id='PointMassMemory-v0', algorithm='SAC_ORACLE', n_epochs=12, n_steps_per_epoch=5000,
                              n_eval_episodes=20, hyperparameters=_EXPERT_SAC,
                              results_dir=str(tmp_path_factory.mktemp('expert')), n_episodes=100,
                              normalize_observation=True, progress_reward=0.1)
    agent = Agent.load(expert['training']['agent'])
    mdp = make_env('PointMassMemory-v0', normalize_observation=True)
    mdp.seed(1)
    return expert, _evaluate(Core(agent, mdp), 32)


def _scripted_return(n_episodes=32):
    """The task return of heading straight for the goal (the oracle's optimum, about 34)."""
    mdp = make_env('PointMassMemory-v0')
    mdp.seed(1)
    returns = []
    for _ in range(n_episodes):
        state, total = mdp.reset(), 0.
        for _ in range(mdp.info.horizon):
            state, reward, absorbing, _ = mdp.step(np.array([memory_oracle_action(state)]))
            total += reward
            if absorbing:
                break
        returns.append(total)
    return float(np.mean(returns))


def test_sac_oracle_becomes_a_point_mass_expert_with_the_training_aids(point_mass_expert):
    """Without the aids SAC_ORACLE stays below a return of 3 after 340k steps (measured); with them it gets past half
    of the scripted optimum in 60k steps."""
    expert, task_return = point_mass_expert
    optimum = _scripted_return()
    print(f'SAC_ORACLE expert task return {task_return:.2f}, straight-to-goal script {optimum:.2f}')
    assert optimum > 30 and task_return > 0.5 * optimum
    assert expert['dataset'].n_episodes == 100 and expert['dataset'].states.max() <= 1.0


def _imitate(env_id, name, seed, expert_file, results_dir, hyperparameters, n_epochs):
    """One imitation run of a point-mass task (the paper's reward, normalised observations); its progress rows."""
    import os
    from launchers.run.experiment import experiment
    from mushroom_s2pg.utils import read_progress
    run = experiment(env_id=env_id, algorithm=name, seed=seed, expert_data=expert_file,
                     normalize_observation=True, n_epochs=n_epochs, n_steps_per_epoch=5000, n_eval_episodes=32,
                     quiet=True, hyperparameters=dict(initial_replay_size=1000, warmup_transitions=1000, lr_actor=3e-4,
                                                      **hyperparameters), results_dir=results_dir)
    return read_progress(os.path.join(run['run_dir'], 'progress.csv'))


#: LS-IQ with memory and its memoryless twin, same learning rates and widths.
_LSIQ_TWINS = dict(LSIQ_RS=dict(n_features_actor=128, n_features_critic=128),
                   LSIQ_VANILLA=dict(actor_features=[128, 128], critic_features=[128, 128]))


def _imitation_scores(env_id, expert_file, seeds, results_dir, n_epochs):
    """Both twins imitate ``expert_file`` on each seed, in two spawn processes (the slower LSIQ_RS runs first). A run's
    score is its mean deterministic task return over its last 4 epochs. Prints every curve; returns the scores per
    variant (in the order of ``seeds``) and their means."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    jobs = [(name, seed) for name in _LSIQ_TWINS for seed in seeds]
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context('spawn')) as pool:
        futures = {(name, seed): pool.submit(_imitate, env_id, name, seed, expert_file, str(results_dir / name),
                                             _LSIQ_TWINS[name], n_epochs)
                   for name, seed in jobs}
        rows = {job: future.result() for job, future in futures.items()}
    scores = {}
    for (name, seed), progress in rows.items():
        curve = [round(row['R_mean_deterministic'], 2) for row in progress]
        lengths = [row['episode_length_mean_deterministic'] for row in progress[-4:]]
        scores.setdefault(name, []).append(float(np.mean(curve[-4:])))
        print(f'{env_id} {name} seed {seed}: deterministic task returns per epoch {curve}, score {scores[name][-1]:.2f}, '
              f'mean episode length of the last 4 epochs {np.mean(lengths):.1f}')
    mean = {name: float(np.mean(values)) for name, values in scores.items()}
    print(env_id, 'scores per seed', seeds, scores, 'mean', mean)
    return scores, mean


#: The imitation budget: 24 x 5000 steps per run, on each of IMITATION_SEEDS. The six runs share two processes, the
#: slower LSIQ_RS runs first (about 27 minutes each on one core; LSIQ_VANILLA about 13): about 67 minutes on two cores,
#: 72 with the expert.
IMITATION_EPOCHS = 24

#: Seeds of the acceptance criterion, chosen before any of their runs: seeds 0 and 1 were measured with a one-seed
#: form of this test (seed 0: LSIQ_RS 2.02 against LSIQ_VANILLA 3.49; seed 1: 9.69 against 2.65), which showed that
#: one seed cannot decide, so the criterion is the mean over three fresh seeds.
IMITATION_SEEDS = (2, 3, 4)


@pytest.mark.xfail(strict=False, raises=AssertionError, reason=(
    'issue 12 is open on this point. Measured on 2026-11-26 with this test as written (one run, 60 minutes): mean '
    'score over seeds 2, 3, 4: LSIQ_RS 1.75 (-0.14, 4.05, 1.35) against LSIQ_VANILLA 4.89 (4.00, 2.65, 8.02); with '
    'seeds 0 and 1 (same settings and expert file) LSIQ_RS has no advantage at 120k steps, nor at 240k (3.40 against '
    '4.18), and neither imitator follows its goal (launchers.tools.goal_following). Curves and tables: '
    'docs/results_imitation_memory/ (measured with a_prev in LSIQ_RS, before 9ac2397). The task does not need '
    'memory: a memoryless script reaches the optimum (environments.point_mass_scripts); see the door-task test '
    'below'))
def test_lsiq_with_memory_imitates_a_memory_expert_better_than_without(point_mass_expert, tmp_path):
    """Issue 12's acceptance run: on PointMassMemory-v0 (the goal is shown near the start only) LSIQ_RS, which can
    remember it, reaches a clearly higher task return than its memoryless twin LSIQ_VANILLA; both imitate the same
    file, written by make_expert_data from the SAC_ORACLE expert (which sees the goal all the time), with the same
    learning rates and widths. A run's score is its mean deterministic task return over the last 4 of its 24 epochs;
    the criterion is the mean score over IMITATION_SEEDS, LSIQ_RS above LSIQ_VANILLA by more than 2. It prints every
    curve and score; it is marked xfail while the advantage does not show (see the reason)."""
    expert, _ = point_mass_expert
    _, mean = _imitation_scores('PointMassMemory-v0', expert['output'], IMITATION_SEEDS, tmp_path, IMITATION_EPOCHS)
    assert mean['LSIQ_RS'] > mean['LSIQ_VANILLA'] + 2.0


#: Seeds of the door-task criterion, chosen before any of its runs (2026-11-26; no imitation run of the door task
#: existed before).
DOOR_SEEDS = (0, 1, 2)

#: "Clearly higher" on the door task: 75, about 10 % of the scripted expert's task return (795 over 20 episodes; the
#: memoryless script, which guesses the second door: 376).
DOOR_MARGIN = 75.


@pytest.fixture(scope='module')
def door_expert(tmp_path_factory):
    """The door task's expert file: 100 episodes of the oracle script (through the centres of the true doors) in
    normalised states. SAC_ORACLE with the training aids does not become an expert here (task return 172 after 150k
    steps, measured), so the expert is scripted."""
    from launchers.tools.make_expert_data import make_expert_data
    return make_expert_data(env_id='PointMassDoor-v0', script='oracle', n_episodes=100, normalize_observation=True,
                            results_dir=str(tmp_path_factory.mktemp('door_expert')))


@pytest.mark.xfail(strict=False, raises=AssertionError, reason=(
    'issue 12 is open on this point. Measured on 2026-11-26 with this test as written (one run, 54 minutes): mean '
    'score over seeds 0, 1, 2: LSIQ_RS 47.1 (53.4, 43.9, 43.9) against LSIQ_VANILLA 162.5 (227.7, 122.7, 137.1); the '
    'memoryless twin passes the first wall in 58 of 60 rollouts and the second in 15 (a memoryless guess), LSIQ_RS '
    'passes the first in 20 of 60: at this budget LS-IQ with memory has not yet learnt the part that needs none. '
    'Those runs fed a_prev to LSIQ_RS; without it (the reference launcher\'s setting, the default since 9ac2397) '
    'seeds 0 and 1 scored 36.2 and 34.2 and the run was stopped. What slows LSIQ_RS is its critic seeing z and z\' '
    '(probes with critic_inputs=\'state_action\'); a critic that starts blind to them (critic_inputs=\'residual\') '
    'removes that slowdown, but the second wall is still passed at a memoryless guess\'s rate, also at 240k steps. '
    'docs/results_imitation_memory/'))
def test_lsiq_with_memory_imitates_a_door_expert_better_than_without(door_expert, tmp_path):
    """The memory comparison on a task that needs memory (environments.point_mass_scripts): on PointMassDoor-v0 the
    doors are shown near the start only, and nothing observable later tells where the second door is. LSIQ_RS and
    LSIQ_VANILLA imitate the oracle script's file with the settings of the PointMassMemory-v0 test (24 x 5000 steps);
    the criterion, fixed before any run, is the mean score over DOOR_SEEDS, LSIQ_RS above LSIQ_VANILLA by more than
    DOOR_MARGIN."""
    _, mean = _imitation_scores('PointMassDoor-v0', door_expert['output'], DOOR_SEEDS, tmp_path, IMITATION_EPOCHS)
    assert mean['LSIQ_RS'] > mean['LSIQ_VANILLA'] + DOOR_MARGIN
