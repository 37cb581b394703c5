"""Training-time benchmark: seconds per 1000 training steps of the package's agents vs MushroomRL's.

A *training step* is what ``Core.learn(n_steps=N, n_steps_per_fit=1)`` does once the replay memory is
initialised and the actor warm-up is over: one action drawn by the agent, one environment step, one
``agent.fit`` with a full update (critic + actor + temperature(s) + targets). Every variant first runs
``max(initial_replay_size, warmup_transitions) + warmup_updates`` untimed steps, then the variants are
timed side by side in ONE process: ``for rep in range(R): for variant in (rotated) variants: time a block
of N steps``. Interleaving spreads machine noise (other processes, thermal drift) evenly over the variants;
the order is rotated every repetition so that no variant always runs first. The median over the R blocks
is reported per variant, for wall time (``time.perf_counter``) and CPU time of the process
(``time.process_time``, robust to other processes competing for the cores).

Usage::

    .venv/bin/python benchmarks/training_time.py --quick            # ~1 minute on 2 cores: 5 reps x 200 steps
    .venv/bin/python benchmarks/training_time.py                    # full, ~4-5 minutes: 10 reps x 500 steps
    .venv/bin/python benchmarks/training_time.py --variants SAC_RS SAC SAC_VANILLA --reps 7
    .venv/bin/python benchmarks/training_time.py --quick --profile SAC_RS SAC   # + cProfile of one block each

Writes ``training_time[_quick].json`` (machine info, versions, threads, every sample, medians, time
breakdown) and ``training_time[_quick].md`` (the table) to ``--out-dir`` (default ``benchmarks/results/``),
prints the table, and prints as its LAST line ``ratio SAC_RS/SAC: <x>`` (ratio of the medians, 2 decimals;
``n/a`` when SAC_RS or SAC is not among the variants).

Variants are entries of :data:`VARIANTS` (label -> :class:`Variant`); a new algorithm of the package
registry is one line: ``'SAC_BPTT': package_variant('SAC_BPTT', ('SAC_RS',))``. See benchmarks/README.md.
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
import sys
import time
from dataclasses import dataclass
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

DEFAULT_ENV = 'HalfCheetahPOMDP-v5'
DEFAULT_VARIANTS = ('SAC_RS', 'SAC', 'SAC_VANILLA', 'TD3_RS', 'TD3')
#: many short interleaved blocks resist bursts of load from other processes better than a few long ones
FULL = dict(steps=500, reps=10, warmup_updates=500)
QUICK = dict(steps=200, reps=5, warmup_updates=100)
#: replay sizes of the benchmark (both for the package's agents and MushroomRL's): timing starts early
INITIAL_REPLAY_SIZE = 1000
WARMUP_TRANSITIONS = 1000
RATIO = ('SAC_RS', 'SAC')


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
            environment, ``common`` the benchmark's replay settings (``initial_replay_size``,
            ``warmup_transitions``), ``mdp`` the environment the agent runs on;
        baselines: labels of the variants it is compared with (ratio of medians) when they are timed too;
        description: one line for the table.

    """
    factory: Factory
    baselines: Tuple[str, ...]
    description: str


def package_variant(name: str, baselines: Tuple[str, ...] = (), **overrides: Any) -> Variant:
    """A variant of the package registry (``make_agent(name, ...)``) with the benchmark's replay sizes."""
    def factory(env, env_id, common):
        valid = set(hyperparameter_names(name))
        kwargs = {k: v for k, v in common.items() if k in valid}
        kwargs.update(overrides)
        return make_agent(name, env.info, env.policy_obs_mask, env_id, **kwargs), env
    extra = ''.join(f', {k}={v}' for k, v in overrides.items())
    return Variant(factory, tuple(baselines), f'mushroom_s2pg {name}{extra}')


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


#: label -> variant. Later algorithms of the package registry are one line each.
VARIANTS: Dict[str, Variant] = {
    'SAC_RS': package_variant('SAC_RS', ('SAC', 'SAC_VANILLA')),
    'SAC': Variant(mushroom_sac, (),
                   'MushroomRL SAC, masked obs, actor 2x MLP 256-256 (mu, sigma), critic MLP 128-128'),
    'SAC_VANILLA': package_variant('SAC_VANILLA', ('SAC',)),
    'TD3_RS': package_variant('TD3_RS', ('TD3', 'TD3_VANILLA')),
    'TD3': Variant(mushroom_td3, (), 'MushroomRL TD3, masked obs, actor MLP 128-128, critic MLP 128-128'),
    'TD3_VANILLA': package_variant('TD3_VANILLA', ('TD3',)),
    'SAC_ORACLE': package_variant('SAC_ORACLE', ('SAC_VANILLA',)),
    'SAC_BPTT': package_variant('SAC_BPTT', ('SAC_RS',)),
    'SAC_WINDOW': package_variant('SAC_WINDOW', ('SAC_VANILLA',)),
    'TD3_ORACLE': package_variant('TD3_ORACLE', ('TD3_VANILLA',)),
    'TD3_BPTT': package_variant('TD3_BPTT', ('TD3_RS',)),
    'TD3_WINDOW': package_variant('TD3_WINDOW', ('TD3_VANILLA',)),
}


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


class Run:
    """One variant: its agent, environment, Core and clocks on draw_action / env step / fit."""
    def __init__(self, label: str, env_id: str, seed: int, common: Dict[str, Any]):
        self.label = label
        self.variant = VARIANTS[label]
        env = make_env(env_id)
        env.seed(seed)
        self.agent, self.mdp = self.variant.factory(env, env_id, common)
        self.clocks = dict(draw_action=_Clock(self.agent, 'draw_action'), env_step=_Clock(self.mdp, 'step'),
                           fit=_Clock(self.agent, 'fit'))
        self.core = Core(self.agent, self.mdp)
        self.samples: List[float] = []
        self.cpu_samples: List[float] = []
        self.breakdown: List[Dict[str, float]] = []

    def learn(self, n_steps: int) -> None:
        self.core.learn(n_steps=n_steps, n_steps_per_fit=1, quiet=True)

    def timed_block(self, n_steps: int) -> float:
        for clock in self.clocks.values():
            clock.total = 0.
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        self.learn(n_steps)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        per_1000 = 1000. * elapsed / n_steps
        self.samples.append(per_1000)
        self.cpu_samples.append(1000. * cpu / n_steps)
        parts = {name: 1000. * clock.total / n_steps for name, clock in self.clocks.items()}
        parts['core_overhead'] = per_1000 - sum(parts.values())
        self.breakdown.append(parts)
        return per_1000


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
        mkldnn=torch.backends.mkldnn.is_available(), loadavg_start=list(os.getloadavg()),
    )


def profile_block(run: Run, n_steps: int, out_dir: Path, stem: str, top: int = 35) -> Path:
    """cProfile one block of ``n_steps`` training steps; write the top functions (cumulative and own time)."""
    profiler = cProfile.Profile()
    profiler.enable()
    run.learn(n_steps)
    profiler.disable()
    text = io.StringIO()
    text.write(f'# cProfile of {n_steps} training steps of {run.label} (times include the profiler overhead)\n')
    for key in ('cumulative', 'tottime'):
        text.write(f'\n## sorted by {key}\n')
        pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(key).print_stats(top)
    path = out_dir / f'{stem}_profile_{run.label}.txt'
    path.write_text(text.getvalue())
    return path


def _ratios(variants: Dict[str, Any], label: str, key: str) -> str:
    v = variants[label]
    return ', '.join(f"{v[key] / variants[base][key]:.2f}x {base}"
                     for base in v['baselines'] if base in variants) or '-'


def markdown_table(result: Dict[str, Any]) -> str:
    config, machine, variants = result['config'], result['machine'], result['variants']
    lines = [f"Training time on `{config['env']}`: seconds per 1000 training steps (1 env step + 1 update each), "
             f"median of {config['reps']} interleaved blocks of {config['steps']} steps; torch {machine['torch']}, "
             f"{machine['torch_threads']} torch thread(s), {machine['cpu']} ({machine['cpu_count']} cores), "
             f"load average {machine['loadavg_start'][0]:.1f} -> {machine['loadavg_end'][0]:.1f}.",
             '',
             '| variant | wall s/1000 | wall IQR | CPU s/1000 | wall ratio | CPU ratio '
             '| fit | draw_action | env step | Core | description |',
             '|---|---|---|---|---|---|---|---|---|---|---|']
    for label, v in variants.items():
        s, b = v['summary'], v['breakdown_median']
        lines.append(f"| {label} | {v['median']:.2f} | {s['q25']:.2f}-{s['q75']:.2f} | {v['cpu_median']:.2f} "
                     f"| {_ratios(variants, label, 'median')} | {_ratios(variants, label, 'cpu_median')} "
                     f"| {b['fit']:.2f} | {b['draw_action']:.2f} | {b['env_step']:.2f} | {b['core_overhead']:.2f} "
                     f"| {v['description']} |")
    lines += ['',
              'wall: `time.perf_counter`; CPU: `time.process_time` of the process (less sensitive to other '
              'processes on a shared machine). Ratios are ratios of medians. fit / draw_action / env step / Core: '
              'median wall seconds per 1000 steps in `agent.fit`, `agent.draw_action`, `mdp.step` and the rest of '
              '`Core.learn`.']
    return '\n'.join(lines)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog='Variants: ' + ', '.join(VARIANTS))
    p.add_argument('--quick', action='store_true',
                   help=f"{QUICK['reps']} reps x {QUICK['steps']} steps, {QUICK['warmup_updates']} warm-up updates")
    p.add_argument('--steps', type=int, default=None,
                   help=f"training steps per timed block (default {FULL['steps']}, quick {QUICK['steps']})")
    p.add_argument('--reps', type=int, default=None,
                   help=f"timed blocks per variant (default {FULL['reps']}, quick {QUICK['reps']})")
    p.add_argument('--warmup-updates', type=int, default=None,
                   help='untimed updates after the replay memory is initialised and the actor warm-up is over '
                        f"(default {FULL['warmup_updates']}, quick {QUICK['warmup_updates']})")
    p.add_argument('--threads', type=int, default=1, help='torch.set_num_threads (default 1)')
    p.add_argument('--env', default=DEFAULT_ENV, help=f'environment id (default {DEFAULT_ENV})')
    p.add_argument('--variants', nargs='+', default=list(DEFAULT_VARIANTS), choices=list(VARIANTS),
                   metavar='LABEL', help=f"variants to time (default {' '.join(DEFAULT_VARIANTS)})")
    p.add_argument('--profile', nargs='*', default=None, metavar='LABEL',
                   help='after timing, cProfile one block of each of these variants (no label: all timed)')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out-dir', type=Path, default=ROOT / 'benchmarks' / 'results')
    args = p.parse_args(argv)
    preset = QUICK if args.quick else FULL
    for key in ('steps', 'reps', 'warmup_updates'):
        if getattr(args, key) is None:
            setattr(args, key, preset[key])
    if args.steps < 1 or args.reps < 1 or args.warmup_updates < 0 or args.threads < 1:
        p.error('--steps, --reps and --threads must be >= 1, --warmup-updates >= 0')
    args.variants = list(dict.fromkeys(args.variants))
    if args.profile is not None:
        args.profile = list(dict.fromkeys(args.profile or args.variants))
        unknown = [label for label in args.profile if label not in args.variants]
        if unknown:
            p.error(f'--profile {unknown}: not among --variants')
    return args


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    common = dict(initial_replay_size=INITIAL_REPLAY_SIZE, warmup_transitions=WARMUP_TRANSITIONS)
    warmup_steps = max(common.values()) + args.warmup_updates + 1
    stem = 'training_time_quick' if args.quick else 'training_time'
    args.out_dir.mkdir(parents=True, exist_ok=True)
    machine = machine_info(args.threads)
    print(f"[training_time] {args.env}, variants {args.variants}, {args.reps} reps x {args.steps} steps, "
          f"{warmup_steps} warm-up steps, torch threads {torch.get_num_threads()}", flush=True)

    runs: Dict[str, Run] = dict()
    t_start = time.perf_counter()
    for i, label in enumerate(args.variants):
        run = Run(label, args.env, args.seed + i, common)
        t0 = time.perf_counter()
        run.learn(warmup_steps)
        runs[label] = run
        print(f'  warm-up {label}: {warmup_steps} steps in {time.perf_counter() - t0:.1f} s', flush=True)

    order = list(args.variants)
    for rep in range(args.reps):
        shift = rep % len(order)
        for label in order[shift:] + order[:shift]:
            sample = runs[label].timed_block(args.steps)
            print(f'  rep {rep + 1}/{args.reps} {label}: {sample:.2f} s / 1000 steps', flush=True)

    profiles = dict()
    for label in args.profile or ():
        profiles[label] = str(profile_block(runs[label], args.steps, args.out_dir, stem))

    variants = dict()
    for label, run in runs.items():
        breakdown = {key: statistics.median(b[key] for b in run.breakdown) for key in run.breakdown[0]}
        variants[label] = dict(description=run.variant.description, baselines=list(run.variant.baselines),
                               median=statistics.median(run.samples), cpu_median=statistics.median(run.cpu_samples),
                               samples=run.samples, cpu_samples=run.cpu_samples, summary=_summary(run.samples),
                               cpu_summary=_summary(run.cpu_samples), breakdown_median=breakdown,
                               breakdown_samples=run.breakdown)
    ratios = dict()
    for label, v in variants.items():
        for base in v['baselines']:
            if base not in variants:
                continue
            w = variants[base]
            paired = [x / y for x, y in zip(v['samples'], w['samples'])]
            ratios[f'{label}/{base}'] = dict(ratio_of_medians=v['median'] / w['median'],
                                             cpu_ratio_of_medians=v['cpu_median'] / w['cpu_median'],
                                             median_of_paired_ratios=statistics.median(paired),
                                             paired_ratios=paired)
    machine['loadavg_end'] = list(os.getloadavg())
    result = dict(
        benchmark='training_time',
        date=datetime.now(timezone.utc).isoformat(timespec='seconds'),
        command=' '.join([Path(sys.executable).name, *sys.argv]) if argv is None else f'main({list(argv)})',
        unit='seconds per 1000 training steps (1 env step + 1 update each)',
        config=dict(env=args.env, variants=args.variants, steps=args.steps, reps=args.reps,
                    warmup_steps=warmup_steps, warmup_updates=args.warmup_updates, threads=args.threads,
                    seed=args.seed, quick=args.quick, n_steps_per_fit=1, **common),
        machine=machine, variants=variants, ratios=ratios, profiles=profiles,
        wall_time_s=time.perf_counter() - t_start,
    )
    table = markdown_table(result)
    (args.out_dir / f'{stem}.json').write_text(json.dumps(result, indent=2))
    (args.out_dir / f'{stem}.md').write_text(table + '\n')
    print()
    print(table)
    print()
    for name, r in ratios.items():
        print(f"{name}: wall ratio of medians {r['ratio_of_medians']:.2f}, median of paired (same-rep) ratios "
              f"{r['median_of_paired_ratios']:.2f}, CPU ratio of medians {r['cpu_ratio_of_medians']:.2f}")
    for label, path in profiles.items():
        print(f'profile {label}: {path}')
    print(f"wrote {args.out_dir / (stem + '.json')} and {args.out_dir / (stem + '.md')} "
          f"({result['wall_time_s']:.0f} s)")
    num, den = RATIO
    if num in variants and den in variants:
        print(f"ratio {num}/{den}: {variants[num]['median'] / variants[den]['median']:.2f}")
    else:
        print(f'ratio {num}/{den}: n/a')
    return result


if __name__ == '__main__':
    main()
