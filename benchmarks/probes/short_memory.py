"""
Learning curves on the short-memory task ``PendulumPOMDP-v1`` (Pendulum-v1, angular velocity hidden from the policy),
trained as a user would: ``make_agent`` and plain ``mushroom_rl.core.Core``, one torch thread, a deterministic
evaluation of ``--n_eval_episodes`` episodes (undiscounted return) every ``--eval_every`` steps.

Each row of ``--out`` (CSV, appended as evaluations finish) is one evaluation: ``setting, algorithm, seed, steps,
return``. A ``(setting, algorithm, seed)`` whose last evaluation is in the file is skipped, so an interrupted command
resumes by running it again; a partial run is started over.

The named settings (``--setting``) are the hyperparameter overrides of the SAC_RS study (``SAC_SETTINGS``: the
library defaults, the reference's values and the one-at-a-time ablations of the reference's choices); ``--algorithm``
and ``--hyperparameters`` run any other algorithm or override, under the label ``--setting``.

    .venv/bin/python benchmarks/probes/short_memory.py --setting library --seeds 0 1 2 --out OUT.csv

"""
import argparse
import csv
import json
import os
import sys
from typing import Any, Dict, Iterable, List

import numpy as np
import torch
from mushroom_rl.core import Core
from mushroom_rl.utils.dataset import compute_J

from environments import PENDULUM_POMDP_ID, make_env
from mushroom_s2pg.algorithms import make_agent
from mushroom_s2pg.utils import seed_everything

#: The overrides of every SAC run of the study (a small task: short replay warm-up, faster learning rates).
SAC_COMMON: Dict[str, Any] = dict(initial_replay_size=1000, warmup_transitions=1000, lr_actor=3e-4, lr_critic=3e-4,
                                  tau=0.005)

#: The reference's choices that differ from the compact SAC_RS of the package's first release (critic width,
#: structure and initialisation, temperature losses, refresh timing), and that compact SAC_RS.
REFERENCE_CHOICES: Dict[str, Any] = dict(n_features_critic=256, critic_encoders='mlp', critic_init_scale=0.1,
                                         temperature_loss='log_alpha', temperature_loss_z='log_alpha',
                                         refresh_before_warmup=False)
COMPACT_CHOICES: Dict[str, Any] = dict(n_features_critic=128, critic_encoders='linear', critic_init_scale=None,
                                       temperature_loss='alpha', temperature_loss_z='alpha', refresh_before_warmup=True)


def _reference_but(**changes: Any) -> Dict[str, Any]:
    return {**REFERENCE_CHOICES, **changes}


#: Named settings of the SAC_RS study, overrides on top of ``SAC_COMMON``: the reference's choices, the compact
#: ones, and the reference with one choice (or the critic's three) set as in the compact SAC_RS.
SAC_SETTINGS: Dict[str, Dict[str, Any]] = {
    'reference': REFERENCE_CHOICES,
    'compact': COMPACT_CHOICES,
    'reference+compact_critic': _reference_but(n_features_critic=128, critic_encoders='linear', critic_init_scale=None),
    'reference+critic_width_128': _reference_but(n_features_critic=128),
    'reference+critic_linear_encoders': _reference_but(critic_encoders='linear'),
    'reference+critic_default_init': _reference_but(critic_init_scale=None),
    'reference+alpha_loss_alpha': _reference_but(temperature_loss='alpha'),
    'reference+alpha_z_loss_alpha': _reference_but(temperature_loss_z='alpha'),
    'reference+refresh_before_warmup': _reference_but(refresh_before_warmup=True),
}

FIELDS = ('setting', 'algorithm', 'seed', 'steps', 'return')


def evaluate(core: Core, n_episodes: int, deterministic: bool = True) -> float:
    """The mean undiscounted return of the deterministic (or stochastic) policy over ``n_episodes`` episodes."""
    with core.agent.deterministic(deterministic):
        return float(np.mean(compute_J(core.evaluate(n_episodes=n_episodes, quiet=True), 1.)))


def learning_curve(algorithm: str, seed: int, hyperparameters: Dict[str, Any], n_steps: int, eval_every: int,
                   n_eval_episodes: int, deterministic: bool = True) -> Iterable[Dict[str, Any]]:
    """Train ``algorithm`` on the task and yield one evaluation ``{steps, return}`` every ``eval_every`` steps."""
    seed_everything(seed)
    mdp = make_env(PENDULUM_POMDP_ID)
    mdp.seed(seed)
    agent = make_agent(algorithm, mdp.info, mdp.policy_obs_mask, env_id=PENDULUM_POMDP_ID, **hyperparameters)
    core = Core(agent, mdp)
    for steps in range(eval_every, n_steps + 1, eval_every):
        core.learn(n_steps=eval_every, n_steps_per_fit=agent.default_n_steps_per_fit, quiet=True)
        yield dict(steps=steps, **{'return': evaluate(core, n_eval_episodes, deterministic)})


def _read(path: str) -> List[Dict[str, str]]:
    if not os.path.exists(path):
        return []
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def _write(path: str, rows: List[Dict[str, Any]]) -> None:
    tmp = path + '.tmp'
    with open(tmp, 'w', newline='') as f:
        writer = csv.DictWriter(f, FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)


def run(setting: str, algorithm: str, hyperparameters: Dict[str, Any], seeds: Iterable[int], n_steps: int,
        eval_every: int, n_eval_episodes: int, out: str, deterministic: bool = True) -> None:
    """Run each seed not yet complete in ``out``, appending its evaluations as they finish."""
    for seed in seeds:
        key = dict(setting=setting, algorithm=algorithm, seed=str(seed))
        rows = _read(out)
        mine = [r for r in rows if all(r[k] == v for k, v in key.items())]
        if any(int(r['steps']) == n_steps for r in mine):
            print(f'{setting} {algorithm} seed {seed}: complete in {out}, skipped', flush=True)
            continue
        rows = [r for r in rows if r not in mine]
        _write(out, rows)
        for point in learning_curve(algorithm, seed, hyperparameters, n_steps, eval_every, n_eval_episodes,
                                    deterministic):
            rows.append(dict(key, steps=point['steps'], **{'return': f"{point['return']:.1f}"}))
            _write(out, rows)
            print(f"{setting} {algorithm} seed {seed}: {point['steps']} steps, return {point['return']:.1f}",
                  flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--setting', required=True,
                        help=f'a named SAC_RS setting ({", ".join(SAC_SETTINGS)}) or, with --algorithm, any label')
    parser.add_argument('--algorithm', default=None, help='an algorithm; then --hyperparameters are its overrides')
    parser.add_argument('--hyperparameters', default='{}', help='JSON overrides (with --algorithm)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--n_steps', type=int, default=30000)
    parser.add_argument('--eval_every', type=int, default=5000)
    parser.add_argument('--n_eval_episodes', type=int, default=10)
    parser.add_argument('--stochastic', action='store_true',
                        help='evaluate the stochastic policy (PPO: the joint (a, z\') sampling it is trained with)')
    parser.add_argument('--out', required=True, help='the CSV file of evaluations (appended, resumable)')
    args = parser.parse_args(argv)
    if args.algorithm is None:
        if args.setting not in SAC_SETTINGS:
            parser.error(f'unknown setting {args.setting!r}; settings: {", ".join(SAC_SETTINGS)}')
        algorithm, hyperparameters = 'SAC_RS', {**SAC_COMMON, **SAC_SETTINGS[args.setting]}
    else:
        algorithm, hyperparameters = args.algorithm, json.loads(args.hyperparameters)
    torch.set_num_threads(1)
    run(args.setting, algorithm, hyperparameters, args.seeds, args.n_steps, args.eval_every, args.n_eval_episodes,
        args.out, deterministic=not args.stochastic)


if __name__ == '__main__':
    sys.exit(main())
