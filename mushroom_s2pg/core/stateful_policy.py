"""The stateful-policy interface shared by every agent of the package."""
from abc import ABCMeta, abstractmethod
from typing import Optional, Tuple

import numpy as np
import torch
from mushroom_rl.policy import Policy

from mushroom_s2pg.core.batch import TransitionBatch
from mushroom_s2pg.core.batch_inputs import BatchInputs, Outputs
from mushroom_s2pg.core.device import move_to
from mushroom_s2pg.core.interfaces import BatchEvaluation, PolicyStep
from mushroom_s2pg.core.standardizer import ObservationStandardizer

__all__ = ['StatefulPolicy']


class StatefulPolicy(Policy, metaclass=ABCMeta):
    """
    A policy pi(a, z' | o, z, a_prev) that carries an internal state z (``policy_state``), eq. (2) of the paper.

    The run-time interface follows MushroomRL 2.0: ``reset()`` returns z0 = 0 and
    ``draw_action(state, policy_state, prev_action)`` returns ``(action, next_policy_state)``. The previous
    action a_{t-1} is an extra input of the reference implementation; it is zero at the episode start.
    The policy receives the full state and selects the entries it may see with ``policy_obs_mask``, so that
    replay memories store the full state once for the privileged critic and the policy.

    What the algorithms use, and nothing else:

    - :meth:`evaluate_batch`: the policy at the steps t and t+1 of a replay batch, as :class:`PolicyStep`;
    - :meth:`observed_batch`: what the policy observes at t and t+1 (value functions on the policy's inputs);
    - :attr:`stochastic_policy_state`: whether z' is drawn by the policy (S2PG) rather than carried;
    - :attr:`replay_window_length`, :meth:`stored_policy_state`: what replay memories must provide and keep.

    How a batch becomes network inputs is the :class:`BatchInputs` strategy given by the variant; a
    subclass only turns its network's outputs into a :class:`PolicyStep` (:meth:`_step`).

    """
    def __init__(self, network: torch.nn.Module, inputs: BatchInputs, action_low: np.ndarray,
                 action_high: np.ndarray, policy_obs_mask: np.ndarray, stochastic_policy_state: bool,
                 standardizer: Optional[ObservationStandardizer] = None):
        """
        Constructor.

        Args:
            network (torch.nn.Module): the actor network, called as the ``inputs`` strategy prescribes;
            inputs (BatchInputs): how run-time steps and replay batches become network inputs;
            action_low, action_high (np.ndarray): the action bounds;
            policy_obs_mask (np.ndarray): boolean mask over the full state, True where the policy looks;
            stochastic_policy_state (bool): whether z' is sampled by the policy (S2PG), so that replay
                memories refresh stored z' and algorithms add its log-probability terms;
            standardizer (ObservationStandardizer, None): running standardisation of the state applied before
                the observation mask (the PPO family's), None for raw states.

        """
        self.network = network
        self.inputs = inputs
        self.policy_obs_mask = np.asarray(policy_obs_mask, dtype=bool)
        self.policy_state_shape = tuple(inputs.policy_state_shape(network, int(self.policy_obs_mask.sum())))
        self.action_shape = (len(action_low),)
        self.stochastic_policy_state = bool(stochastic_policy_state)
        self.deterministic = False
        self.standardizer = standardizer
        self._central_a = torch.as_tensor((action_high + action_low) / 2., dtype=torch.float32)
        self._delta_a = torch.as_tensor((action_high - action_low) / 2., dtype=torch.float32)
        self._obs_idx = torch.as_tensor(np.flatnonzero(self.policy_obs_mask))

        self._add_save_attr(
            network='pickle',
            inputs='pickle',
            policy_obs_mask='numpy',
            policy_state_shape='primitive',
            action_shape='primitive',
            stochastic_policy_state='primitive',
            deterministic='primitive',
            standardizer='pickle',
            _central_a='pickle',
            _delta_a='pickle',
            _obs_idx='pickle'
        )

    # ----- what replay memories and agents need -------------------------------------------------
    @property
    def replay_window_length(self) -> Optional[int]:
        """Length of the replay windows (``batch.window``) that :meth:`evaluate_batch` needs, or None."""
        return self.inputs.replay_window_length

    def stored_policy_state(self, policy_state: np.ndarray) -> np.ndarray:
        """The part of a batch of internal states kept in replay (nothing for observation windows)."""
        return self.inputs.stored_policy_state(policy_state)

    def parameters(self):
        return self.network.parameters()

    #: the policy's own tensors besides its network and standardiser, moved by :meth:`to` (subclasses add theirs)
    _device_tensors: Tuple[str, ...] = ('_central_a', '_delta_a', '_obs_idx')

    @property
    def device(self) -> torch.device:
        """The device of the policy's network and tensors."""
        return self._central_a.device

    def to(self, device: torch.device) -> 'StatefulPolicy':
        """Move the network, the standardiser and :attr:`_device_tensors` to ``device`` in place."""
        self.network.to(device)
        if self.standardizer is not None:
            self.standardizer.to(device)
        for name in self._device_tensors:
            move_to(getattr(self, name), device)
        return self

    # ----- maths helpers ----------------------------------------------------------------------
    def standardize(self, state: torch.Tensor) -> torch.Tensor:
        """(A batch of) full states as the policy's networks see them: standardised when it has a standardizer."""
        return state if self.standardizer is None else self.standardizer(state)

    def observation(self, state: torch.Tensor) -> torch.Tensor:
        """The entries of (a batch of) full states that the policy observes: the one masking path."""
        return self.standardize(state)[..., self._obs_idx]

    def scale_action(self, action_normalised: torch.Tensor) -> torch.Tensor:
        """Map [-1, 1] to the action bounds."""
        return action_normalised * self._delta_a + self._central_a

    def normalise_action(self, action: torch.Tensor) -> torch.Tensor:
        """Map the action bounds to [-1, 1]."""
        return (action - self._central_a) / self._delta_a

    # ----- the algorithms' interface ----------------------------------------------------------
    def evaluate_batch(self, batch: TransitionBatch, current: bool = True, next: bool = True,
                       network: Optional[torch.nn.Module] = None) -> BatchEvaluation:
        """
        The policy at a replay batch's stored steps t (with gradients, reparameterised samples for
        stochastic policies) and t+1 (without gradients), one network call per step or one unroll (BPTT).
        The step t+1 is drawn first.

        Args:
            batch (dict): torch tensors of a replay batch (with ``window`` when ``replay_window_length``);
            current (bool): whether to evaluate the step t;
            next (bool): whether to evaluate the step t+1;
            network (torch.nn.Module, None): another network of the same shape (e.g. a target network).

        """
        outputs_current, outputs_next = self.inputs.batch_outputs(self.network if network is None else network,
                                                                  self.observation, batch, current, next)
        with torch.no_grad():
            step_next = self._step(outputs_next, False) if next else None
        step_current = self._step(outputs_current, False) if current else None
        return BatchEvaluation(step_current, step_next)

    def observed_batch(self, batch: TransitionBatch) -> Tuple[torch.Tensor, torch.Tensor]:
        """What the policy observes at t and t+1 of a replay batch (an observation or a flattened window)."""
        return self.inputs.observed(self.observation, batch)

    @abstractmethod
    def _step(self, outputs: Outputs, deterministic: bool) -> PolicyStep:
        """The policy's step from its network's outputs: a sample, or the mean when ``deterministic``."""

    def _behaviour_step(self, outputs: Outputs) -> PolicyStep:
        """The step taken while acting (deterministic policies add their exploration noise here)."""
        return self._step(outputs, self.deterministic)

    # ----- run time ---------------------------------------------------------------------------
    def reset(self) -> np.ndarray:
        """
        Returns:
            The initial internal state z0 = 0 (section 2 of the paper).

        """
        return np.zeros(self.policy_state_shape, dtype=np.float32)

    def initial_prev_action(self) -> np.ndarray:
        return np.zeros(self.action_shape, dtype=np.float32)

    def draw_action(self, state: np.ndarray, policy_state: np.ndarray,
                    prev_action: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
        """
        Sample (a, z') ~ pi(. | o, z, a_prev) for one state.

        Args:
            state (np.ndarray): the full state (the policy applies its observation mask);
            policy_state (np.ndarray): the current internal state z;
            prev_action (np.ndarray, None): the previous action, zero when None.

        Returns:
            The action and the next internal state z'.

        """
        prev_action = self.initial_prev_action() if prev_action is None else prev_action
        device = self.device
        with torch.no_grad():
            outputs, carried = self.inputs.run_outputs(
                self.network, self.observation, torch.as_tensor(state, dtype=torch.float32, device=device)[None],
                torch.as_tensor(policy_state, dtype=torch.float32, device=device)[None],
                torch.as_tensor(prev_action, dtype=torch.float32, device=device)[None])
            step = self._behaviour_step(outputs)
        next_policy_state = carried if carried is not None else step.next_policy_state
        return step.action[0].cpu().numpy(), next_policy_state[0].cpu().numpy()

    def set_deterministic(self, deterministic: bool = True) -> None:
        """Draw the mean of (a, z') instead of a sample (evaluation)."""
        self.deterministic = bool(deterministic)
