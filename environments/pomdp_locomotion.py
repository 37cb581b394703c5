"""Partially observable MuJoCo locomotion tasks (velocities hidden from the policy).

The environments defined here are the Gymnasium ``<Name>-v5`` locomotion tasks with two additions:

- ``policy_obs_mask``: a boolean array as long as the observation, ``True`` where the policy may
  look. Joint velocities (and, for Humanoid, the center-of-mass inertia, the center-of-mass
  velocity and the actuator forces) are hidden. The observation returned by the environment is
  always the FULL state, for privileged critics; the policy input is
  ``masked_observation(full_state, policy_obs_mask)``.
- ``random_mass``: when enabled, every reset multiplies each body's mass independently by
  ``1 + c`` with ``c`` drawn from ``{-0.3, 0, +0.3}``; the vector of changes ``c`` is appended to
  the full state and is always hidden from the policy.

Importing this module does not register anything; call :func:`register_pomdp_envs` (the
``environments`` package does so on import).

"""
from typing import Any, Dict, Mapping, Optional, Tuple, Union

import gymnasium
import numpy as np
from gymnasium import spaces, utils
from gymnasium.envs.mujoco.ant_v5 import AntEnv
from gymnasium.envs.mujoco.half_cheetah_v5 import HalfCheetahEnv
from gymnasium.envs.mujoco.hopper_v5 import HopperEnv
from gymnasium.envs.mujoco.humanoid_v5 import HumanoidEnv
from gymnasium.envs.mujoco.walker2d_v5 import Walker2dEnv

from environments.observation_mask import PolicyObservationMask

__all__ = [
    'MASS_CHANGES',
    'POMDP_ENV_IDS',
    'POMDP_BASE_ENV_IDS',
    'VISIBLE_OBS_PARTS',
    'POMDPLocomotionMixin',
    'HalfCheetahPOMDPEnv',
    'HopperPOMDPEnv',
    'Walker2dPOMDPEnv',
    'AntPOMDPEnv',
    'HumanoidPOMDPEnv',
    'masked_observation',
    'register_pomdp_envs',
]

#: The relative mass changes ``c`` drawn (uniformly, independently per body) at every reset.
MASS_CHANGES: np.ndarray = np.array([-0.3, 0.0, 0.3])

#: Parts of the Gymnasium v5 ``observation_structure`` the policy may see. Every other part
#: (``qvel``, ``cinert``, ``cvel``, ``qfrc_actuator``, ``ten_velocity``, ``mass_change``) is hidden.
VISIBLE_OBS_PARTS: frozenset = frozenset({'qpos', 'cfrc_ext', 'ten_length'})

_MAX_EPISODE_STEPS = 1000


class POMDPLocomotionMixin(PolicyObservationMask):
    """
    Mixin turning a Gymnasium v5 MuJoCo locomotion environment into a POMDP task with optional
    mass randomisation. It must come before the Gymnasium environment class in the bases.

    """
    def __init__(self, random_mass: bool = False, **kwargs: Any):
        """
        Constructor.

        Args:
            random_mass (bool, False): whether to randomise the body masses at every reset and
                append the vector of mass changes to the (full-state) observation;
            **kwargs: keyword arguments of the wrapped Gymnasium v5 environment.

        """
        self._random_mass = bool(random_mass)
        self._mass_change: Optional[np.ndarray] = None

        super().__init__(**kwargs)

        # Record the constructor arguments for pickling/copying (the base class stored its own).
        utils.EzPickle.__init__(self, random_mass=random_mass, **kwargs)

        self._base_body_mass = self.model.body_mass.copy()
        self._mass_change = np.zeros(self.model.nbody - 1)

        structure = dict(self.observation_structure)
        if self._random_mass:
            structure['mass_change'] = self.model.nbody - 1
        self.observation_structure = structure

        self._policy_obs_mask = _mask_from_structure(structure)
        self.observation_space = spaces.Box(low=-np.inf, high=np.inf,
                                            shape=self._policy_obs_mask.shape, dtype=np.float64)

    @property
    def random_mass(self) -> bool:
        """
        Returns:
            Whether the body masses are randomised at every reset.

        """
        return self._random_mass

    @property
    def mass_change(self) -> np.ndarray:
        """
        Returns:
            The relative mass change ``c`` of every body but the world body (zeros when the
            masses are not randomised).

        """
        return self._mass_change.copy()

    @property
    def base_body_mass(self) -> np.ndarray:
        """
        Returns:
            The nominal body masses of the model, world body included.

        """
        return self._base_body_mass.copy()

    def reset_model(self) -> np.ndarray:
        """
        Randomise the masses (if enabled) and reset the model state.

        Returns:
            The full-state observation after the reset.

        """
        if self._random_mass:
            self._randomise_masses()
        return super().reset_model()

    def _randomise_masses(self) -> None:
        n_bodies = self.model.nbody - 1
        self._mass_change = self.np_random.choice(MASS_CHANGES, size=n_bodies)
        self.model.body_mass[:] = self._base_body_mass
        self.model.body_mass[1:] = self._base_body_mass[1:] * (1.0 + self._mass_change)

    def _get_obs(self) -> np.ndarray:
        obs = super()._get_obs()
        if self._random_mass:
            change = self._mass_change if self._mass_change is not None else np.zeros(self.model.nbody - 1)
            obs = np.concatenate((obs, change))
        return obs


def _mask_from_structure(structure: Mapping[str, int]) -> np.ndarray:
    """
    Build the policy observation mask from an ordered v5 ``observation_structure``.

    Args:
        structure (Mapping): ordered mapping from observation part to its size; the part
            ``skipped_qpos`` is not part of the observation.

    Returns:
        The boolean mask, ``True`` on the parts listed in ``VISIBLE_OBS_PARTS``.

    """
    pieces = [np.full(size, name in VISIBLE_OBS_PARTS, dtype=bool)
              for name, size in structure.items() if name != 'skipped_qpos']
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=bool)


class HalfCheetahPOMDPEnv(POMDPLocomotionMixin, HalfCheetahEnv):
    """HalfCheetah-v5 with velocities hidden from the policy (17 = 8 visible + 9 hidden)."""


class HopperPOMDPEnv(POMDPLocomotionMixin, HopperEnv):
    """Hopper-v5 with velocities hidden from the policy (11 = 5 visible + 6 hidden)."""


class Walker2dPOMDPEnv(POMDPLocomotionMixin, Walker2dEnv):
    """Walker2d-v5 with velocities hidden from the policy (17 = 8 visible + 9 hidden)."""


class AntPOMDPEnv(POMDPLocomotionMixin, AntEnv):
    """Ant-v5 with velocities hidden from the policy (105: 13 positions, 14 hidden velocities,
    78 contact forces)."""


class HumanoidPOMDPEnv(POMDPLocomotionMixin, HumanoidEnv):
    """Humanoid-v5 with velocities, com inertia, com velocity and actuator forces hidden (348:
    22 positions visible, 248 hidden, 78 external contact forces visible)."""


_POMDP_CLASSES: Dict[str, type] = {
    'HalfCheetahPOMDP-v5': HalfCheetahPOMDPEnv,
    'HopperPOMDP-v5': HopperPOMDPEnv,
    'Walker2dPOMDP-v5': Walker2dPOMDPEnv,
    'AntPOMDP-v5': AntPOMDPEnv,
    'HumanoidPOMDP-v5': HumanoidPOMDPEnv,
}

#: Ids of the POMDP locomotion environments, registered in Gymnasium by ``register_pomdp_envs``.
POMDP_ENV_IDS: Tuple[str, ...] = tuple(_POMDP_CLASSES)

#: The Gymnasium task each POMDP environment is built on.
POMDP_BASE_ENV_IDS: Dict[str, str] = {env_id: env_id.replace('POMDP', '') for env_id in POMDP_ENV_IDS}


def register_pomdp_envs() -> None:
    """
    Register the POMDP locomotion environments in Gymnasium. Calling it again has no effect.

    """
    for env_id, cls in _POMDP_CLASSES.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, entry_point=f'{__name__}:{cls.__name__}',
                               max_episode_steps=_MAX_EPISODE_STEPS)


def masked_observation(full_state: np.ndarray, mask: Union[np.ndarray, Any]) -> np.ndarray:
    """
    Select the entries of the full state that the policy may see.

    Args:
        full_state (np.ndarray): a full state of shape ``(n,)`` or a batch of shape ``(..., n)``;
        mask ([np.ndarray, object]): a boolean mask of shape ``(n,)``, or any object exposing a
            ``policy_obs_mask`` attribute (a ``GymnasiumEnv``, a POMDP Gymnasium environment or
            one of its wrappers).

    Returns:
        The masked observation(s), of shape ``(..., mask.sum())``.

    """
    if not isinstance(mask, np.ndarray):
        if hasattr(mask, 'get_wrapper_attr'):
            mask = mask.get_wrapper_attr('policy_obs_mask')
        elif hasattr(mask, 'policy_obs_mask'):
            mask = mask.policy_obs_mask
        else:
            mask = np.asarray(mask)
    mask = np.asarray(mask, dtype=bool)
    full_state = np.asarray(full_state)
    if mask.ndim != 1 or full_state.ndim == 0 or full_state.shape[-1] != mask.shape[0]:
        raise ValueError(f'Full state of shape {full_state.shape} does not match the policy '
                         f'observation mask of shape {mask.shape}.')
    return full_state[..., mask]
