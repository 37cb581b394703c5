"""Gradient-estimator lab: bias and variance of S2PG versus BPTT against the trajectory length T.

Sweeps the trajectory length ``T`` and the fixed recurrent gain ``Z`` of the linear lab
(:func:`gradient_lab.default_lab`), draws ``N`` single-trajectory REINFORCE gradient
estimates of each estimator, and compares them with the exact gradient of the estimator's own
policy. Reports the variance (trace of the covariance, equation 17 of the paper), the bias, the
data-dependent bounds of Theorems 3.4 / 3.5 and the log-log growth slope of the variance.

Usage::

    .venv/bin/python benchmarks/gradient_variance.py --quick          # < 60 s on 2 cores
    .venv/bin/python benchmarks/gradient_variance.py --plot docs/gradient_variance.png

Writes ``gradient_variance[_quick].json`` and ``.png`` to ``--out-dir`` (default
``benchmarks/results/``) and prints a table.
"""
from __future__ import annotations

import argparse
import json
import math
import platform
import time
from pathlib import Path
from typing import Sequence

import torch

from gradient_lab import (ESTIMATORS, closed_loop_spectral_radius, default_lab, gradient_samples,
                          linear_variance_constant, summarize, true_gradient, variance_bound)

RESULTS_DIR = Path(__file__).resolve().parent / 'results'

FULL_HORIZONS = (5, 10, 20, 50, 100, 200)
QUICK_HORIZONS = (5, 10, 20, 50)
GAINS = (0.5, 0.9, 1.1, 1.3)
FULL_SAMPLES = 50_000
QUICK_SAMPLES = 4_000
COLORS = {'bptt': 'tab:red', 's2pg': 'tab:blue'}
LABELS = {'bptt': 'BPTT', 's2pg': 'S2PG'}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--quick', action='store_true', help=f'T in {QUICK_HORIZONS}, {QUICK_SAMPLES} samples')
    p.add_argument('--horizons', type=int, nargs='+', default=None, help=f'default {FULL_HORIZONS}')
    p.add_argument('--gains', type=float, nargs='+', default=list(GAINS), help='recurrent gains Z')
    p.add_argument('--samples', type=int, default=None, help=f'trajectories per point (default {FULL_SAMPLES})')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--gamma', type=float, default=0.95)
    p.add_argument('--sigma-a', type=float, default=0.5)
    p.add_argument('--sigma-z', type=float, default=0.5)
    p.add_argument('--threads', type=int, default=1, choices=(1, 2), help='torch.set_num_threads')
    p.add_argument('--out-dir', type=Path, default=RESULTS_DIR)
    p.add_argument('--plot', type=Path, default=None, help='PNG path (default: <out-dir>/<name>.png)')
    p.add_argument('--no-plot', action='store_true')
    args = p.parse_args(argv)
    if args.horizons is None:
        args.horizons = list(QUICK_HORIZONS if args.quick else FULL_HORIZONS)
    if args.samples is None:
        args.samples = QUICK_SAMPLES if args.quick else FULL_SAMPLES
    return args


def _slope(x0: float, y0: float, x1: float, y1: float) -> float:
    return math.log(y1 / y0) / math.log(x1 / x0) if y0 > 0 and y1 > 0 else math.nan


def run(args: argparse.Namespace) -> dict:
    """Runs the sweep and returns the JSON-ready result dictionary."""
    records = []
    constants = {}
    for gi, Z in enumerate(args.gains):
        system, policy = default_lab(Z, gamma=args.gamma, sigma_a=args.sigma_a, sigma_z=args.sigma_z)
        labels = policy.param_labels()
        constants[str(Z)] = {
            'closed_loop_spectral_radius': closed_loop_spectral_radius(system, policy),
            'linear_constant': {e: linear_variance_constant(system, policy, e, max(args.horizons)) for e in ESTIMATORS},
        }
        for hi, T in enumerate(args.horizons):
            for ei, est in enumerate(ESTIMATORS):
                seed = args.seed + 1000 * gi + 10 * hi + ei
                t0 = time.perf_counter()
                samples = gradient_samples(system, policy, T, args.samples, est, seed=seed)
                elapsed = time.perf_counter() - t0
                st = summarize(samples, true_gradient(system, policy, T, est))
                by_param = {name: float(sum(v for lab, v in zip(labels, st.variance.tolist()) if lab[0] == name))
                            for name in 'UKL'}
                records.append({
                    'Z': Z, 'T': T, 'estimator': est, 'seed': seed, 'n': st.n,
                    'trace_cov': st.trace_cov, 'trace_cov_by_param': by_param,
                    'bias_norm': st.bias_norm, 'std_err_norm': st.std_err_norm,
                    'max_abs_z': float(st.z_scores.abs().max()), 'chi2': st.chi2, 'dof': st.dof,
                    'true_grad': st.true.tolist(), 'true_grad_norm': float(st.true.norm()),
                    'mean_grad': st.mean.tolist(), 'bound': variance_bound(system, policy, T, est),
                    'max_return': system.max_return(T),
                    'seconds': elapsed,
                })
    # Log-log growth slope of the variance between consecutive horizons, raw and after dividing by the
    # squared return bound G_max(T)^2 = ((1 - gamma^T) / (1 - gamma))^2, the prefactor of Theorems 3.4 /
    # 3.5: what remains is the sum over t of the per-step score moments (linear in T for S2PG).
    for est in ESTIMATORS:
        for Z in args.gains:
            rows = [r for r in records if r['Z'] == Z and r['estimator'] == est]
            rows[0]['slope'] = rows[0]['slope_normalized'] = math.nan
            for a, b in zip(rows[:-1], rows[1:]):
                b['slope'] = _slope(a['T'], a['trace_cov'], b['T'], b['trace_cov'])
                b['slope_normalized'] = _slope(a['T'], a['trace_cov'] / a['max_return'] ** 2,
                                               b['T'], b['trace_cov'] / b['max_return'] ** 2)
    return {
        'description': 'Single-trajectory REINFORCE gradient estimates of BPTT and S2PG on the linear lab '
                       '(gradient_lab.default_lab); variance = trace of covariance (paper eq. 17); '
                       'bias = ||mean - exact gradient of the own policy||; bound = data-dependent Theorem 3.4/3.5.',
        'config': {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        'param_labels': labels,
        'environment': {'python': platform.python_version(), 'torch': torch.__version__,
                        'threads': torch.get_num_threads(), 'machine': platform.machine()},
        'constants': constants,
        'results': records,
    }


def print_table(result: dict) -> None:
    """Prints variance, bias / standard error and growth slope per (Z, T)."""
    rows = result['results']
    head = (f"{'Z':>4} {'T':>4} | {'Var BPTT':>10} {'Var S2PG':>10} {'BPTT/S2PG':>10} | "
            f"{'bias/SE B':>9} {'bias/SE S':>9} | {'slope B':>7} {'slope S':>7} | {'nslope B':>8} {'nslope S':>8} | "
            f"{'Var/bound B':>11} {'Var/bound S':>11}")
    print(head)
    print('-' * len(head))
    for Z in result['config']['gains']:
        for T in result['config']['horizons']:
            b, s = (next(r for r in rows if r['Z'] == Z and r['T'] == T and r['estimator'] == e) for e in ESTIMATORS)
            print(f"{Z:>4} {T:>4} | {b['trace_cov']:>10.3e} {s['trace_cov']:>10.3e} {b['trace_cov'] / s['trace_cov']:>10.3g} | "
                  f"{b['bias_norm'] / b['std_err_norm']:>9.2f} {s['bias_norm'] / s['std_err_norm']:>9.2f} | "
                  f"{b['slope']:>7.2f} {s['slope']:>7.2f} | {b['slope_normalized']:>8.2f} {s['slope_normalized']:>8.2f} | "
                  f"{b['trace_cov'] / b['bound']:>11.3f} {s['trace_cov'] / s['bound']:>11.3f}")
    print('bias/SE = ||mean - true|| / sqrt(tr Cov / N): of order 1 (E[(bias/SE)^2] = 1) for an unbiased estimator; '
          'slope = d log Var / d log T between consecutive T (1 = linear); nslope = the same for '
          'Var / G_max(T)^2, G_max(T) = (1 - gamma^T) / (1 - gamma) (removes the return-bound prefactor of '
          'Theorems 3.4/3.5); Var/bound = measured variance over the data-dependent Theorem 3.4/3.5 bound.')


def plot(result: dict, path: Path) -> None:
    """Variance (solid) and |bias| (dashed) against T, log-log, one panel per Z."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    gains, horizons, rows = result['config']['gains'], result['config']['horizons'], result['results']
    ncols = min(2, len(gains))
    nrows = math.ceil(len(gains) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.9 * nrows + 0.8), sharex=True, squeeze=False)
    for ax in axes.flat[len(gains):]:
        ax.set_visible(False)
    for ax, Z in zip(axes.flat, gains):
        for est in ESTIMATORS:
            r = [next(x for x in rows if x['Z'] == Z and x['T'] == T and x['estimator'] == est) for T in horizons]
            c = COLORS[est]
            ax.plot(horizons, [x['trace_cov'] for x in r], '-o', color=c, ms=3.5, lw=1.6, label=f'{LABELS[est]} variance')
            ax.plot(horizons, [x['bias_norm'] for x in r], '--s', color=c, ms=3, lw=1.0, label=f'{LABELS[est]} |bias|')
            ax.plot(horizons, [x['std_err_norm'] for x in r], ':', color=c, lw=0.9, alpha=0.8,
                    label=f'{LABELS[est]} std. error of mean')
        s2pg0 = next(x for x in rows if x['Z'] == Z and x['T'] == horizons[-1] and x['estimator'] == 's2pg')
        ax.plot(horizons, [s2pg0['trace_cov'] * T / horizons[-1] for T in horizons], color='0.6', lw=0.8,
                label=r'$\propto T$ (reference)')
        ax.set_xscale('log')
        ax.set_yscale('log')
        rho = result['constants'][str(Z)]['closed_loop_spectral_radius']
        ax.set_title(f'Z = {Z}  (closed-loop spectral radius {rho:.2f})', fontsize=9)
        ax.set_xlabel('trajectory length T', fontsize=8)
        ax.set_ylabel(f"tr Cov (N=1), |bias| (N={result['config']['samples']})", fontsize=7)
        ax.tick_params(labelsize=7)
        ax.grid(True, which='major', alpha=0.3)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc='lower center', ncol=4, fontsize=7, frameon=False)
    fig.suptitle('REINFORCE gradient estimators on the linear lab: BPTT vs S2PG (paper, section 3)', fontsize=10)
    fig.tight_layout(rect=(0, 0.75 / (2.9 * nrows + 0.8), 1, 0.97))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> dict:
    """Entry point: runs the sweep, writes JSON (+ PNG) and prints the table."""
    args = parse_args(argv)
    torch.set_num_threads(args.threads)  # deliberate: small per-step tensors, deterministic reductions
    name = 'gradient_variance_quick' if args.quick else 'gradient_variance'
    t0 = time.perf_counter()
    result = run(args)
    result['total_seconds'] = time.perf_counter() - t0
    args.out_dir.mkdir(parents=True, exist_ok=True)
    json_path = args.out_dir / f'{name}.json'
    json_path.write_text(json.dumps(result, indent=1, allow_nan=True))
    print_table(result)
    print(f"\nwrote {json_path}")
    if not args.no_plot:
        png = args.plot if args.plot is not None else args.out_dir / f'{name}.png'
        plot(result, png)
        print(f'wrote {png}')
    print(f"total {result['total_seconds']:.1f} s ({args.samples} samples per point, {args.threads} thread(s))")
    return result


if __name__ == '__main__':
    main()
