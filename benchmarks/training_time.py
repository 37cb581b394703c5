"""Training-time benchmark: cost of a training step of every SAC / TD3 variant, and of a PPO fit.

Off-policy (SAC_*, TD3_*, and MushroomRL's plain SAC / TD3): a *training step* is what
``Core.learn(n_steps=N, n_steps_per_fit=1)`` does once the replay memory is initialised and the actor
warm-up is over: one action drawn by the agent, one environment step, one ``agent.fit`` with a full update
(critic + actor + temperature(s) + targets). Reported in seconds per 1000 training steps (the paper's
Tables 1-2).

On-policy (PPO_*): a *fit block* is ``Core.learn(n_steps=F, n_steps_per_fit=F)`` with the agent's
``n_steps_per_fit`` F (2000): F environment steps, then one fit (GAE, then ``n_epochs`` = 10 passes of
minibatch 32 over the rollout). Reported in seconds per 1M environment steps (block time x 1e6 / F).

Every (env, variant) pair gets its own environment, agent and Core. All pairs are first warmed up
(untimed), then timed side by side in ONE process: ``for rep: for (env, variant) in (rotated) pairs: time
one block``. Interleaving spreads machine noise (other processes, thermal drift) evenly over the variants
and the environments; the order is rotated every repetition so that no pair always runs first. The median
over the blocks is reported per pair, for wall time (``time.perf_counter``) and CPU time of the process
(``time.process_time``, robust to other processes competing for the cores). The Core used here continues
the running episode across blocks (MushroomRL's Core resets the environment at every ``learn`` call),
so episodes keep their natural length (1000 steps on HalfCheetah) and BPTT windows their full length.

Usage::

    .venv/bin/python benchmarks/training_time.py --quick     # ~5-7 min on 2 loaded cores
    .venv/bin/python benchmarks/training_time.py             # full, ~17 min
    .venv/bin/python benchmarks/training_time.py --envs HalfCheetahPOMDP-v5 --families sac,td3
    .venv/bin/python benchmarks/training_time.py --variants SAC_RS SAC SAC_VANILLA --reps 7
    .venv/bin/python benchmarks/training_time.py --quick --profile SAC_RS SAC   # + cProfile of one block each

Writes ``training_time[_quick].json`` (machine info, versions, threads, every sample, medians, factors,
window and gradient checks) and ``training_time[_quick].md`` (the tables) to ``--out-dir`` (default
``benchmarks/results/``), prints the tables, then one line per variant and env
``ratio <variant>/<vanilla> [<env>]: <x>`` (ratio of the wall medians, vanilla = SAC_VANILLA / TD3_VANILLA /
PPO_VANILLA; PPO lines last), and as its LAST line ``ratio SAC_RS/SAC: <x>`` (SAC_RS over MushroomRL's
SAC on HalfCheetahPOMDP-v5, or the first env when HalfCheetah is not timed; ``n/a`` when one is missing).

Variants are entries of :data:`VARIANTS` (label -> :class:`Variant`); a new algorithm of the package
registry is one line, see benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mushroom_rl.algorithms.actor_critic import SAC, TD3  # noqa: E402
from mushroom_rl.core import Core, Environment, MDPInfo  # noqa: E402
from mushroom_rl.policy import ClippedGaussianPolicy  # noqa: E402
from mushroom_rl.utils.spaces import Box  # noqa: E402

from environments import make_env  # noqa: E402
from mushroom_s2pg.algorithms import default_hyperparameters, hyperparameter_names, make_agent  # noqa: E402

DEFAULT_ENVS = ('HalfCheetahPOMDP-v5', 'AntPOMDP-v5')
FAMILIES = ('sac', 'td3', 'ppo')
#: many short interleaved blocks resist bursts of load from other processes better than a few long ones
FULL = dict(steps=200, reps=6, warmup_updates=100, ppo_fits=3)
QUICK = dict(steps=75, reps=4, warmup_updates=40, ppo_fits=1)
#: replay sizes of the benchmark (both for the package's agents and MushroomRL's): timing starts early,
#: with >= 1000 steps of one full HalfCheetah episode in the replay memory (windows of 32 are full)
REPLAY_WARMUP = 1000
#: untimed PPO warm-up: one fit on this many steps (or the fit size when smaller)
PPO_WARMUP_STEPS = 256
RATIO = ('SAC_RS', 'SAC')
RATIO_ENV = 'HalfCheetahPOMDP-v5'
#: targets checked in the report: RS at most 1.3x vanilla; paper: BPTT-32 at least 3x RS
RS_TARGET = 1.3
BPTT_CLAIM = 3.


# ----------------------------------------------------------------------------------------------------------
# MushroomRL baselines: MLP networks, masked-observation environment
# ----------------------------------------------------------------------------------------------------------
def _mlp(input_dim: int, output_dim: int, n_features: Sequence[int]) -> nn.Sequential:
    layers: List[nn.Module] = []
    width = input_dim
    for n in n_features:
        layers += [nn.Linear(width, n), nn.ReLU()]
        width = n
    layers.append(nn.Linear(width, output_dim))
    return nn.Sequential(*layers)


class ActorMLP(nn.Module):
    """MushroomRL-style actor network (state -> output), hidden layers ``n_features``; optional tanh output."""
    def __init__(self, input_shape, output_shape, n_features=(256, 256), tanh_output=False, **kwargs):
        super().__init__()
        self.mlp = _mlp(input_shape[-1], output_shape[0], n_features)
        self.tanh_output = tanh_output

    def forward(self, state: torch.Tensor) -> torch.Tensor:
        out = self.mlp(state.float())
        return torch.tanh(out) if self.tanh_output else out


class CriticMLP(nn.Module):
    """MushroomRL-style critic network Q(s, a) -> (batch,), hidden layers ``n_features``."""
    def __init__(self, input_shape, output_shape, n_features=(128, 128), **kwargs):
        super().__init__()
        self.mlp = _mlp(input_shape[-1], output_shape[0], n_features)

    def forward(self, state: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        return self.mlp(torch.cat([state.float(), action.float()], dim=1)).squeeze(-1)


class MaskedObservationEnv(Environment):
    """
    The POMDP task as a plain MushroomRL environment: observations are ``full_state[policy_obs_mask]``.
    MushroomRL's SAC/TD3 then see the masked observation in the actor AND the critic (vanilla, stateless
    agents on the POMDP).

    """
    def __init__(self, env: Environment, mask: np.ndarray):
        self.env = env
        self._mask = np.flatnonzero(np.asarray(mask, dtype=bool))
        space = env.info.observation_space
        info = env.info
        observation_space = Box(low=space.low[self._mask], high=space.high[self._mask])
        super().__init__(MDPInfo(observation_space, info.action_space, info.gamma, info.horizon, info.dt))

    def seed(self, seed: int) -> None:
        self.env.seed(seed)

    def reset(self, state=None) -> np.ndarray:
        return self.env.reset(state)[self._mask]

    def step(self, action):
        obs, reward, absorbing, info = self.env.step(action)
        return obs[self._mask], reward, absorbing, info

    def render(self, record=False):
        return self.env.render(record)

    def stop(self) -> None:
        self.env.stop()


class ContinuingCore(Core):
    """
    MushroomRL's Core, except that a ``learn`` call continues the episode the previous call left running
    instead of resetting the environment: consecutive blocks behave like one long ``learn`` call (episodes
    keep their natural length, the agents see no artificial episode cuts).

    """
    def __init__(self, agent, mdp):
        super().__init__(agent, mdp)
        self._episode_over = True
        self._resume = False

    def _run_impl(self, *args, **kwargs):
        self._resume = self._state is not None and not self._episode_over
        return super()._run_impl(*args, **kwargs)

    def reset(self, initial_states=None):
        if self._resume:
            self._resume = False
            return
        super().reset(initial_states)

    def _step(self, render, record):
        sample, step_info = super()._step(render, record)
        self._episode_over = bool(sample[-1])
        return sample, step_info


# ----------------------------------------------------------------------------------------------------------
# Variant registry
# ----------------------------------------------------------------------------------------------------------
Factory = Callable[[Environment, str, Dict[str, Any]], Tuple[Any, Environment]]


@dataclass(frozen=True)
class Variant:
    """
    A benchmarked agent.

    Attributes:
        factory: ``factory(env, env_id, common)`` -> ``(agent, mdp)``; ``env`` is a fresh project
            environment, ``common`` the benchmark's settings (replay sizes; PPO fit size and epochs; only
            the ones the algorithm accepts are used), ``mdp`` the environment the agent runs on;
        family: ``'sac'``, ``'td3'`` or ``'ppo'``; every variant is compared with its family's vanilla
            (``SAC_VANILLA``, ``TD3_VANILLA``, ``PPO_VANILLA``);
        baselines: further labels it is compared with (ratio of medians) when they are timed too;
        description: one line for the table;
        window: length of the observation window / BPTT truncation (0: none), checked after timing;
        bptt: whether the gradient must flow through the whole window (checked after timing).

    """
    factory: Factory
    family: str
    baselines: Tuple[str, ...] = ()
    description: str = ''
    window: int = 0
    bptt: bool = False

    @property
    def on_policy(self) -> bool:
        return self.family == 'ppo'


def package_variant(name: str, baselines: Tuple[str, ...] = (), **overrides: Any) -> Variant:
    """A variant of the package registry (``make_agent(name, ...)``) with the benchmark's settings."""
    def factory(env, env_id, common):
        valid = set(hyperparameter_names(name))
        kwargs = {k: v for k, v in common.items() if k in valid and v is not None}
        kwargs.update(overrides)
        return make_agent(name, env.info, env.policy_obs_mask, env_id, **kwargs), env
    extra = ''.join(f', {k}={v}' for k, v in overrides.items())
    window = int(overrides.get('truncation_length', overrides.get('window_length', 0)))
    return Variant(factory, name.split('_')[0].lower(), tuple(baselines), f'mushroom_s2pg {name}{extra}',
                   window, 'BPTT' in name)


def mushroom_sac(env: Environment, env_id: str, common: Dict[str, Any]):
    """
    MushroomRL's SAC on the masked observation with SAC_RS's widths and hyperparameters: mu and sigma are
    two separate MLPs 256-256 (MushroomRL's SACPolicy needs two approximators; SAC_RS's actor features
    and head are 256 wide), twin critics MLP 128-128 (SAC_RS's critic encoders and MLP are 128 wide).

    """
    hp = default_hyperparameters('SAC_RS', env_id)
    mdp = MaskedObservationEnv(env, env.policy_obs_mask)
    obs_shape, action_shape = mdp.info.observation_space.shape, mdp.info.action_space.shape
    actor = dict(network=ActorMLP, n_features=(256, 256), input_shape=obs_shape, output_shape=action_shape)
    critic = dict(network=CriticMLP, n_features=(128, 128), loss=F.mse_loss,
                  optimizer={'class': torch.optim.Adam, 'params': {'lr': hp['lr_critic']}},
                  input_shape=(obs_shape[0] + action_shape[0],), output_shape=(1,))
    agent = SAC(mdp.info, actor, dict(actor), {'class': torch.optim.Adam, 'params': {'lr': hp['lr_actor']}},
                critic, batch_size=hp['batch_size'], initial_replay_size=common['initial_replay_size'],
                max_replay_size=hp['max_replay_size'], warmup_transitions=common['warmup_transitions'],
                tau=hp['tau'], lr_alpha=hp['lr_alpha'], log_std_min=hp['log_std_min'],
                log_std_max=hp['log_std_max'])
    return agent, mdp


def mushroom_td3(env: Environment, env_id: str, common: Dict[str, Any]):
    """
    MushroomRL's TD3 on the masked observation with TD3_RS's widths and hyperparameters: actor MLP
    128-128 with tanh output (TD3_RS's features are 128 wide), twin critics MLP 128-128,
    exploration ClippedGaussianPolicy with TD3_RS's action std (scaled to the action bounds).

    """
    hp = default_hyperparameters('TD3_RS', env_id)
    mdp = MaskedObservationEnv(env, env.policy_obs_mask)
    obs_shape, action_shape = mdp.info.observation_space.shape, mdp.info.action_space.shape
    low, high = mdp.info.action_space.low, mdp.info.action_space.high
    actor = dict(network=ActorMLP, n_features=(128, 128), tanh_output=True, input_shape=obs_shape,
                 output_shape=action_shape)
    critic = dict(network=CriticMLP, n_features=(128, 128), loss=F.mse_loss,
                  optimizer={'class': torch.optim.Adam, 'params': {'lr': hp['lr_critic']}},
                  input_shape=(obs_shape[0] + action_shape[0],), output_shape=(1,))
    sigma = np.diag((hp['std'] * (high - low) / 2.) ** 2)
    agent = TD3(mdp.info, ClippedGaussianPolicy, dict(sigma=sigma, low=low, high=high), actor,
                {'class': torch.optim.Adam, 'params': {'lr': hp['lr_actor']}}, critic,
                batch_size=hp['batch_size'], initial_replay_size=common['initial_replay_size'],
                max_replay_size=hp['max_replay_size'], tau=hp['tau'], policy_delay=hp['policy_delay'],
                noise_std=hp['target_noise'], noise_clip=hp['target_noise_clip'])
    return agent, mdp


def _family_variants(prefix: str) -> Dict[str, Variant]:
    """RS, BPTT-5/32, WINDOW-5/32, VANILLA, ORACLE of one family (compared with its vanilla)."""
    variants = {f'{prefix}_RS': package_variant(f'{prefix}_RS', (prefix,) if prefix != 'PPO' else ())}
    for length in (5, 32):
        variants[f'{prefix}_BPTT{length}'] = package_variant(f'{prefix}_BPTT', (f'{prefix}_RS',),
                                                             truncation_length=length)
    for length in (5, 32):
        variants[f'{prefix}_WINDOW{length}'] = package_variant(f'{prefix}_WINDOW', (), window_length=length)
    variants[f'{prefix}_VANILLA'] = package_variant(f'{prefix}_VANILLA', (prefix,) if prefix != 'PPO' else ())
    variants[f'{prefix}_ORACLE'] = package_variant(f'{prefix}_ORACLE')
    return variants


#: label -> variant, in table order. Later algorithms of the package registry are one line each.
VARIANTS: Dict[str, Variant] = {
    **_family_variants('SAC'),
    'SAC': Variant(mushroom_sac, 'sac', (),
                   'MushroomRL SAC, masked obs, actor 2x MLP 256-256 (mu, sigma), critic MLP 128-128'),
    **_family_variants('TD3'),
    'TD3': Variant(mushroom_td3, 'td3', (), 'MushroomRL TD3, masked obs, actor MLP 128-128, critic MLP 128-128'),
    **_family_variants('PPO'),
}


def vanilla_of(family: str) -> str:
    return f'{family.upper()}_VANILLA'


# ----------------------------------------------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------------------------------------------
class _Clock:
    """Accumulates the wall time of a bound method (instance attribute override, ~0.3 us per call)."""
    def __init__(self, obj: Any, name: str):
        self.total = 0.
        method = getattr(obj, name)

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.total += time.perf_counter() - t0
        setattr(obj, name, timed)


@dataclass
class Run:
    """One (env, variant) pair: its agent, environment, Core, clocks on draw_action / env step / fit."""
    env_id: str
    label: str
    seed: int
    common: Dict[str, Any]
    samples: List[float] = field(default_factory=list)
    cpu_samples: List[float] = field(default_factory=list)
    breakdown: List[Dict[str, float]] = field(default_factory=list)

    def __post_init__(self):
        self.variant = VARIANTS[self.label]
        env = make_env(self.env_id)
        env.seed(self.seed)
        self.policy_obs_mask = np.asarray(env.policy_obs_mask, dtype=bool)
        self.agent, self.mdp = self.variant.factory(env, self.env_id, self.common)
        self.last_rollout: Optional[Dict[str, Any]] = None
        if self.variant.on_policy and self.variant.window:
            self._record_rollouts()
        self.clocks = dict(draw_action=_Clock(self.agent, 'draw_action'), env_step=_Clock(self.mdp, 'step'),
                           fit=_Clock(self.agent, 'fit'))
        self.core = ContinuingCore(self.agent, self.mdp)
        if self.variant.on_policy:
            self.block_steps = int(self.agent.default_n_steps_per_fit)
            self.scale = 1e6            # seconds per 1M environment steps
        else:
            self.block_steps = int(self.common['steps'])
            self.scale = 1e3            # seconds per 1000 training steps

    @property
    def key(self) -> str:
        return f'{self.label} [{self.env_id}]'

    def _record_rollouts(self) -> None:
        """Keep the last PPO rollout batch (windows included) for the checks after timing."""
        method = self.agent.rollout_batch

        def recorded(transitions):
            self.last_rollout = method(transitions)
            return self.last_rollout
        self.agent.rollout_batch = recorded

    def learn(self, n_steps: int, n_steps_per_fit: Optional[int] = None) -> None:
        if n_steps_per_fit is None:
            n_steps_per_fit = self.block_steps if self.variant.on_policy else 1
        self.core.learn(n_steps=n_steps, n_steps_per_fit=n_steps_per_fit, quiet=True)

    def warm_up(self, off_policy_steps: int) -> None:
        if self.variant.on_policy:
            steps = min(PPO_WARMUP_STEPS, self.block_steps)
            self.learn(steps, steps)
        else:
            self.learn(off_policy_steps)

    def block(self) -> None:
        self.learn(self.block_steps)

    def timed_block(self) -> float:
        for clock in self.clocks.values():
            clock.total = 0.
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        self.block()
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        per_unit = self.scale * elapsed / self.block_steps
        self.samples.append(per_unit)
        self.cpu_samples.append(self.scale * cpu / self.block_steps)
        parts = {name: self.scale * clock.total / self.block_steps for name, clock in self.clocks.items()}
        parts['core_overhead'] = per_unit - sum(parts.values())
        self.breakdown.append(parts)
        return per_unit


def window_fullness(run: Run, n_samples: int = 1024) -> Optional[Dict[str, Any]]:
    """Fraction of the windows used by the updates that are full (``window`` steps long)."""
    length = run.variant.window
    if not length:
        return None
    if run.variant.on_policy:
        if run.last_rollout is None:
            return None
        lengths = run.last_rollout['window']['lengths'].numpy()
    else:
        memory = run.agent.replay_memory
        lengths = memory.transition_windows(memory.sample_indices(n_samples), length)['lengths']
        first = memory.first[:memory.size]
        n_episodes = max(1, int(first.sum()))
    out = dict(window=length, full_fraction=float(np.mean(lengths == length)), mean_length=float(np.mean(lengths)),
               n_windows=int(len(lengths)))
    if not run.variant.on_policy:
        out.update(replay_size=int(memory.size), mean_episode_length_in_replay=float(memory.size / n_episodes))
    return out


def bptt_gradient_check(run: Run, n_windows: int = 16) -> Optional[Dict[str, Any]]:
    """
    For BPTT variants: gradient of the actor output (SAC/TD3: the action at the window's last step; PPO:
    its log-probability) w.r.t. every observation of full windows. The gradient must reach all
    ``window`` steps, the first one included, i.e. the update really backpropagates through all of them.

    """
    if not run.variant.bptt:
        return None
    length, agent, family = run.variant.window, run.agent, run.variant.family
    if run.variant.on_policy:
        if run.last_rollout is None:
            return None
        full_batch = run.last_rollout
        rows = np.flatnonzero(full_batch['window']['lengths'].numpy() == length)[:n_windows]
        batch = _take(full_batch, torch.as_tensor(rows))
    else:
        memory = agent.replay_memory
        idx = memory.sample_indices(8 * n_windows)
        idx = idx[memory.transition_windows(idx, length)['lengths'] == length][:n_windows]
        batch = memory.get(idx)
        batch['window'] = memory.transition_windows(idx, length)
        batch = agent._to_torch(batch)
    if len(batch['window']['lengths']) == 0:
        return dict(window=length, n_full_windows=0, passed=False)
    window_state = batch['window']['state'] = batch['window']['state'].clone().requires_grad_(True)
    if family == 'sac':
        output = agent.policy.sample_batch_t(batch, need_current=True)[0]['action']
    elif family == 'td3':
        (output, _), _ = agent.policy.forward_batch_t(batch, need_next=False)
    else:
        output = agent.policy.log_prob_batch_t(batch)
    output.sum().backward()
    grad = window_state.grad[..., run.policy_obs_mask].abs().sum(-1)      # (batch, L + 1)
    for p in agent.policy.parameters():
        p.grad = None
    steps_reached = (grad[:, :length] > 0).sum(1)
    return dict(window=length, n_full_windows=int(len(grad)),
                first_step_grad_nonzero=bool(torch.all(grad[:, 0] > 0)),
                min_steps_with_gradient=int(steps_reached.min()),
                mean_abs_grad_first_step=float(grad[:, 0].mean()),
                mean_abs_grad_last_step=float(grad[:, length - 1].mean()),
                passed=bool(torch.all(steps_reached == length)))


def _take(batch: Dict[str, Any], rows: torch.Tensor) -> Dict[str, Any]:
    return {k: _take(v, rows) if isinstance(v, dict) else v[rows] for k, v in batch.items()}


def _summary(samples: Sequence[float]) -> Dict[str, float]:
    q = np.percentile(samples, [25, 75])
    return dict(median=statistics.median(samples), min=min(samples), max=max(samples), q25=float(q[0]),
                q75=float(q[1]))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return 'n/a'


def machine_info(threads: int) -> Dict[str, Any]:
    cpu = platform.processor()
    try:
        with open('/proc/cpuinfo') as f:
            names = [line.split(':', 1)[1].strip() for line in f if line.startswith('model name')]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return dict(
        hostname=platform.node(), platform=platform.platform(), cpu=cpu, cpu_count=os.cpu_count(),
        affinity=len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else None,
        python=platform.python_version(), torch=torch.__version__, numpy=np.__version__,
        mushroom_rl=_version('mushroom-rl'), gymnasium=_version('gymnasium'), mujoco=_version('mujoco'),
        torch_threads=torch.get_num_threads(), torch_interop_threads=torch.get_num_interop_threads(),
        requested_threads=threads, omp_num_threads=os.environ.get('OMP_NUM_THREADS'),
        mkldnn=torch.backends.mkldnn.is_available(), loadavg_start=list(os.getloadavg()), git=git_info(),
    )


def git_info() -> Dict[str, Any]:
    """Commit of the measured code and the tracked files changed since (the timings belong to this code)."""
    def git(*args: str) -> str:
        return subprocess.run(['git', *args], cwd=ROOT, capture_output=True, text=True, timeout=10,
                              check=True).stdout.rstrip('\n')
    try:
        return dict(commit=git('rev-parse', 'HEAD'), subject=git('log', '-1', '--format=%s'),
                    modified=[line[3:] for line in git('status', '--porcelain', '--untracked-files=no').splitlines()])
    except (OSError, subprocess.SubprocessError):
        return dict(commit=None, subject=None, modified=[])


def profile_block(run: Run, out_dir: Path, stem: str, top: int = 35) -> Path:
    """cProfile one block of ``run``; write the top functions (cumulative and own time)."""
    profiler = cProfile.Profile()
    profiler.enable()
    run.block()
    profiler.disable()
    text = io.StringIO()
    text.write(f'# cProfile of one block ({run.block_steps} steps) of {run.key} '
               '(times include the profiler overhead)\n')
    for key in ('cumulative', 'tottime'):
        text.write(f'\n## sorted by {key}\n')
        pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(key).print_stats(top)
    path = out_dir / f"{stem}_profile_{run.label}_{run.env_id.replace('/', '_')}.txt"
    path.write_text(text.getvalue())
    return path


def schedule(counts: Dict[str, int]) -> List[List[str]]:
    """
    Interleaved repetitions: ``counts`` maps a run key to its number of timed blocks; returns the list of
    rounds, each the (rotated) keys timed in that round. A key with fewer blocks than the number of rounds
    is spread evenly over the rounds (e.g. 1 PPO fit among 3 off-policy reps: in the middle round).

    """
    keys = list(counts)
    n_rounds = max(counts.values())
    rounds: List[List[str]] = [[] for _ in range(n_rounds)]
    for key in keys:
        n = counts[key]
        for j in range(n):
            rounds[int((j + .5) * n_rounds / n)].append(key)
    for r, keys_r in enumerate(rounds):
        shift = (r * len(keys_r)) // n_rounds if keys_r else 0
        rounds[r] = keys_r[shift:] + keys_r[:shift]
    return rounds


# ----------------------------------------------------------------------------------------------------------
# Results, tables and ratio lines
# ----------------------------------------------------------------------------------------------------------
def _ratio(a: Dict[str, Any], b: Dict[str, Any]) -> Dict[str, Any]:
    paired = [x / y for x, y in zip(a['samples'], b['samples'])]
    return dict(ratio_of_medians=a['median'] / b['median'], cpu_ratio_of_medians=a['cpu_median'] / b['cpu_median'],
                median_of_paired_ratios=statistics.median(paired), paired_ratios=paired)


def summarise(runs: Dict[Tuple[str, str], Run], envs: Sequence[str], labels: Sequence[str]) -> Dict[str, Any]:
    """Per env: per variant the samples, medians, breakdown, checks; ratios to vanilla and baselines."""
    out: Dict[str, Any] = dict()
    for env_id in envs:
        variants: Dict[str, Any] = dict()
        for label in labels:
            run = runs.get((env_id, label))
            if run is None:
                continue
            breakdown = {key: statistics.median(b[key] for b in run.breakdown) for key in run.breakdown[0]}
            variants[label] = dict(
                family=run.variant.family, description=run.variant.description,
                baselines=[vanilla_of(run.variant.family)] + list(run.variant.baselines),
                block_steps=run.block_steps, median=statistics.median(run.samples),
                cpu_median=statistics.median(run.cpu_samples), samples=run.samples, cpu_samples=run.cpu_samples,
                summary=_summary(run.samples), cpu_summary=_summary(run.cpu_samples),
                breakdown_median=breakdown, breakdown_samples=run.breakdown,
                windows=getattr(run, 'windows', None), bptt_gradient=getattr(run, 'bptt_gradient', None))
        ratios: Dict[str, Any] = dict()
        for label, v in variants.items():
            for base in v['baselines']:
                if base in variants and base != label:
                    ratios[f'{label}/{base}'] = _ratio(v, variants[base])
        out[env_id] = dict(variants=variants, ratios=ratios)
    return out


def ratio_lines(per_env: Dict[str, Any], families: Sequence[str]) -> List[str]:
    """``ratio <variant>/<vanilla> [<env>]: <x>`` per family (PPO last), then the extra comparisons."""
    lines = []
    for family in sorted(families, key=lambda f: f == 'ppo'):
        vanilla = vanilla_of(family)
        for env_id, data in per_env.items():
            for label, v in data['variants'].items():
                if v['family'] == family and label != vanilla and f'{label}/{vanilla}' in data['ratios']:
                    x = data['ratios'][f'{label}/{vanilla}']['ratio_of_medians']
                    lines.append(f'ratio {label}/{vanilla} [{env_id}]: {x:.2f}')
        for env_id, data in per_env.items():
            for name, r in data['ratios'].items():
                label, base = name.split('/')
                if data['variants'][label]['family'] == family and base != vanilla:
                    lines.append(f"ratio {name} [{env_id}]: {r['ratio_of_medians']:.2f}")
    return lines


def claims(per_env: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The two targets: RS <= 1.3x vanilla, and the paper's BPTT-32 >= 3x RS, per family and env."""
    out = []
    for env_id, data in per_env.items():
        ratios = data['ratios']
        for prefix in ('SAC', 'TD3', 'PPO'):
            rs = ratios.get(f'{prefix}_RS/{prefix}_VANILLA')
            if rs is not None:
                out.append(dict(env=env_id, claim=f'{prefix}_RS <= {RS_TARGET}x {prefix}_VANILLA',
                                wall=rs['ratio_of_medians'], cpu=rs['cpu_ratio_of_medians'],
                                holds=rs['ratio_of_medians'] <= RS_TARGET,
                                holds_cpu=rs['cpu_ratio_of_medians'] <= RS_TARGET))
            bptt = ratios.get(f'{prefix}_BPTT32/{prefix}_RS')
            if bptt is not None:
                grad = data['variants'][f'{prefix}_BPTT32'].get('bptt_gradient') or {}
                out.append(dict(env=env_id, claim=f'{prefix}_BPTT32 >= {BPTT_CLAIM:g}x {prefix}_RS (paper)',
                                wall=bptt['ratio_of_medians'], cpu=bptt['cpu_ratio_of_medians'],
                                holds=bptt['ratio_of_medians'] >= BPTT_CLAIM,
                                holds_cpu=bptt['cpu_ratio_of_medians'] >= BPTT_CLAIM,
                                gradient_through_all_32_steps=grad.get('passed')))
    return out


def _short(env_id: str) -> str:
    return env_id.replace('POMDP-v5', '')


def _num(value: float, unit: str) -> str:
    return f'{value:.2f}' if unit == 's/1000' else f'{value:.0f}'


def _fmt_windows(v: Dict[str, Any]) -> str:
    w, g = v.get('windows'), v.get('bptt_gradient')
    if not w:
        return '-'
    text = f"{100 * w['full_fraction']:.0f}% full"
    if g is not None:
        text += ', grad to step 1: ' + ('yes' if g.get('passed') else 'NO')
    return text


def markdown(result: Dict[str, Any]) -> str:
    config, machine = result['config'], result['machine']
    envs = config['envs']
    lines = [f"# Training time ({'quick' if config['quick'] else 'full'} run)", '',
             f"torch {machine['torch']}, {machine['torch_threads']} torch thread(s), {machine['cpu']} "
             f"({machine['cpu_count']} cores), load average {machine['loadavg_start'][0]:.1f} -> "
             f"{machine['loadavg_end'][0]:.1f}, {result['wall_time_s'] / 60:.1f} min. Command: "
             f"`{result['command']}`. Code: commit {str(machine['git']['commit'])[:10]} ({machine['git']['subject']})"
             + (f", modified: {', '.join(machine['git']['modified'])}" if machine['git']['modified'] else '') + '.',
             '']
    sections = [('off_policy', fam) for fam in ('sac', 'td3')] + [('on_policy', 'ppo')]
    for kind, family in sections:
        per_env = result[kind]['envs']
        labels = [label for label in VARIANTS if VARIANTS[label].family == family
                  and any(label in per_env[e]['variants'] for e in envs)]
        if not labels:
            continue
        vanilla = vanilla_of(family)
        if kind == 'off_policy':
            unit, what = 's/1000', (f"seconds per 1000 training steps (1 env step + 1 update each), median of "
                                    f"{config['reps']} interleaved blocks of {config['steps']} steps")
        else:
            unit, what = 's/1M', (f"seconds per 1M environment steps, extrapolated from fits of "
                                  f"{config['ppo_steps'] or 'the default'} steps ({config['ppo_epochs_used']} epochs, "
                                  f"minibatch {config['ppo_batch_size']}; rollout included), median of "
                                  f"{config['ppo_fits']} fit(s)")
        lines += [f'## {family.upper()}: {what}', '']
        head = ['variant']
        for e in envs:
            head += [f'{_short(e)} wall {unit}', f'x {vanilla}', f'{_short(e)} CPU {unit}', 'x (CPU)']
        lines += ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
        for label in labels:
            row = [label]
            for e in envs:
                v = per_env[e]['variants'].get(label)
                r = per_env[e]['ratios'].get(f'{label}/{vanilla}')
                if v is None:
                    row += ['-'] * 4
                    continue
                same = label == vanilla
                row += [_num(v['median'], unit), '1.00' if same else (f"{r['ratio_of_medians']:.2f}" if r else '-'),
                        _num(v['cpu_median'], unit),
                        '1.00' if same else (f"{r['cpu_ratio_of_medians']:.2f}" if r else '-')]
            lines.append('| ' + ' | '.join(row) + ' |')
        lines.append('')
        for e in envs:
            variants = per_env[e]['variants']
            rows = [label for label in labels if label in variants]
            if not rows:
                continue
            lines += [f'Details, {e} ({unit}; fit / draw_action / env step / Core: median wall time spent in '
                      '`agent.fit`, `agent.draw_action`, `mdp.step` and the rest of `Core.learn`):', '',
                      '| variant | wall | wall IQR | CPU | other ratios (wall) | fit | draw_action | env step | Core '
                      '| windows | description |',
                      '|---|---|---|---|---|---|---|---|---|---|---|']
            for label in rows:
                v, b = variants[label], variants[label]['breakdown_median']
                s = v['summary']
                others = ', '.join(f"{per_env[e]['ratios'][f'{label}/{base}']['ratio_of_medians']:.2f}x {base}"
                                   for base in v['baselines'][1:] if f'{label}/{base}' in per_env[e]['ratios'])
                n = lambda x: _num(x, unit)  # noqa: E731
                lines.append(f"| {label} | {n(v['median'])} | {n(s['q25'])}-{n(s['q75'])} | {n(v['cpu_median'])} "
                             f"| {others or '-'} | {n(b['fit'])} | {n(b['draw_action'])} | {n(b['env_step'])} "
                             f"| {n(b['core_overhead'])} | {_fmt_windows(v)} | {v['description']} |")
            lines.append('')
    if result['claims']:
        lines += ['## Targets', '', '| env | claim | measured (wall) | measured (CPU) | holds (wall / CPU) |',
                  '|---|---|---|---|---|']
        for c in result['claims']:
            extra = ''
            if 'gradient_through_all_32_steps' in c:
                extra = '; gradient reaches all 32 steps: ' + {True: 'yes', False: 'NO', None: 'not checked'}[
                    c['gradient_through_all_32_steps']]
            lines.append(f"| {_short(c['env'])} | {c['claim']} | {c['wall']:.2f} | {c['cpu']:.2f} "
                         f"| {'yes' if c['holds'] else 'no'} / {'yes' if c['holds_cpu'] else 'no'}{extra} |")
        lines.append('')
    lines += ['wall: `time.perf_counter`; CPU: `time.process_time` of the process (less sensitive to other '
              'processes on a shared machine). Factors are ratios of medians. windows: share of the windows '
              'sampled for updates that are full length; grad to step 1: the actor output of a full window has '
              'a non-zero gradient w.r.t. every one of its observations, the first one included.']
    return '\n'.join(lines)


# ----------------------------------------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------------------------------------
def _split(values: Optional[Sequence[str]]) -> Optional[List[str]]:
    if values is None:
        return None
    return list(dict.fromkeys(x.strip() for v in values for x in v.split(',') if x.strip()))


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog='Variants: ' + ', '.join(VARIANTS))
    p.add_argument('--quick', action='store_true',
                   help=f"{QUICK['reps']} reps x {QUICK['steps']} steps, {QUICK['warmup_updates']} warm-up updates, "
                        f"{QUICK['ppo_fits']} PPO fit(s); outputs training_time_quick.*")
    p.add_argument('--envs', '--env', nargs='+', default=None, metavar='ID',
                   help=f"environment ids, space- or comma-separated (default {' '.join(DEFAULT_ENVS)})")
    p.add_argument('--families', nargs='+', default=None, metavar='F',
                   help=f"families to time: {','.join(FAMILIES)} (default all)")
    p.add_argument('--variants', nargs='+', default=None, metavar='LABEL',
                   help='labels to time (default: all labels of --families); space- or comma-separated')
    p.add_argument('--steps', type=int, default=None,
                   help=f"off-policy training steps per timed block (default {FULL['steps']}, quick {QUICK['steps']})")
    p.add_argument('--reps', type=int, default=None,
                   help=f"timed off-policy blocks per variant and env (default {FULL['reps']}, quick {QUICK['reps']})")
    p.add_argument('--warmup-updates', type=int, default=None,
                   help='untimed off-policy updates after the replay memory is initialised and the actor warm-up '
                        f"is over (default {FULL['warmup_updates']}, quick {QUICK['warmup_updates']})")
    p.add_argument('--replay-warmup', type=int, default=REPLAY_WARMUP,
                   help='initial_replay_size = warmup_transitions of the off-policy agents '
                        f'(default {REPLAY_WARMUP}; must be >= the longest window)')
    p.add_argument('--ppo-fits', type=int, default=None,
                   help=f"timed PPO fits per variant and env (default {FULL['ppo_fits']}, quick {QUICK['ppo_fits']})")
    p.add_argument('--ppo-steps', type=int, default=None,
                   help="environment steps per PPO fit (default: the agent's n_steps_per_fit, 2000)")
    p.add_argument('--ppo-epochs', type=int, default=None,
                   help="PPO epochs per fit (default: the agent's n_epochs, 10); the time is NOT rescaled")
    p.add_argument('--threads', type=int, default=1, help='torch.set_num_threads (default 1)')
    p.add_argument('--profile', nargs='*', default=None, metavar='LABEL',
                   help='after timing, cProfile one block of each of these variants (no label: all timed), '
                        'on the first env')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out-dir', type=Path, default=ROOT / 'benchmarks' / 'results')
    args = p.parse_args(argv)
    preset = QUICK if args.quick else FULL
    for key in ('steps', 'reps', 'warmup_updates', 'ppo_fits'):
        if getattr(args, key) is None:
            setattr(args, key, preset[key])
    if min(args.steps, args.reps, args.threads, args.ppo_fits, args.replay_warmup) < 1 or args.warmup_updates < 0:
        p.error('--steps, --reps, --ppo-fits, --replay-warmup and --threads must be >= 1, --warmup-updates >= 0')
    for name in ('ppo_steps', 'ppo_epochs'):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    args.envs = _split(args.envs) or list(DEFAULT_ENVS)
    args.families = _split(args.families) or list(FAMILIES)
    unknown = [f for f in args.families if f not in FAMILIES]
    if unknown:
        p.error(f"--families {unknown}: valid families are {', '.join(FAMILIES)}")
    requested = _split(args.variants)
    unknown = [label for label in requested or () if label not in VARIANTS]
    if unknown:
        p.error(f"--variants {unknown}: valid labels are {', '.join(VARIANTS)}")
    args.variants = [label for label in (requested or VARIANTS) if VARIANTS[label].family in args.families]
    if not args.variants:
        p.error('no variant left: --variants and --families select nothing in common')
    longest = max((VARIANTS[label].window for label in args.variants if not VARIANTS[label].on_policy), default=0)
    if args.replay_warmup < longest:
        p.error(f'--replay-warmup {args.replay_warmup} is shorter than the longest window ({longest})')
    if args.profile is not None:
        args.profile = list(dict.fromkeys(args.profile or args.variants))
        unknown = [label for label in args.profile if label not in args.variants]
        if unknown:
            p.error(f'--profile {unknown}: not among the timed variants')
    return args


def _command(argv: Optional[Sequence[str]]) -> str:
    if argv is not None:
        return f'main({list(argv)})'
    python = sys.executable
    try:
        python = os.path.relpath(python)
    except ValueError:
        pass
    return ' '.join([python, *sys.argv])


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    common = dict(initial_replay_size=args.replay_warmup, warmup_transitions=args.replay_warmup, steps=args.steps,
                  n_steps_per_fit=args.ppo_steps, n_epochs=args.ppo_epochs)
    warmup_steps = args.replay_warmup + args.warmup_updates + 1
    stem = 'training_time_quick' if args.quick else 'training_time'
    args.out_dir.mkdir(parents=True, exist_ok=True)
    machine = machine_info(args.threads)
    print(f"[training_time] envs {args.envs}, variants {args.variants}; off-policy {args.reps} reps x {args.steps} "
          f"steps after {warmup_steps} warm-up steps; PPO {args.ppo_fits} fit(s); torch threads "
          f"{torch.get_num_threads()}", flush=True)

    t_start = time.perf_counter()
    runs: Dict[Tuple[str, str], Run] = dict()
    for env_id in args.envs:
        for label in args.variants:
            t0 = time.perf_counter()
            run = Run(env_id, label, args.seed + len(runs), common)
            run.warm_up(warmup_steps)
            runs[(env_id, label)] = run
            if run.variant.window and not run.variant.on_policy:
                run.windows_at_start = window_fullness(run)
            print(f'  warm-up {run.key}: {time.perf_counter() - t0:.1f} s', flush=True)

    counts = {key: args.ppo_fits if run.variant.on_policy else args.reps for key, run in runs.items()}
    rounds = schedule(counts)
    for r, keys in enumerate(rounds):
        for key in keys:
            run = runs[key]
            sample = run.timed_block()
            unit = 's / 1M steps' if run.variant.on_policy else 's / 1000 steps'
            print(f'  round {r + 1}/{len(rounds)} {run.key}: {sample:.2f} {unit}', flush=True)

    for run in runs.values():
        run.windows = window_fullness(run)
        if run.windows is not None and hasattr(run, 'windows_at_start'):
            run.windows['full_fraction_at_start'] = run.windows_at_start['full_fraction']
        run.bptt_gradient = bptt_gradient_check(run)

    profiles = dict()
    for label in args.profile or ():
        run = runs[(args.envs[0], label)]
        profiles[run.key] = str(profile_block(run, args.out_dir, stem))

    off = summarise({k: r for k, r in runs.items() if not r.variant.on_policy}, args.envs, list(VARIANTS))
    on = summarise({k: r for k, r in runs.items() if r.variant.on_policy}, args.envs, list(VARIANTS))
    merged = {e: dict(variants={**off[e]['variants'], **on[e]['variants']}, ratios={**off[e]['ratios'],
                                                                                    **on[e]['ratios']})
              for e in args.envs}
    lines = ratio_lines(merged, args.families)
    ppo_runs = [r for r in runs.values() if r.variant.on_policy]
    machine['loadavg_end'] = list(os.getloadavg())
    ratio_env = RATIO_ENV if RATIO_ENV in args.envs else args.envs[0]
    num, den = RATIO
    final = None
    if num in merged[ratio_env]['variants'] and den in merged[ratio_env]['variants']:
        final = merged[ratio_env]['variants'][num]['median'] / merged[ratio_env]['variants'][den]['median']
    result = dict(
        benchmark='training_time',
        date=datetime.now(timezone.utc).isoformat(timespec='seconds'),
        command=_command(argv),
        config=dict(envs=args.envs, families=args.families, variants=args.variants, steps=args.steps, reps=args.reps,
                    warmup_steps=warmup_steps, warmup_updates=args.warmup_updates,
                    initial_replay_size=args.replay_warmup, warmup_transitions=args.replay_warmup,
                    threads=args.threads, seed=args.seed, quick=args.quick, ppo_fits=args.ppo_fits,
                    ppo_steps=ppo_runs[0].block_steps if ppo_runs else args.ppo_steps,
                    ppo_epochs_used=ppo_runs[0].agent._n_epochs if ppo_runs else args.ppo_epochs,
                    ppo_batch_size=ppo_runs[0].agent._batch_size if ppo_runs else None,
                    ppo_warmup_steps=min(PPO_WARMUP_STEPS, ppo_runs[0].block_steps) if ppo_runs else None,
                    schedule=[[f'{e}|{label}' for e, label in keys] for keys in rounds]),
        machine=machine,
        off_policy=dict(unit='seconds per 1000 training steps (1 env step + 1 update each)', envs=off),
        on_policy=dict(unit='seconds per 1M environment steps (fits of n_steps_per_fit steps, rollout included)',
                       envs=on),
        claims=claims(merged), ratio_lines=lines,
        final_ratio=dict(name=f'{num}/{den}', env=ratio_env, value=final),
        profiles=profiles, wall_time_s=time.perf_counter() - t_start,
    )
    text = markdown(result)
    (args.out_dir / f'{stem}.json').write_text(json.dumps(result, indent=2))
    (args.out_dir / f'{stem}.md').write_text(text + '\n')
    print()
    print(text)
    print()
    for key, path in profiles.items():
        print(f'profile {key}: {path}')
    print(f"wrote {args.out_dir / (stem + '.json')} and {args.out_dir / (stem + '.md')} "
          f"({result['wall_time_s']:.0f} s)")
    for line in lines:
        print(line)
    print(f'ratio {num}/{den}: ' + ('n/a' if final is None else f'{final:.2f}'), flush=True)
    return result


if __name__ == '__main__':
    main()
