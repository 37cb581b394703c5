"""Partially observable MuJoCo locomotion tasks (velocities hidden from the policy).

The environments defined here are the Gymnasium ``<Name>-v5`` locomotion tasks with two additions:

- ``policy_obs_mask``: a boolean array as long as the observation, ``True`` where the policy may
  look. Joint velocities (and, for Humanoid, the center-of-mass inertia, the center-of-mass
  velocity and, by default, the actuator forces) are hidden. The observation returned by the
  environment is always the FULL state, for privileged critics; the policy input is
  ``masked_observation(full_state, policy_obs_mask)``.
- ``hide_actuator_forces`` (default ``True``): whether the actuator forces (``qfrc_actuator``,
  only part of the Humanoid observation) are hidden from the policy. ``True`` is the mask of the
  reference's privileged-information experiments (velocities, com inertia, com velocity and
  actuator forces hidden); ``False`` is the mask of its non-privileged (PPO) experiments, which
  hide velocities, com inertia and com velocity only. The full state is the same either way; on
  the other tasks the option changes nothing (their observations hold no actuator forces).
- ``random_mass``: when enabled, every reset multiplies each body's mass independently by
  ``1 + c`` with ``c`` drawn from ``{-0.3, 0, +0.3}`` and, as the reference wrapper does, scales
  the first size parameter (``geom_size[:, 0]``: the radius of spheres, capsules and cylinders,
  the x half-size of boxes) of every geom of that body by the same ``1 + c``; geom positions and
  the other size parameters are unchanged, the world body (floor) is never changed. Masses and
  sizes are computed from the nominal model at every reset (no drift across resets). MuJoCo does
  not recompute the bounding spheres and boxes it culls collision pairs with, so they are scaled
  by ``max(1, 1 + c)`` too (without this an enlarged geom could miss contacts; the reference set
  ``geom_size`` only). The vector of changes ``c`` (one per body but the world body) is appended
  to the full state and is always hidden from the policy.

Importing this module does not register anything; call :func:`register_pomdp_envs` (the
``environments`` package does so on import).

"""
from typing import AbstractSet, Any, Dict, Mapping, Optional, Tuple, Union

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
    'ACTUATOR_FORCES_PART',
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

#: Parts of the Gymnasium v5 ``observation_structure`` the policy may see (default mask). Every other
#: part (``qvel``, ``cinert``, ``cvel``, ``qfrc_actuator``, ``ten_velocity``, ``mass_change``) is hidden.
VISIBLE_OBS_PARTS: frozenset = frozenset({'qpos', 'cfrc_ext', 'ten_length'})

#: The observation part made visible by ``hide_actuator_forces=False``.
ACTUATOR_FORCES_PART = 'qfrc_actuator'

_MAX_EPISODE_STEPS = 1000


class POMDPLocomotionMixin(PolicyObservationMask):
    """
    Mixin turning a Gymnasium v5 MuJoCo locomotion environment into a POMDP task with optional
    mass randomisation. It must come before the Gymnasium environment class in the bases.

    """
    def __init__(self, random_mass: bool = False, hide_actuator_forces: bool = True, **kwargs: Any):
        """
        Constructor.

        Args:
            random_mass (bool, False): whether to randomise the body masses (and the geom sizes
                with them) at every reset and append the vector of mass changes to the
                (full-state) observation;
            hide_actuator_forces (bool, True): whether the actuator forces are hidden from the
                policy (reference privileged setting) or visible (reference non-privileged / PPO
                setting); only the Humanoid observation holds actuator forces;
            **kwargs: keyword arguments of the wrapped Gymnasium v5 environment.

        """
        self._random_mass = bool(random_mass)
        self._hide_actuator_forces = bool(hide_actuator_forces)
        self._mass_change: Optional[np.ndarray] = None

        super().__init__(**kwargs)

        # Record the constructor arguments for pickling/copying (the base class stored its own).
        utils.EzPickle.__init__(self, random_mass=random_mass,
                                hide_actuator_forces=hide_actuator_forces, **kwargs)

        self._base_body_mass = self.model.body_mass.copy()
        self._base_geom_size = self.model.geom_size.copy()
        self._base_geom_rbound = self.model.geom_rbound.copy()
        self._base_geom_aabb = self.model.geom_aabb.copy()
        self._mass_change = np.zeros(self.model.nbody - 1)

        structure = dict(self.observation_structure)
        if self._random_mass:
            structure['mass_change'] = self.model.nbody - 1
        self.observation_structure = structure

        visible = VISIBLE_OBS_PARTS
        if not self._hide_actuator_forces:
            visible = visible | {ACTUATOR_FORCES_PART}
        self._policy_obs_mask = _mask_from_structure(structure, visible)
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
    def hide_actuator_forces(self) -> bool:
        """
        Returns:
            Whether the actuator forces (Humanoid only) are hidden from the policy.

        """
        return self._hide_actuator_forces

    @property
    def mass_change(self) -> np.ndarray:
        """
        Returns:
            The relative mass change ``c`` of every body but the world body (zeros when the
            masses are not randomised).

        """
        return self._mass_change.copy()

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
        model = self.model
        n_bodies = model.nbody - 1
        self._mass_change = self.np_random.choice(MASS_CHANGES, size=n_bodies)
        body_factor = np.concatenate(([1.0], 1.0 + self._mass_change))  # world body unchanged
        model.body_mass[:] = self._base_body_mass * body_factor

        # Every geom of a body gets its body's factor on its first size parameter (as the
        # reference wrapper). MuJoCo culls collision pairs with the geoms' bounding sphere and box,
        # which it does not recompute when geom_size changes: scale them by max(1, factor) (an
        # upper bound of the new extent) so that enlarged geoms still make contact.
        geom_factor = body_factor[model.geom_bodyid]
        model.geom_size[:] = self._base_geom_size
        model.geom_size[:, 0] = self._base_geom_size[:, 0] * geom_factor
        bound_factor = np.maximum(geom_factor, 1.0)
        model.geom_rbound[:] = self._base_geom_rbound * bound_factor
        model.geom_aabb[:] = self._base_geom_aabb
        model.geom_aabb[:, 3:] = self._base_geom_aabb[:, 3:] * bound_factor[:, None]

    def _get_obs(self) -> np.ndarray:
        obs = super()._get_obs()
        if self._random_mass:
            change = self._mass_change if self._mass_change is not None else np.zeros(self.model.nbody - 1)
            obs = np.concatenate((obs, change))
        return obs


def _mask_from_structure(structure: Mapping[str, int],
                         visible: AbstractSet[str] = VISIBLE_OBS_PARTS) -> np.ndarray:
    """
    Build the policy observation mask from an ordered v5 ``observation_structure``.

    Args:
        structure (Mapping): ordered mapping from observation part to its size; the part
            ``skipped_qpos`` is not part of the observation;
        visible (AbstractSet, VISIBLE_OBS_PARTS): the parts the policy may see.

    Returns:
        The boolean mask, ``True`` on the parts listed in ``visible``.

    """
    pieces = [np.full(size, name in visible, dtype=bool)
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
    22 positions visible, 248 hidden, 78 external contact forces visible); with
    ``hide_actuator_forces=False`` the 17 actuator forces are visible too (117 visible, 231 hidden)."""


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
