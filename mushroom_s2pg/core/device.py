"""Where an agent's tensors live: the device option of every agent (``make_agent(..., device=...)``, ``--device``).

An agent is built on the CPU (so that its initial weights do not depend on the device) and moved with
``agent.to(device)``: networks, target networks, temperatures, optimizer states and the policy's constants. Replay
memories stay in host memory; a sampled batch is copied to the device once per update, and the refreshed internal
states come back once. Agents are saved from and loaded onto the CPU (``save`` moves them there for the file), so a
checkpoint written on a GPU loads on a machine without one.

"""
from typing import Any, Union

import torch

__all__ = ['DEVICE_TYPES', 'resolve_device', 'move_to']

#: The kinds of device an agent can run on.
DEVICE_TYPES = ('cpu', 'cuda')


def resolve_device(device: Union[str, torch.device], check_available: bool = True) -> torch.device:
    """
    The ``torch.device`` of a device name.

    Args:
        check_available (bool): whether a CUDA device must exist on this machine (not so where runs are only
            configured, e.g. a SLURM login node that submits GPU jobs).

    Raises:
        ValueError: for a name that is not ``cpu``, ``cuda`` or ``cuda:N``, or CUDA asked for where torch finds none;
            the message names the device.

    """
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError):
        resolved = None
    if resolved is None or resolved.type not in DEVICE_TYPES:
        raise ValueError(f"Unknown device {device!r}. Valid devices: cpu, cuda, cuda:N")
    if resolved.type == 'cuda' and check_available:
        if not torch.cuda.is_available():
            raise ValueError(f"The device {device!r} was asked for, but torch {torch.__version__} finds no CUDA device")
        if resolved.index is not None and resolved.index >= torch.cuda.device_count():
            raise ValueError(f"The device {device!r} was asked for, but torch finds {torch.cuda.device_count()} "
                             "CUDA device(s)")
    return resolved


def move_to(obj: Any, device: torch.device) -> Any:
    """
    Move one of an agent's torch objects to ``device`` in place, keeping its identity (optimizers keep pointing at the
    parameters they train): a module, an optimizer (its state), a tensor (its data), or an object with a ``to`` method
    that does the same (a temperature, a standardiser).

    Raises:
        TypeError: for an object of another kind.

    """
    if isinstance(obj, torch.nn.Module):
        obj.to(device)
    elif isinstance(obj, torch.optim.Optimizer):
        for state in obj.state.values():
            for key, value in state.items():
                if torch.is_tensor(value):
                    state[key] = value.to(device)
    elif torch.is_tensor(obj):
        obj.data = obj.data.to(device)
    elif callable(getattr(obj, 'to', None)):
        obj.to(device)
    else:
        raise TypeError(f'cannot move a {type(obj).__name__} to a device')
    return obj
