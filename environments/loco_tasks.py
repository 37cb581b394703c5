"""The imitation tasks of the paper, on loco-mujoco 0.4.1 (whose environments are MushroomRL environments).

- ``Atlas.carry``: Atlas walks while carrying a box whose weight (0.1, 1, 5 or 10 kg) loco-mujoco draws at
  every reset; the weight is the last entry of loco-mujoco's observation (group ``"weight"``).
- ``HumanoidTorque4Ages.walk.all`` / ``.run.all``: one of four humanoids scaled by 0.4, 0.6, 0.8 or 1.0
  (lengths x s, masses x s^3, inertias x s^5, torques x s^2) drawn at every reset; the scale is the last
  two entries of the observation, a binary code of the model index (group ``"env_type"``).
- The ``.perfect`` variants imitate a perfect-format dataset (expert rollouts: ``states``, ``actions``,
  ``last``, ``absorbing``) given with ``dataset_path=...``, by default loco-mujoco's own perfect dataset.

:class:`LocoTaskEnv` is a thin MushroomRL adapter around the environment loco-mujoco builds: the
observation is loco-mujoco's full observation (what critics and discriminators see) and
``policy_obs_mask`` is loco-mujoco's ``get_mask(...)`` hiding the weight or the scale (and the foot forces
when ``use_foot_forces=True``), so the policy sees joint positions and velocities only. The hidden value is
drawn by loco-mujoco itself (NumPy's global generator), so ``seed`` seeds that generator, as loco-mujoco does.

"""
import os
import warnings
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

import numpy as np
from mushroom_rl.core import Environment

from environments.loco_data import (MissingDatasetError, REAL_DATASET_FILES, installed_real_dataset,
                                    missing_data_message, perfect_dataset_path)
from environments.perfect_files import check_perfect_file

__all__ = ['LocoTaskSpec', 'LOCO_TASKS', 'LOCO_TASK_IDS', 'LOCO_TASK_OPTIONS', 'CARRY_WEIGHTS', 'HUMANOID_SCALES',
           'PERFECT_DATA_FREQUENCY', 'LocoTaskEnv']

#: The carry weights [kg] loco-mujoco's ``Atlas`` draws from (one model per weight).
CARRY_WEIGHTS: Tuple[float, ...] = (0.1, 1.0, 5.0, 10.0)

#: The scales of the four-ages humanoid, in loco-mujoco's model order (model index i has scale [i]).
HUMANOID_SCALES: Tuple[float, ...] = (0.4, 0.6, 0.8, 1.0)

#: The sampling frequency [Hz] of perfect-format datasets (one sample per control step of 0.01 s).
PERFECT_DATA_FREQUENCY = 100


@dataclass(frozen=True)
class LocoTaskSpec:
    """One imitation task: the loco-mujoco robot and task, the dataset kind and the hidden quantity."""
    env_id: str
    robot: str
    task: str
    mode: Optional[str]
    perfect: bool
    hidden_group: str
    hidden_name: str
    hidden_values: Tuple[float, ...]
    target_velocity: float
    description: str

    @property
    def real_id(self) -> str:
        """The id of the same task on motion-capture data (loco-mujoco's ``LocoEnv.make`` name)."""
        return '.'.join(part for part in (self.robot, self.task, self.mode) if part)


def _specs() -> Dict[str, LocoTaskSpec]:
    specs = {}
    for robot, task, mode, group, name, values, velocity, what in (
            ('Atlas', 'carry', None, 'weight', 'carry weight [kg]', CARRY_WEIGHTS, 1.25,
             'Atlas walking while carrying a box of 0.1/1/5/10 kg drawn at reset, weight hidden from the policy'),
            ('HumanoidTorque4Ages', 'walk', 'all', 'env_type', 'humanoid scale', HUMANOID_SCALES, 1.25,
             'four-ages torque humanoid walking, scale 0.4/0.6/0.8/1.0 drawn at reset and hidden from the policy'),
            ('HumanoidTorque4Ages', 'run', 'all', 'env_type', 'humanoid scale', HUMANOID_SCALES, 2.5,
             'four-ages torque humanoid running, scale 0.4/0.6/0.8/1.0 drawn at reset and hidden from the policy')):
        for perfect in (False, True):
            env_id = '.'.join(part for part in (robot, task, mode) if part) + ('.perfect' if perfect else '')
            data = ('a perfect-format expert dataset (dataset_path=...)' if perfect
                    else "loco-mujoco's motion-capture data (full or mini)")
            specs[env_id] = LocoTaskSpec(env_id, robot, task, mode, perfect, group, name, values, velocity,
                                         f'{what}; imitates {data}')
    return specs


#: The imitation tasks: id -> spec.
LOCO_TASKS: Dict[str, LocoTaskSpec] = _specs()

#: Their ids.
LOCO_TASK_IDS: Tuple[str, ...] = tuple(LOCO_TASKS)

#: The keyword options of each imitation task (``make_env``): ``use_foot_forces`` adds loco-mujoco's foot
#: forces to the observation (hidden from the policy); ``mini_data`` forces the mini motion-capture data
#: (loco-mujoco's ``debug=True``); ``dataset_path`` is the perfect-format ``.npz`` of a ``.perfect`` task.
LOCO_TASK_OPTIONS: Dict[str, Tuple[str, ...]] = {
    env_id: ('dataset_path', 'use_foot_forces') if spec.perfect else ('use_foot_forces', 'mini_data')
    for env_id, spec in LOCO_TASKS.items()}


class LocoTaskEnv(Environment):
    """
    MushroomRL adapter of a loco-mujoco imitation task (see the module's docstring).

    Attributes:
        loco_env: the loco-mujoco environment (a MushroomRL ``MultiMuJoCo``);
        spec (LocoTaskSpec): the task;
        dataset_path (str): the dataset the task imitates (initial states are drawn from it);
        data_source (str): ``'full'`` or ``'mini'`` (motion capture) or ``'perfect'``;
        observation_names (Tuple[str, ...]): one name per observation entry (loco-mujoco's keys, then
            ``grf_<i>`` for the foot forces, then ``weight`` or ``env_type_<i>``);
        observation_groups (Dict[str, np.ndarray]): the indices of loco-mujoco's hidable groups
            (``positions``, ``velocities``, ``foot_forces`` when used, ``weight`` or ``env_type``).

    """
    #: ``launchers.run.checkpoint`` saves ``mdp.env.unwrapped.np_random`` when it is a NumPy generator; loco-mujoco
    #: draws from NumPy's global generator instead, which the checkpoint saves anyway.
    np_random = None

    def __init__(self, env_id: str, gamma: float = 0.99, horizon: Optional[int] = None,
                 dataset_path: Optional[str] = None, use_foot_forces: bool = False, mini_data: bool = False):
        """
        Constructor.

        Args:
            env_id (str): one of :data:`LOCO_TASK_IDS`;
            gamma (float, 0.99): the discount factor;
            horizon (int, None): the horizon (None: loco-mujoco's, 1000);
            dataset_path (str, None): ``.perfect`` tasks only: the perfect-format ``.npz`` (None:
                loco-mujoco's perfect dataset of the task, if installed);
            use_foot_forces (bool, False): add loco-mujoco's foot forces to the observation (hidden from
                the policy);
            mini_data (bool, False): motion-capture tasks only: use the mini datasets even when the full
                ones are installed (loco-mujoco's ``debug=True``).

        Raises:
            ValueError: for an unknown id;
            MissingDatasetError: when the dataset is not installed (the message says how to get it);
            ExpertDataError: for a perfect-format file with missing keys, wrong shapes or another robot's data.

        """
        if env_id not in LOCO_TASKS:
            raise ValueError(f'Unknown imitation task {env_id!r}. Valid ids: {", ".join(LOCO_TASK_IDS)}.')
        self.spec = LOCO_TASKS[env_id]
        self._use_foot_forces = bool(use_foot_forces)
        kwargs = dict(gamma=float(gamma), horizon=1000 if horizon is None else int(horizon),
                      use_foot_forces=self._use_foot_forces)
        if self.spec.perfect:
            if mini_data:
                raise ValueError(f'{env_id}: mini_data applies to the motion-capture tasks only.')
            self.loco_env, self.dataset_path = self._make_perfect(dataset_path, kwargs)
            self.data_source = 'perfect'
        else:
            if dataset_path is not None:
                raise ValueError(f'{env_id} imitates loco-mujoco\'s motion-capture data; a dataset_path is taken by '
                                 f'the .perfect tasks ({env_id}.perfect).')
            self.loco_env, self.dataset_path, self.data_source = self._make_real(bool(mini_data), kwargs)

        loco = self.loco_env
        groups = ('positions', 'velocities') + (('foot_forces',) if self._use_foot_forces else ()) + \
            (self.spec.hidden_group,)
        self.observation_groups = {group: np.flatnonzero(~loco.get_mask((group,))) for group in groups}
        hidden = (self.spec.hidden_group,) + (('foot_forces',) if self._use_foot_forces else ())
        self._policy_obs_mask = np.asarray(loco.get_mask(hidden), dtype=bool)
        self.observation_names = self._names()
        self._hidden_idx = self.observation_groups[self.spec.hidden_group]
        self._action_shape = loco.info.action_space.shape
        self._last_obs: Optional[np.ndarray] = None
        super().__init__(loco.info)

    # --------------------------------------------------------------------------------------------
    # Construction
    # --------------------------------------------------------------------------------------------
    def _make_real(self, mini_only: bool, kwargs: Dict[str, Any]) -> Tuple[Any, str, str]:
        spec = self.spec
        path, kind = installed_real_dataset(spec.robot, spec.task, mini_only=mini_only)
        if path is None:
            name = REAL_DATASET_FILES[(spec.robot, spec.task)]
            raise MissingDatasetError(missing_data_message(
                f'{spec.env_id} imitates loco-mujoco\'s motion-capture dataset {name}'
                f'{" (mini version)" if mini_only else ""}'))
        from loco_mujoco import LocoEnv
        with warnings.catch_warnings():
            # loco-mujoco warns when it falls back to the mini datasets; data_source says so instead.
            warnings.filterwarnings('ignore', message='Datasets not found, falling back')
            loco = LocoEnv.make(spec.real_id, debug=mini_only, **kwargs)
        return loco, path, kind

    def _make_perfect(self, dataset_path: Optional[str], kwargs: Dict[str, Any]) -> Tuple[Any, str]:
        spec = self.spec
        path = perfect_dataset_path(spec.robot, spec.task) if dataset_path is None else os.path.abspath(
            os.fspath(dataset_path))
        if not os.path.isfile(path):
            if dataset_path is None:
                raise MissingDatasetError(missing_data_message(
                    f'{spec.env_id} imitates loco-mujoco\'s perfect dataset {path}', perfect=True))
            raise MissingDatasetError(f'{spec.env_id}: the dataset_path {path} does not exist.')
        # The robot as loco-mujoco's generator builds it for a perfect dataset, then the dataset loaded with
        # loco-mujoco's own loader (the generator itself reads only its fixed file).
        from loco_mujoco.environments.humanoids import Atlas, HumanoidTorque4Ages
        reward_params = dict(target_velocity=spec.target_velocity)
        if spec.robot == 'Atlas':
            loco = Atlas(hold_weight=True, reward_type='target_velocity', reward_params=reward_params, **kwargs)
        else:
            loco = HumanoidTorque4Ages(scaling=None, reward_type='multi_target_velocity', reward_params=reward_params,
                                       **kwargs)
        check_perfect_file(path, spec.env_id, loco.info.observation_space.shape[0],
                           loco.info.action_space.shape[0], hidden_index=self._hidden_index_function(loco),
                           hidden_group=spec.hidden_group, hidden_values=spec.hidden_values)
        traj_files = loco.load_dataset_and_get_traj_files(path, PERFECT_DATA_FREQUENCY)
        loco.load_trajectory(dict(traj_files=traj_files, traj_dt=1. / PERFECT_DATA_FREQUENCY, control_dt=loco.dt),
                             warn=False)
        return loco, path

    def _hidden_index_function(self, loco: Any):
        """The function state -> index of the hidden value, for a loco-mujoco env not yet wrapped."""
        hidden_idx = np.flatnonzero(~loco.get_mask((self.spec.hidden_group,)))
        return lambda states: self._decode(np.asarray(states)[..., hidden_idx])

    def _names(self) -> Tuple[str, ...]:
        keys = list(self.loco_env.get_all_observation_keys())[2:]  # loco-mujoco drops pelvis x and z
        names = keys + [''] * (self.loco_env.info.observation_space.shape[0] - len(keys))
        for group in ('foot_forces', self.spec.hidden_group):
            if group in self.observation_groups:
                for i, index in enumerate(self.observation_groups[group]):
                    names[index] = group if len(self.observation_groups[group]) == 1 else f'{group}_{i}'
        return tuple(names)

    # --------------------------------------------------------------------------------------------
    # MushroomRL interface
    # --------------------------------------------------------------------------------------------
    def seed(self, seed: int) -> None:
        """Seed NumPy's global generator, from which loco-mujoco draws the model and the initial state."""
        self.loco_env.seed(int(seed))

    def reset(self, state: Optional[np.ndarray] = None) -> np.ndarray:
        """
        Reset: loco-mujoco draws the hidden weight or scale and an initial state from the dataset.

        Args:
            state (np.ndarray, None): passed to loco-mujoco (Atlas can start from an observation).

        Returns:
            The full observation.

        """
        obs = self.loco_env.reset(state)
        self._last_obs = obs
        return obs

    def step(self, action: np.ndarray) -> Tuple[np.ndarray, float, bool, dict]:
        """
        One control step of loco-mujoco (absorbing when the robot falls; the horizon is left to ``Core``).

        Raises:
            ValueError: if the action does not have the shape of the action space.

        """
        if np.shape(action) != self._action_shape:
            raise ValueError(f'Action shape mismatch: expected {self._action_shape}, got {np.shape(action)}.')
        return self.loco_env.step(action)

    def render(self, record: bool = False) -> Optional[np.ndarray]:
        return self.loco_env.render(record)

    def stop(self) -> None:
        self.loco_env.stop()

    # --------------------------------------------------------------------------------------------
    # Masks and the hidden quantity
    # --------------------------------------------------------------------------------------------
    @property
    def policy_obs_mask(self) -> np.ndarray:
        """
        Returns:
            loco-mujoco's ``get_mask`` hiding the weight or the scale (and the foot forces when used): True on
            the joint positions and velocities.

        """
        return self._policy_obs_mask.copy()

    @property
    def critic_obs_mask(self) -> np.ndarray:
        """
        Returns:
            All True: a privileged critic sees the whole observation.

        """
        return np.ones_like(self._policy_obs_mask, dtype=bool)

    def hidden_index_of(self, states: np.ndarray) -> np.ndarray:
        """
        Args:
            states (np.ndarray): full observations, shape ``(..., obs_dim)``.

        Returns:
            The index into ``spec.hidden_values`` of each state's weight or scale.

        """
        return self._decode(np.asarray(states)[..., self._hidden_idx])

    def hidden_value_of(self, states: np.ndarray) -> np.ndarray:
        """The weight [kg] or the scale of each full observation."""
        return np.asarray(self.spec.hidden_values)[self.hidden_index_of(states)]

    @property
    def hidden_value(self) -> float:
        """The weight [kg] or the scale of the current episode (drawn at the last reset)."""
        if self._last_obs is None:
            raise RuntimeError('hidden_value is drawn at reset; call reset() first.')
        return float(self.hidden_value_of(self._last_obs))

    def _decode(self, entries: np.ndarray) -> np.ndarray:
        if self.spec.hidden_group == 'weight':  # the weight itself
            weights = entries[..., 0]
            index = np.abs(weights[..., None] - np.asarray(self.spec.hidden_values)).argmin(axis=-1)
            return index
        bits = np.rint(entries).astype(int)  # the model index in binary, most significant bit first
        return (bits * (2 ** np.arange(bits.shape[-1] - 1, -1, -1))).sum(axis=-1)

    # ``launchers.run.checkpoint`` reads ``mdp.env.unwrapped.np_random`` (Gymnasium's layout).
    @property
    def env(self) -> 'LocoTaskEnv':
        return self

    @property
    def unwrapped(self) -> 'LocoTaskEnv':
        return self
