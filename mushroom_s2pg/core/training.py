"""Serialisation of torch state, loss bookkeeping and the non-finite-loss guard shared by all learners."""
import math
from typing import Any, ClassVar, Dict, Optional, Tuple, TypeVar, Union

import numpy as np
import torch

from mushroom_s2pg.core.batch import map_arrays
from mushroom_s2pg.core.device import move_to, resolve_device
from mushroom_s2pg.core.errors import NonFiniteLossError
from mushroom_s2pg.core.interfaces import checked_critic_obs_mask
from mushroom_s2pg.core.stateful_agent import StatefulAgent

__all__ = ['TrainableStatefulAgent', 'adam', 'to_torch']


Batch = TypeVar('Batch', bound=tuple)


def to_torch(batch: Batch, device: Optional[torch.device] = None) -> Batch:
    """
    A numpy :class:`~mushroom_s2pg.core.batch.TransitionBatch` (or :class:`~mushroom_s2pg.core.batch.Windows`) as
    torch tensors, booleans as floats: on the CPU sharing the arrays' memory, on another ``device`` copied there.

    """
    def convert(value: np.ndarray) -> torch.Tensor:
        tensor = torch.from_numpy(value)
        if device is not None and device.type != 'cpu':
            tensor = tensor.to(device, non_blocking=True)
        return tensor.float() if tensor.dtype == torch.bool else tensor
    return map_arrays(batch, convert)


def adam(parameters, lr: float) -> torch.optim.Adam:
    """Adam with torch's fused CPU kernel (several times faster than the per-tensor loop for small nets)."""
    return torch.optim.Adam(list(parameters), lr=lr, fused=True)


class TrainableStatefulAgent(StatefulAgent):
    """
    A stateful agent with torch networks. Its torch objects (policy, networks, optimizers, temperatures)
    are saved together in one pickle, so that the optimizers keep pointing at the parameters they train
    after ``Agent.load``; every loss goes through ``_check_finite``, which stops training with
    :class:`NonFiniteLossError` on NaN or infinity. Agents are built on the CPU; :meth:`to` moves every torch object
    to a device (:mod:`mushroom_s2pg.core.device`), and :meth:`save` writes them from the CPU. The agent holds the
    ``critic_obs_mask`` of its privileged critics (saved with it): they see ``state[..., critic_obs_mask]``
    (:class:`~mushroom_s2pg.core.interfaces.CriticInput`), its policy sees ``policy_obs_mask``.

    """
    #: Constructor arguments the class accepts (through its maths class) but does not use, e.g. the temperature of
    #: a sampled internal state in a variant whose internal state is not sampled; the registry refuses them as
    #: overrides (:func:`mushroom_s2pg.algorithms.check_hyperparameters`).
    UNUSED_HYPERPARAMETERS: ClassVar[Tuple[str, ...]] = ()
    #: The constructor arguments a user may set (``mushroom_s2pg.algorithms.hyperparameters.Hyperparameter``
    #: declarations, read by the registry); each algorithm class declares its own.
    HYPERPARAMETERS: ClassVar[Tuple[Any, ...]] = ()
    #: Whether the class imitates demonstrations: its constructor takes ``expert_data``
    #: (a :class:`mushroom_s2pg.expert_data.ExpertData`) and it has a ``usable_expert_data`` check.
    IMITATES_EXPERT_DATA: ClassVar[bool] = False
    #: class default for agents saved before the device option existed
    _device = 'cpu'
    #: class default for agents saved before the critic mask existed (their critics saw the full state)
    _critic_obs_mask: Optional[np.ndarray] = None

    def __init__(self, mdp_info, policy, features=None, critic_obs_mask: Optional[np.ndarray] = None):
        super().__init__(mdp_info, policy, features)
        self._critic_obs_mask = checked_critic_obs_mask(critic_obs_mask, self._obs_shape)
        self._n_updates = 0
        self._last_losses: Dict[str, float] = dict()
        self._add_save_attr(_n_updates='primitive', _last_losses='pickle', _critic_obs_mask='numpy')

    @property
    def critic_obs_mask(self) -> np.ndarray:
        """The entries of the full state that the agent's privileged critics see (a copy)."""
        return checked_critic_obs_mask(self._critic_obs_mask, self._obs_shape)

    @property
    def device(self) -> torch.device:
        """The device of the agent's networks, optimizers and update batches."""
        return torch.device(self._device)

    def to(self, device: Union[str, torch.device]) -> 'TrainableStatefulAgent':
        """
        Move the policy and every registered torch object (networks, temperatures, optimizer states) to ``device``,
        in place; returns the agent.

        Raises:
            ValueError: for an unknown device or CUDA without a CUDA device (the message names it).

        """
        device = resolve_device(device)
        self.policy.to(device)
        for name in self._torch_attribute_names:
            if name != 'policy':
                move_to(getattr(self, name), device)
        self._device = str(device)
        return self

    def save(self, path, full_save: bool = False) -> None:
        """MushroomRL's ``save``, from the CPU: the file loads on any machine; the agent stays on its device."""
        device = self.device
        if device.type != 'cpu':
            self.to('cpu')
        try:
            super().save(path, full_save=full_save)
        finally:
            if device.type != 'cpu':
                self.to(device)

    _torch_attribute_names: Tuple[str, ...] = ()

    def _register_torch_state(self, *names: str) -> None:
        """Save ``policy`` and the given torch attributes together in one pickle."""
        self._torch_attribute_names = ('policy',) + tuple(names)
        for name in self._torch_attribute_names:
            self._save_attributes.pop(name, None)
        self._add_save_attr(_torch_attribute_names='primitive', _torch_state='pickle')

    @property
    def _torch_state(self) -> Dict[str, object]:
        return {name: getattr(self, name) for name in self._torch_attribute_names}

    @_torch_state.setter
    def _torch_state(self, value: Optional[Dict[str, object]]) -> None:
        for name, obj in (value or {}).items():
            setattr(self, name, obj)

    @property
    def last_losses(self) -> Dict[str, float]:
        """The losses of the last update, as floats (for logging)."""
        return dict(self._last_losses)

    @staticmethod
    def _optimize(optimizer: torch.optim.Optimizer, loss: torch.Tensor, inputs=None) -> torch.Tensor:
        """One gradient step on ``loss`` (gradients only into ``inputs`` when given); returns the detached loss."""
        optimizer.zero_grad(set_to_none=True)
        loss.backward(inputs=inputs)
        optimizer.step()
        return loss.detach()

    def _check_finite(self, losses: Dict[str, torch.Tensor]) -> None:
        values = {name: float(loss) for name, loss in losses.items()}
        self._last_losses = values
        for name, value in values.items():
            if not math.isfinite(value):
                raise NonFiniteLossError(
                    f'{type(self).__name__}: the {name} loss is {value} at update {self._n_updates}; '
                    'training stopped (check learning rates, rewards and observations)')

