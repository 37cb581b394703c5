"""Expert demonstrations: the one type the imitation algorithms take and the loaders of ``environments`` return,
and the one error of expert data.

:class:`ExpertData` holds expert transitions episode after episode: ``states`` and ``next_states`` always,
``actions`` and ``absorbing`` when the source has them (LS-IQ needs both, GAIL neither). Its construction checks
the shapes, flags and finiteness of the arrays; :meth:`ExpertData.located` (the columns within a task's state)
and :meth:`ExpertData.checked` (full states and actions of a task's sizes) check them against a task. Every
failure raises :class:`ExpertDataError`, whose message names the file when the data come from one.

This module imports nothing of the project, so that both ``environments`` and ``mushroom_s2pg.algorithms`` may
import it.

"""
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

__all__ = ['ExpertData', 'ExpertDataError']


class ExpertDataError(ValueError):
    """Expert data that cannot serve a run (missing, unreadable, wrong keys, shapes or values, or without what
    an algorithm needs); the message names the file when there is one."""


@dataclass(frozen=True, eq=False)
class ExpertData:
    """
    Expert transitions, episode after episode (arrays read-only; states, next states and actions as float32).

    Attributes:
        states (np.ndarray): ``(N, d)``;
        next_states (np.ndarray): ``(N, d)`` their successors;
        episode_starts (np.ndarray, None): ``(N,)`` bool, True on the first transition of each episode (None: the
            first row and the row after every ``last``);
        last (np.ndarray, None): ``(N,)`` bool, True on the last transition of each episode (None: the row before
            every episode start, and the last row); one of ``episode_starts`` and ``last`` must be given;
        actions (np.ndarray, None): ``(N, action_dim)``, None when the source has none (motion capture);
        absorbing (np.ndarray, None): ``(N,)`` bool, None when unknown;
        obs_mask (np.ndarray, None): boolean mask over a task's full state, True on the ``d`` entries the columns
            hold (in order); None until :meth:`located` resolves it for a task;
        env_id (str): the task the data were read for ('' when built by hand);
        source (str): ``'perfect'`` (a perfect-format file), ``'full'`` or ``'mini'`` (motion capture), or '';
        path (str): the file read, or ''.

    Raises:
        ExpertDataError: for arrays of inconsistent shapes, flags that do not start an episode on the first row,
            non-finite values, or an ``obs_mask`` that does not select ``d`` entries.

    """
    states: np.ndarray
    next_states: np.ndarray
    episode_starts: Optional[np.ndarray] = None
    last: Optional[np.ndarray] = None
    actions: Optional[np.ndarray] = None
    absorbing: Optional[np.ndarray] = None
    obs_mask: Optional[np.ndarray] = None
    env_id: str = ''
    source: str = ''
    path: str = ''

    def __post_init__(self):
        states = np.array(self.states, dtype=np.float32)
        if states.ndim != 2 or len(states) == 0:
            raise self.error(f'states must be a non-empty (N, d) array, got shape {states.shape}')
        n = len(states)
        arrays = dict(states=states, next_states=np.array(self.next_states, dtype=np.float32))
        if arrays['next_states'].shape != states.shape:
            raise self.error(f'next_states have shape {arrays["next_states"].shape}, states {states.shape}')
        if self.actions is not None:
            actions = np.array(self.actions, dtype=np.float32)
            arrays['actions'] = actions.reshape(n, -1) if actions.ndim == 1 and len(actions) == n else actions
            if arrays['actions'].ndim != 2 or len(arrays['actions']) != n:
                raise self.error(f'actions have shape {actions.shape}, expected ({n}, action_dim)')
        for name in ('states', 'next_states', 'actions'):
            if name in arrays and not np.all(np.isfinite(arrays[name])):
                raise self.error(f'{name} hold non-finite values')
        arrays.update(self._flags(n))
        if self.obs_mask is not None:
            arrays['obs_mask'] = np.array(self.obs_mask, dtype=bool).reshape(-1)
            if int(arrays['obs_mask'].sum()) != states.shape[1]:
                raise self.error(f'obs_mask selects {int(arrays["obs_mask"].sum())} entries, the states have '
                                 f'{states.shape[1]}')
        for name, value in arrays.items():
            value.setflags(write=False)
            object.__setattr__(self, name, value)

    def _flags(self, n: int):
        """The episode flags, each of shape ``(n,)``, ``episode_starts`` and ``last`` completed from each other."""
        flags = {name: np.array(getattr(self, name), dtype=bool).reshape(-1)
                 for name in ('episode_starts', 'last', 'absorbing') if getattr(self, name) is not None}
        for name, value in flags.items():
            if value.shape != (n,):
                raise self.error(f'{name} has shape {value.shape}, expected ({n},)')
        if 'episode_starts' not in flags and 'last' not in flags:
            raise self.error('give episode_starts or last (where the episodes start or end)')
        if 'episode_starts' not in flags:
            flags['episode_starts'] = np.concatenate([[True], flags['last'][:-1]])
        if 'last' not in flags:
            flags['last'] = np.concatenate([flags['episode_starts'][1:], [True]])
        if not flags['episode_starts'][0]:
            raise self.error('episode_starts[0] must be True: the data must begin with an episode start')
        return flags

    def error(self, text: str) -> ExpertDataError:
        """An :class:`ExpertDataError` naming the file (when there is one)."""
        where = getattr(self, 'path', '')
        return ExpertDataError(f'{where}: expert data: {text}' if where else f'expert data: {text}')

    @property
    def n_samples(self) -> int:
        return int(len(self.states))

    @property
    def n_episodes(self) -> int:
        return int(self.episode_starts.sum())

    @property
    def full_state(self) -> bool:
        """Whether the rows are known to be a task's full observation (``obs_mask`` set and all True)."""
        return self.obs_mask is not None and bool(self.obs_mask.all())

    def _replaced(self, **changes) -> 'ExpertData':
        fields = dict(states=self.states, next_states=self.next_states, episode_starts=self.episode_starts,
                      last=self.last, actions=self.actions, absorbing=self.absorbing, obs_mask=self.obs_mask,
                      env_id=self.env_id, source=self.source, path=self.path)
        fields.update(changes)
        return ExpertData(**fields)

    def located(self, state_dim: int, policy_obs_mask: np.ndarray) -> 'ExpertData':
        """
        The same data with ``obs_mask`` resolved for a task whose full state has ``state_dim`` entries: kept when
        set, else all entries when the rows are full states, else the task's ``policy_obs_mask`` when the rows are
        what the policy observes (motion-capture data).

        Raises:
            ExpertDataError: when the mask or the width of the rows fits neither.

        """
        if self.obs_mask is not None:
            if self.obs_mask.shape != (state_dim,):
                raise self.error(f'obs_mask has shape {self.obs_mask.shape}, the task\'s state ({state_dim},)')
            return self
        policy_obs_mask = np.asarray(policy_obs_mask, dtype=bool)
        width = self.states.shape[1]
        if width == state_dim:
            mask = np.ones(state_dim, dtype=bool)
        elif width == int(policy_obs_mask.sum()):
            mask = policy_obs_mask
        else:
            raise self.error(f'states have {width} entries; the task has {state_dim} state entries of which the '
                             f'policy observes {int(policy_obs_mask.sum())}: give ExpertData.obs_mask')
        return self._replaced(obs_mask=mask)

    def require(self, names: Sequence[str], hint: str = '') -> 'ExpertData':
        """
        Returns:
            The data themselves, when they hold each optional array of ``names`` (e.g. ``('actions', 'absorbing')``).

        Raises:
            ExpertDataError: naming the first one missing, followed by ``hint`` (how to get it).

        """
        for name in names:
            if getattr(self, name) is None:
                raise self.error(f'no {name}. {hint}'.rstrip())
        return self

    def checked(self, state_dim: int, action_dim: int, hint: str = '') -> 'ExpertData':
        """
        Check transitions with actions against a task: full states of ``state_dim`` entries, actions of
        ``action_dim`` entries and the absorbing flags (what LS-IQ learns from).

        Args:
            state_dim (int): the task's full state size;
            action_dim (int): its action size;
            hint (str, ''): appended to the message when actions or absorbing flags are missing (how to get them).

        Returns:
            The data themselves.

        Raises:
            ExpertDataError: naming what is missing or of the wrong size.

        """
        self.require(('actions', 'absorbing'), hint)
        if self.states.shape[1] != state_dim:
            raise self.error(f'states have {self.states.shape[1]} entries, the task\'s full state {state_dim}: the '
                             'data must hold full states (as the files of launchers/tools/make_expert_data.py do), not '
                             'the policy\'s observations (motion capture)')
        if self.actions.shape[1] != action_dim:
            raise self.error(f'actions have {self.actions.shape[1]} entries, the task\'s actions {action_dim}')
        return self
