"""Own expert data for an imitation task: train a full-observation expert, roll it out, write a perfect-format .npz.

loco-mujoco's perfect datasets cannot be downloaded on these machines. This script trains an expert that
sees the full observation (``SAC_ORACLE`` by default, on loco-mujoco's target-velocity reward of the task,
with initial states drawn from the task's motion-capture data) through ``launchers.run.experiment.experiment``
(so it resumes like every run), rolls it out for ``n_episodes`` episodes of exactly ``episode_length``
steps (episodes that fall earlier are discarded: loco-mujoco's loader takes equal-length trajectories
only) and writes ``states``, ``actions``, ``next_states``, ``last`` and ``absorbing`` in loco-mujoco's
perfect format. For the four-ages humanoid the episodes are balanced over the four scales and stored in
blocks of scale 0.4, 0.6, 0.8, 1.0 (the order loco-mujoco's loader assumes), so ``n_episodes`` must be a
multiple of 4. The file is then loaded back through ``environments.expert_dataset`` (loco-mujoco's loader)
as a check, and serves the ``.perfect`` variant of the task::

    python -m launchers.tools.make_expert_data --env_id Atlas.carry --output results/expert/Atlas.carry.npz \\
        --n_epochs 100 --n_steps_per_epoch 10000 --n_episodes 20 --episode_length 1000
    # then: make_env('Atlas.carry.perfect', dataset_path='results/expert/Atlas.carry.npz')

Any other task works too (e.g. ``--env_id PointMassMemory-v0``, with the task's own reward): its episodes are
written as they come (ending at the horizon or in an absorbing state), ``next_states`` included, and the file is
the ``expert_data`` of an imitation run on that task (``launchers.run.experiment --expert_data FILE``). The point-mass
tasks' training aids (``--normalize_observation``, ``--progress_reward``; see ``environments.point_mass``) make the
expert learn in minutes; the imitators then take ``--normalize_observation`` too::

    python -m launchers.tools.make_expert_data --env_id PointMassMemory-v0 --output results/expert/memory.npz \
        --n_epochs 12 --n_steps_per_epoch 5000 --n_episodes 100 --normalize_observation --progress_reward 0.1 \
        --hyperparameters '{"actor_features": [64, 64], "critic_features": [64, 64], "initial_replay_size": 1000,
        "warmup_transitions": 1000, "lr_actor": 3e-4, "lr_critic": 3e-4, "tau": 0.005}'
    # the settings of the slow test: a task return of 19.4 (a straight-to-goal script: 34.1)
    python -m launchers.run.experiment --env_id PointMassMemory-v0 --algorithm LSIQ_RS --normalize_observation \
        --expert_data results/expert/memory.npz

On the point-mass tasks ``--script oracle`` writes the episodes of a scripted expert instead (no training, seconds;
``environments.point_mass_scripts``): ``--env_id PointMassDoor-v0 --script oracle --n_episodes 100
--normalize_observation``.

"""
import argparse
import os
import sys
from contextlib import nullcontext
from typing import Any, ContextManager, Dict, List, Optional

import numpy as np

# The launchers package first: it silences MuJoCo's display warning.
from launchers import Parser, program_name
from launchers.run.config import ExperimentConfigError, parse_bool
from launchers.run.experiment import experiment
from environments import available_env_ids, make_env
from environments.expert_data import ExpertData, expert_dataset, write_perfect_file
from environments.loco_tasks import LOCO_TASKS
from mushroom_s2pg.core import StatefulAgent
from mushroom_s2pg.utils import seed_everything

__all__ = ['make_expert_data', 'rollout_episodes', 'build_parser', 'main', 'cli']

#: The motion-capture imitation tasks: their files are loco-mujoco perfect datasets of equal-length episodes.
LOCO_EXPERT_TASK_IDS = tuple(env_id for env_id, spec in LOCO_TASKS.items() if not spec.perfect)
#: Every task an expert can be trained on: the imitation tasks, then the other tasks (point-mass, POMDP, ...).
EXPERT_TASK_IDS = LOCO_EXPERT_TASK_IDS + tuple(env_id for env_id in available_env_ids() if env_id not in LOCO_TASKS)


def _check(env_id: str, n_episodes: int, episode_length: Optional[int]) -> None:
    if env_id not in EXPERT_TASK_IDS:
        hint = f' (train on {env_id[:-len(".perfect")]}: the file then serves {env_id})' \
            if env_id.endswith('.perfect') else ''
        raise ExperimentConfigError(f'make_expert_data trains on one of {", ".join(EXPERT_TASK_IDS)}; got '
                                    f'{env_id!r}{hint}.', 'env_id')
    if env_id not in LOCO_TASKS:
        if n_episodes < 1:
            raise ExperimentConfigError(f'n_episodes must be >= 1, got {n_episodes}.', 'n_episodes')
        if episode_length is not None and episode_length < 1:
            raise ExperimentConfigError(f'episode_length must be >= 1, got {episode_length}.', 'episode_length')
        return
    spec = LOCO_TASKS[env_id]
    if n_episodes < 2:
        raise ExperimentConfigError('n_episodes must be >= 2 (loco-mujoco\'s loader needs 2 trajectories).',
                                    'n_episodes')
    if spec.hidden_group == 'env_type' and n_episodes % len(spec.hidden_values):
        raise ExperimentConfigError(f'{env_id}: n_episodes must be a multiple of {len(spec.hidden_values)} (equal '
                                    f'blocks per scale {spec.hidden_values}), got {n_episodes}.', 'n_episodes')
    if episode_length is not None and episode_length < 2:
        raise ExperimentConfigError('episode_length must be >= 2.', 'episode_length')


def _policy_mode(agent: Any, deterministic: bool) -> ContextManager:
    """The agent's mean-action mode (``StatefulAgent.deterministic()``) when asked for, else its sampling policy; any
    other MushroomRL agent is rolled out as it is (it declares no deterministic mode)."""
    if deterministic and isinstance(agent, StatefulAgent):
        return agent.deterministic()
    return nullcontext()


def rollout_episodes(agent: Any, env_id: str, n_episodes: int, episode_length: int, seed: int = 0,
                     deterministic: bool = True, max_attempts: Optional[int] = None) -> Dict[str, np.ndarray]:
    """
    Roll an agent out on a task for episodes of exactly ``episode_length`` steps without a fall.

    Args:
        agent: a MushroomRL agent of the task (e.g. loaded from a run's ``agent.zip``);
        env_id (str): the motion-capture imitation task;
        n_episodes (int): the episodes to keep (for the four-ages humanoid: as many per scale);
        episode_length (int): the steps of each episode;
        seed (int, 0): the seed of the rollouts;
        deterministic (bool, True): the policy's mean actions (False: sampled);
        max_attempts (int, None): the episodes to try at most (None: 50 x ``n_episodes``).

    Returns:
        ``states``, ``actions``, ``next_states``, ``last``, ``absorbing`` (episode after episode; for the
        four-ages humanoid in blocks of increasing scale) and ``hidden_index`` (per episode).

    Raises:
        RuntimeError: when too few episodes reach ``episode_length`` (the message says what to change).

    """
    from mushroom_rl.core import Core

    spec = LOCO_TASKS[env_id]
    balanced = spec.hidden_group == 'env_type'
    n_values = len(spec.hidden_values)
    wanted = {i: n_episodes // n_values for i in range(n_values)} if balanced else None
    max_attempts = 50 * n_episodes if max_attempts is None else max_attempts

    seed_everything(seed)
    mdp = make_env(env_id, horizon=episode_length)
    mdp.seed(seed)
    core = Core(agent, mdp)
    kept: List[Any] = []
    attempts = 0
    context = _policy_mode(agent, deterministic)
    with context:
        while len(kept) < n_episodes and attempts < max_attempts:
            attempts += 1
            episode = core.evaluate(n_episodes=1, quiet=True)
            if len(episode) != episode_length or any(step[4] for step in episode):
                continue  # fell before the end
            index = int(mdp.hidden_index_of(episode[0][0]))
            if balanced:
                if wanted[index] == 0:
                    continue
                wanted[index] -= 1
            kept.append((index, episode))
    mdp.stop()
    if len(kept) < n_episodes:
        raise RuntimeError(f'Only {len(kept)} of {n_episodes} episodes of {env_id} reached episode_length='
                           f'{episode_length} without a fall in {attempts} attempts: train the expert longer '
                           '(n_epochs, n_steps_per_epoch) or shorten episode_length.')
    if balanced:
        kept.sort(key=lambda item: item[0])  # stable: blocks of scale 0.4, 0.6, 0.8, 1.0
    states = np.array([step[0] for _, episode in kept for step in episode])
    actions = np.array([step[1] for _, episode in kept for step in episode])
    next_states = np.array([step[3] for _, episode in kept for step in episode])
    last = np.zeros(len(states))
    last[episode_length - 1::episode_length] = 1.
    return dict(states=states, actions=actions, next_states=next_states, last=last, absorbing=np.zeros(len(states)),
                hidden_index=np.array([index for index, _ in kept]))


def rollout_task_episodes(agent: Any, env_id: str, n_episodes: int, horizon: Optional[int] = None, seed: int = 0,
                          deterministic: bool = True, **task_options: Any) -> Dict[str, np.ndarray]:
    """
    Roll an agent out on a task that is not a loco-mujoco task: ``n_episodes`` episodes as they come (each ends at
    the horizon or in an absorbing state, so lengths may differ).

    Args:
        agent: a MushroomRL agent of the task;
        env_id (str): the task (``environments.make_env``);
        n_episodes (int): the episodes;
        horizon (int, None): the episodes' horizon (None: the task's);
        seed (int, 0): the seed of the rollouts;
        deterministic (bool, True): the policy's mean actions (False: sampled);
        **task_options: the task's options (``environments.make_env``, e.g. ``normalize_observation=True``).

    Returns:
        ``states``, ``actions``, ``next_states``, ``last`` and ``absorbing``, episode after episode.

    """
    from mushroom_rl.core import Core
    from mushroom_rl.utils.dataset import parse_dataset

    seed_everything(seed)
    mdp = make_env(env_id, horizon=horizon, **task_options)
    mdp.seed(seed)
    context = _policy_mode(agent, deterministic)
    with context:
        dataset = Core(agent, mdp).evaluate(n_episodes=n_episodes, quiet=True)
    mdp.stop()
    states, actions, _, next_states, absorbing, last = parse_dataset(dataset)
    return dict(states=states, actions=actions, next_states=next_states, last=last.astype(float),
                absorbing=absorbing.astype(float))


def make_expert_data(env_id: str = 'Atlas.carry', output: str = '', algorithm: str = 'SAC_ORACLE',
                     n_epochs: int = 100, n_steps_per_epoch: int = 10000, n_eval_episodes: int = 5,
                     hyperparameters: str = '', horizon: Optional[int] = None, seed: int = 0,
                     results_dir: str = 'results/expert', n_episodes: int = 20, episode_length: Optional[int] = None,
                     deterministic: bool = True, quiet: bool = True, n_threads: int = 1,
                     normalize_observation: bool = False, progress_reward: float = 0.0,
                     script: str = '') -> Dict[str, Any]:
    """
    Train (or resume) the expert, roll it out and write the perfect-format file (see the module's docstring).
    The point-mass training aids ``normalize_observation`` and ``progress_reward`` are task options of the
    training run; the rollouts keep ``normalize_observation`` (the file's states are the imitators'
    observations) and drop ``progress_reward`` (the file's rewards are the task's own).

    With ``script`` (point-mass tasks: ``'oracle'`` or ``'memoryless'``, see ``environments.point_mass_scripts``)
    nothing is trained: the file holds the episodes of that scripted policy (``algorithm`` and the training settings
    are unused; ``run_dir`` and ``training`` are None).

    Returns:
        ``output`` (the file), ``run_dir``, ``dataset`` (the :class:`ExpertData` read back),
        ``hidden_values`` (the weight or scale of each episode) and the training summary ``training``.

    Raises:
        ExperimentConfigError: for invalid settings, before anything is trained;
        RuntimeError: when the expert keeps falling before ``episode_length``.

    """
    _check(env_id, n_episodes, episode_length)
    output = output or os.path.join(results_dir, f'{env_id}.perfect.npz')
    if script:
        agent, training = _scripted_expert(env_id, script, normalize_observation), None
    else:
        training = experiment(env_id=env_id, algorithm=algorithm, n_epochs=n_epochs,
                              n_steps_per_epoch=n_steps_per_epoch, n_eval_episodes=n_eval_episodes,
                              hyperparameters=hyperparameters, horizon=horizon, seed=seed, results_dir=results_dir,
                              quiet=quiet, n_threads=n_threads, resume=True, variant=f'{algorithm}_expert',
                              normalize_observation=normalize_observation, progress_reward=progress_reward)
        from mushroom_rl.core import Agent
        agent = Agent.load(training['agent'])
    if env_id in LOCO_TASKS:
        result = _write_loco_file(agent, env_id, output, n_episodes, episode_length, seed, deterministic)
    else:
        options = dict(normalize_observation=True) if normalize_observation else {}
        result = _write_task_file(agent, env_id, output, n_episodes, episode_length, seed, deterministic, options)
    return dict(result, output=os.path.abspath(output), run_dir=None if training is None else training['run_dir'],
                training=training)


def _scripted_expert(env_id: str, script: str, normalize_observation: bool) -> Any:
    """The agent of a scripted point-mass policy; a task without scripts or an unknown name is refused."""
    from environments.point_mass_scripts import SCRIPTS, scripted_agent
    if env_id not in SCRIPTS:
        raise ExperimentConfigError(f'{env_id} has no scripted policies; tasks with scripts: '
                                    f'{", ".join(SCRIPTS)}.', 'script')
    if script not in SCRIPTS[env_id]:
        raise ExperimentConfigError(f'{script!r} is not a script of {env_id}; valid: '
                                    f'{", ".join(SCRIPTS[env_id])}.', 'script')
    return scripted_agent(env_id, script, normalize_observation)


def _write_loco_file(agent: Any, env_id: str, output: str, n_episodes: int, episode_length: Optional[int], seed: int,
                     deterministic: bool) -> Dict[str, Any]:
    """Equal-length episodes of a motion-capture task, read back through loco-mujoco's loader."""
    spec = LOCO_TASKS[env_id]
    episode_length = 1000 if episode_length is None else episode_length
    data = rollout_episodes(agent, env_id, n_episodes, episode_length, seed=seed, deterministic=deterministic)
    write_perfect_file(output, data['states'], data['actions'], data['last'], data['absorbing'],
                       next_states=data['next_states'])
    dataset: ExpertData = expert_dataset(env_id, path=output)  # through loco-mujoco's loader
    hidden = [float(spec.hidden_values[i]) for i in data['hidden_index']]
    print(f'[make_expert_data] {os.path.abspath(output)}: {dataset.n_episodes} episodes x {episode_length} steps, '
          f'states {dataset.states.shape}, actions {dataset.actions.shape}; {spec.hidden_name} per episode: {hidden}; '
          f'serves {dataset.env_id} (dataset_path=...)', flush=True)
    return dict(dataset=dataset, hidden_values=hidden)


def _write_task_file(agent: Any, env_id: str, output: str, n_episodes: int, episode_length: Optional[int], seed: int,
                     deterministic: bool, options: Dict[str, Any]) -> Dict[str, Any]:
    """The episodes of another task as they come, read back with :func:`expert_dataset`."""
    data = rollout_task_episodes(agent, env_id, n_episodes, horizon=episode_length, seed=seed,
                                 deterministic=deterministic, **options)
    write_perfect_file(output, data['states'], data['actions'], data['last'], data['absorbing'],
                       next_states=data['next_states'], task_options=options)
    dataset = expert_dataset(env_id, path=output)
    print(f'[make_expert_data] {os.path.abspath(output)}: {dataset.n_episodes} episodes, {dataset.n_samples} steps '
          f'(mean length {dataset.n_samples / dataset.n_episodes:.1f}); serves {env_id} (expert_data=...)', flush=True)
    return dict(dataset=dataset, hidden_values=[])


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog=program_name('launchers.tools.make_expert_data'),
                                     description=__doc__.split('\n\n')[0],
                                     epilog=f'tasks: {", ".join(EXPERT_TASK_IDS)}')
    add = parser.add_argument
    add('--env_id', default='Atlas.carry', help='the motion-capture imitation task (default: %(default)s)')
    add('--output', default='', help='the .npz to write (default: <results_dir>/<env_id>.perfect.npz)')
    add('--algorithm', default='SAC_ORACLE', help='the full-observation expert (default: %(default)s)')
    add('--n_epochs', type=int, default=100, help='training epochs (default: %(default)s)')
    add('--n_steps_per_epoch', type=int, default=10000, help='training steps per epoch (default: %(default)s)')
    add('--n_eval_episodes', type=int, default=5, help='evaluation episodes per epoch (default: %(default)s)')
    add('--hyperparameters', default='', help='JSON overrides of the algorithm hyperparameters')
    add('--horizon', type=int, default=None, help='the training horizon (default: the task\'s, 1000)')
    add('--seed', type=int, default=0, help='seed of the training and of the rollouts (default: %(default)s)')
    add('--results_dir', default='results/expert', help='the training run folder (default: %(default)s)')
    add('--n_episodes', type=int, default=20, help='episodes to write (default: %(default)s)')
    add('--episode_length', type=int, default=None,
        help='steps per written episode (imitation tasks: exactly, default 1000; other tasks: the rollouts\' horizon, '
             'episodes may end earlier, default the task\'s)')
    add('--deterministic', type=parse_bool, nargs='?', const=True, default=True, metavar='BOOL',
        help='roll out the mean actions (default: %(default)s)')
    add('--n_threads', type=int, default=1, help='PyTorch threads (default: %(default)s)')
    add('--normalize_observation', type=parse_bool, nargs='?', const=True, default=False, metavar='BOOL',
        help='point-mass tasks: observations divided by the field size, in training and in the file (default: '
             '%(default)s)')
    add('--progress_reward', type=float, default=0.0,
        help='point-mass tasks: weight of the progress term of the training reward (default: %(default)s)')
    add('--script', default='',
        help='point-mass tasks: write the episodes of a scripted policy instead of training an expert: oracle or '
             'memoryless (environments.point_mass_scripts)')
    return parser


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    """Parse the command line and run :func:`make_expert_data`; a bad setting exits with status 2.

    Returns:
        What :func:`make_expert_data` returns (the file written, the training run, the dataset).

    """
    parser = build_parser()
    arguments = vars(parser.parse_args(argv))
    try:
        return make_expert_data(**arguments)
    except ExperimentConfigError as error:
        parser.error(f'argument --{error.field}: {error}' if error.field else str(error))


def cli(argv: Optional[List[str]] = None) -> int:
    """The command-line entry point (``s2pg-make-expert-data``, ``python -m``): :func:`main`, exit status 0."""
    main(argv)
    return 0


if __name__ == '__main__':
    sys.exit(cli())
