"""
The reference hyperparameters of every algorithm on every locomotion task, as data.

Transcribed from the authors' public launchers, repository ``robfiras/s2pg``, folder
``experiments/01_Reinforcement_Learning/`` (``launcher.py`` of each variant, and its ``experiment.py`` for the values
the launcher leaves at the script's defaults or hard-codes in the algorithm's arguments). Five launchers exist in two
versions (commits ``6fed32e`` and ``04688ad``); the table follows ``04688ad``, which reads as the later clean-up (it
drops unused settings and makes SAC-Oracle use its Humanoid temperature). They differ for SAC-RS (``6fed32e``: Ant
lr_critic 3e-4 and lr_alpha_z 5e-6, Humanoid lr_critic 3e-4 and init_alpha_z 0.01), SAC-Oracle (``6fed32e``:
Humanoid lr_alpha 3e-4) and TD3-Oracle (``6fed32e``: Humanoid std 0.4); PPO-RS and PPO-BPTT have the same values in
both. The paper's appendix D only gives the network structures, no numbers.

Each algorithm has one :class:`ReferenceEntry`: the folder the values come from, the values common to all tasks, and
the values of single tasks (which override the common ones). Names are ours (the constructors'); the reference's
names map as: ``alpha_z0``/``init_alpha_hidden`` -> ``init_alpha_z``, ``lr_alpha_hidden`` -> ``lr_alpha_z``,
``new_state_update_tau`` -> ``tau_z``, ``add_hidden_entropy`` -> ``policy_state_entropy_in_target``,
``std_hidden`` -> ``std_z``, ``noise_std``/``noise_clip`` -> ``target_noise``/``target_noise_clip``,
``hidden_state_dim_per_layer``/``n_hidden_features`` -> ``policy_state_dim``, ``clip_eps_ppo`` -> ``eps_clip``,
``n_epochs_policy`` -> ``n_epochs``, ``batch_size_actor`` -> ``batch_size``, ``gae_lambda`` -> ``lam``,
``truncation_length`` -> ``truncation_length`` (BPTT) or ``window_length`` (window). The launchers run truncation and
window lengths 5 and 32; the table holds 5 (32 is a grid entry's override).

Network widths are not in the table: they are the constructors' defaults (the reference's architectures). One
network choice is: the S2PG critic's initialisation, Xavier at a tenth of the usual gain in the reference
(``critic_init_scale=0.1``), where SAC_RS's library default is PyTorch's (``critic_init_scale=None``), with which
S2PG learns short-memory tasks reliably (measured on ``PendulumPOMDP-v1``; the documentation's short-memory study);
the table keeps the reference's value for the paper's tasks, and the grids on other tasks set it in their entries.
So does the networks' structure: the reference's separate post-GRU observation layer and Xavier gains in the GRU
networks, and the reference classes' initialisation of the baselines' MLPs (``network_structure='reference'``,
``s2pg/networks/recurrent_networks.py`` and ``vanilla_networks.py``; every algorithm of the table) on the paper's
tasks, the library's (``'library'``, measured in the short-memory study) elsewhere; and the tanh correction of the
SAC policies' log-probabilities, log(1 - y^2 + 1e-6) in the reference (``tanh_log_prob='reference'``,
``s2pg/policy/recurrent_policy.py``), the exact log-Jacobian by default.
The registry (:mod:`mushroom_s2pg.algorithms.registry`) checks at import that every name here is a hyperparameter of
its algorithm, of the declared type, and :func:`hyperparameter_table_markdown` renders the table for the
documentation's algorithms page.

"""
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

from mushroom_s2pg.algorithms.hyperparameters import Hyperparameter, type_problem

__all__ = ['TASKS', 'ReferenceEntry', 'REFERENCE_HYPERPARAMETERS', 'task_of', 'reference_hyperparameters',
           'check_reference_table', 'hyperparameter_table_markdown']

#: The locomotion tasks with reference hyperparameters; an environment id's task is its prefix
#: (``'HalfCheetahPOMDP-v5'`` -> ``'HalfCheetah'``).
TASKS: Tuple[str, ...] = ('HalfCheetah', 'Hopper', 'Walker2d', 'Ant', 'Humanoid')

#: Folder of the launchers under ``robfiras/s2pg``.
SOURCE_ROOT = 'experiments/01_Reinforcement_Learning'


@dataclass(frozen=True)
class ReferenceEntry:
    """
    The reference hyperparameters of one algorithm.

    Args:
        source (str): folder under :data:`SOURCE_ROOT` whose ``launcher.py`` / ``experiment.py`` hold the values;
        common (Mapping[str, Any]): values on every task;
        per_task (Mapping[str, Mapping[str, Any]]): values of single tasks; they override ``common``.

    """
    source: str
    common: Mapping[str, Any]
    per_task: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def values(self, task: Optional[str]) -> Dict[str, Any]:
        """The values on ``task``; an empty dictionary for a task without reference values (``None``)."""
        if task is None:
            return dict()
        values = dict(self.common)
        values.update(self.per_task.get(task, {}))
        return values


def _per_task(**columns: Tuple[Any, ...]) -> Dict[str, Dict[str, Any]]:
    """Per-task values given as one tuple per hyperparameter, in the order of :data:`TASKS`."""
    table: Dict[str, Dict[str, Any]] = {task: dict() for task in TASKS}
    for name, column in columns.items():
        if len(column) != len(TASKS):
            raise ValueError(f'{name}: {len(column)} values for the {len(TASKS)} tasks {TASKS}')
        for task, value in zip(TASKS, column):
            table[task][name] = value
    return table


# ---------------------------------------------------------------------------------------------------------- SAC
# Every SAC experiment.py: batch from the launcher (256), initial replay 5000, max replay 500000, warm-up 10000
# transitions, actor lr 1e-4 (launcher), alpha0 1.0.
_SAC = dict(batch_size=256, initial_replay_size=5000, max_replay_size=500_000, warmup_transitions=10_000,
            lr_actor=1e-4, init_alpha=1.0, tanh_log_prob='reference', network_structure='reference')


# ---------------------------------------------------------------------------------------------------------- TD3
# Every TD3 experiment.py: batch 100, initial replay 10000, max replay 1e6, tau 0.005, policy delay 2,
# target smoothing noise 0.2 clipped at 0.5.
_TD3 = dict(batch_size=100, initial_replay_size=10_000, max_replay_size=1_000_000, tau=0.005, policy_delay=2,
            target_noise=0.2, target_noise_clip=0.5, network_structure='reference')

# ---------------------------------------------------------------------------------------------------------- PPO
# Every PPO launcher / experiment.py (non-privileged POMDP setting): fit every 2000 steps, 10 epochs per fit,
# minibatch 32 (actor and critic), GAE lambda 0.95.
_PPO = dict(n_steps_per_fit=2000, n_epochs=10, batch_size=32, lam=0.95, network_structure='reference')

#: The reference hyperparameters, per algorithm (see the module docstring for the sources and name mapping).
REFERENCE_HYPERPARAMETERS: Dict[str, ReferenceEntry] = {
    # ----------------------------------------------------------------------------------------------- SAC
    'SAC_RS': ReferenceEntry(
        source='02_RS/02_POMDP_Privileged_Information/01_SAC_RS',
        common=dict(_SAC, tau=0.001, lr_alpha=3e-4, init_alpha_z=0.01, lr_alpha_z=3e-4, tau_z=1.0,
                    policy_state_entropy_in_target=False, policy_state_dim=32, critic_init_scale=0.1),
        per_task=dict(
            HalfCheetah=dict(lr_critic=1e-3),
            Hopper=dict(lr_critic=1e-3),
            Walker2d=dict(lr_critic=3e-4),
            Ant=dict(lr_critic=1e-4, lr_alpha_z=1e-6),
            Humanoid=dict(lr_critic=1e-4, lr_alpha=5e-6, init_alpha_z=0.1, lr_alpha_z=5e-6),
        )),
    'SAC_BPTT': ReferenceEntry(
        source='01_BPTT/02_POMDP_Privileged_Information/01_SAC_BPTT',
        common=dict(_SAC, tau=0.005, lr_critic=3e-4, lr_alpha=3e-4, policy_state_dim=32, truncation_length=5),
        per_task=dict(Humanoid=dict(lr_alpha=5e-6))),
    'SAC_WINDOW': ReferenceEntry(
        source='03_Window/02_POMDP_Privileged_Information/01_SAC_Window',
        common=dict(_SAC, tau=0.005, lr_critic=3e-4, lr_alpha=3e-4, window_length=5),
        per_task=dict(Humanoid=dict(lr_alpha=5e-6))),
    'SAC_VANILLA': ReferenceEntry(
        source='04_Vanilla/02_POMDP_Privileged_Information/01_SAC_pI',
        common=dict(_SAC, tau=0.001, lr_critic=3e-4, lr_alpha=3e-4),
        per_task=dict(Humanoid=dict(lr_alpha=5e-6))),
    'SAC_ORACLE': ReferenceEntry(
        source='05_Oracle/02_POMDP_Privileged_Information/01_SAC_Oracle',
        common=dict(_SAC, tau=0.001, lr_critic=3e-4, lr_alpha=3e-4),
        per_task=dict(Humanoid=dict(lr_alpha=5e-6))),
    # ----------------------------------------------------------------------------------------------- TD3
    'TD3_RS': ReferenceEntry(
        source='02_RS/02_POMDP_Privileged_Information/02_TD3_RS',
        common=dict(_TD3, lr_critic=1e-3, tau_z=1.0, policy_state_dim=32, critic_init_scale=0.1),
        per_task=_per_task(
            #        HalfCheetah Hopper Walker2d Ant   Humanoid
            lr_actor=(1e-3,      1e-3,  1e-3,    1e-3, 1e-4),
            std=(0.4,            0.1,   0.1,     0.1,  0.1),
            std_z=(0.01,         0.01,  0.1,     0.1,  0.01),
        )),
    'TD3_BPTT': ReferenceEntry(
        source='01_BPTT/02_POMDP_Privileged_Information/02_TD3_BPTT',
        common=dict(_TD3, lr_actor=5e-4, lr_critic=1e-3, std=0.1, policy_state_dim=32, truncation_length=5),
        per_task=dict(HalfCheetah=dict(std=0.4))),
    'TD3_WINDOW': ReferenceEntry(
        source='03_Window/02_POMDP_Privileged_Information/02_TD3_Window',
        common=dict(_TD3, lr_actor=1e-3, lr_critic=1e-3, std=0.1, window_length=5),
        per_task=dict(Humanoid=dict(std=0.4))),
    'TD3_VANILLA': ReferenceEntry(
        source='04_Vanilla/02_POMDP_Privileged_Information/02_TD3_pI',
        common=dict(_TD3, lr_actor=1e-3, lr_critic=1e-3, std=0.1),
        per_task=dict(Humanoid=dict(std=0.4))),
    'TD3_ORACLE': ReferenceEntry(
        source='05_Oracle/02_POMDP_Privileged_Information/02_TD3_Oracle',
        common=dict(_TD3, lr_actor=1e-3, lr_critic=1e-3, std=0.1)),
    # ----------------------------------------------------------------------------------------------- PPO
    'PPO_RS': ReferenceEntry(
        source='02_RS/01_POMDP',
        common=dict(_PPO, lr_actor=5e-5, lr_critic=5e-5, std_0=0.5, policy_state_dim=128),
        per_task=_per_task(
            #         HalfCheetah Hopper Walker2d Ant  Humanoid
            eps_clip=(0.2,        0.05,  0.05,    0.2, 0.1),
        )),
    'PPO_BPTT': ReferenceEntry(
        source='01_BPTT/01_POMDP',
        common=dict(_PPO, std_0=0.5, policy_state_dim=128, truncation_length=5),
        per_task=_per_task(
            #         HalfCheetah Hopper Walker2d Ant   Humanoid
            lr_actor=(5e-5,       5e-5,  1e-4,    1e-4, 1e-4),
            lr_critic=(5e-5,      5e-5,  1e-4,    1e-4, 1e-4),
            eps_clip=(0.2,        0.1,   0.2,     0.2,  0.2),
        )),
    'PPO_WINDOW': ReferenceEntry(
        source='03_Window/01_POMDP',
        common=dict(_PPO, std_0=0.5, window_length=5),
        per_task=_per_task(
            #         HalfCheetah Hopper Walker2d Ant   Humanoid
            lr_actor=(5e-5,       5e-5,  1e-4,    1e-4, 5e-5),
            lr_critic=(5e-5,      5e-5,  1e-4,    1e-4, 5e-5),
            eps_clip=(0.2,        0.1,   0.2,     0.2,  0.1),
        )),
    'PPO_VANILLA': ReferenceEntry(
        source='04_Vanilla/01_POMDP',
        common=dict(_PPO, lr_actor=1e-4, lr_critic=1e-4, eps_clip=0.01, std_0=1.0),
        per_task=dict(Humanoid=dict(lr_actor=5e-5, lr_critic=5e-5, eps_clip=0.005))),
    'PPO_ORACLE': ReferenceEntry(
        source='05_Oracle/01_POMDP',
        common=dict(_PPO, lr_actor=1e-4, lr_critic=1e-4, eps_clip=0.01, std_0=0.5),
        per_task=dict(Humanoid=dict(lr_actor=5e-5, lr_critic=5e-5, eps_clip=0.005))),
}


def task_of(env_id: str) -> Optional[str]:
    """The task of an environment id (the longest task name it starts with), or ``None`` for other tasks."""
    matches = [task for task in TASKS if env_id.startswith(task)]
    return max(matches, key=len) if matches else None


def reference_hyperparameters(name: str, env_id: str) -> Dict[str, Any]:
    """
    The reference values of algorithm ``name`` on the task of ``env_id`` (only the table's values, not the
    constructor defaults; empty for an algorithm or a task without reference values).

    """
    entry = REFERENCE_HYPERPARAMETERS.get(name)
    return entry.values(task_of(env_id)) if entry is not None else dict()


def check_reference_table(table: Mapping[str, ReferenceEntry], algorithms: Iterable[str],
                          declarations: Callable[[str], Mapping[str, Hyperparameter]]) -> None:
    """
    Check a reference table: known algorithms, known tasks, and only hyperparameters of the algorithm, with values of
    their declared types.

    Args:
        table (Mapping[str, ReferenceEntry]): the table, e.g. :data:`REFERENCE_HYPERPARAMETERS`;
        algorithms (Iterable[str]): the registered algorithm names;
        declarations (Callable): the declared hyperparameters of an algorithm name, by name
            (:func:`mushroom_s2pg.algorithms.registry.declared_hyperparameters`).

    Raises:
        ValueError: naming every unknown algorithm, task and hyperparameter (with the valid hyperparameters) and every
            value of the wrong type.

    """
    algorithms = tuple(algorithms)
    problems: List[str] = []
    for name, entry in table.items():
        if name not in algorithms:
            problems.append(f"unknown algorithm '{name}' (valid: {', '.join(algorithms)})")
            continue
        unknown_tasks = sorted(set(entry.per_task) - set(TASKS))
        if unknown_tasks:
            problems.append(f"{name}: unknown task(s) {', '.join(map(repr, unknown_tasks))} "
                            f"(valid: {', '.join(TASKS)})")
        declared = declarations(name)
        valid = tuple(declared)
        for where, values in (('common', entry.common), *entry.per_task.items()):
            unknown = sorted(set(values) - set(valid))
            if unknown:
                problems.append(f"{name} ({where}): unknown hyperparameter(s) {', '.join(map(repr, unknown))} "
                                f"(valid: {', '.join(valid)})")
            for key in sorted(set(values) & set(valid)):
                problem = type_problem(values[key], declared[key])
                if problem:
                    problems.append(f'{name} ({where}): {key}: {problem}, got {values[key]!r}')
    if problems:
        raise ValueError('Invalid reference hyperparameter table:\n  ' + '\n  '.join(problems))


# ---------------------------------------------------------------------------------------------- README table
_FAMILIES = ('SAC', 'TD3', 'PPO')
_VARIANTS = ('RS', 'BPTT', 'WINDOW', 'VANILLA', 'ORACLE')
# Row order of the rendered tables (names not listed follow in the order of the table).
_ROW_ORDER = ('lr_actor', 'lr_critic', 'tau', 'batch_size', 'initial_replay_size', 'max_replay_size',
              'warmup_transitions', 'init_alpha', 'lr_alpha', 'init_alpha_z', 'lr_alpha_z', 'tau_z',
              'policy_state_entropy_in_target', 'std', 'std_z', 'policy_delay', 'target_noise', 'target_noise_clip',
              'eps_clip', 'std_0', 'n_steps_per_fit', 'n_epochs', 'lam', 'policy_state_dim', 'truncation_length',
              'window_length', 'network_structure', 'critic_init_scale', 'tanh_log_prob')


def _format(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    if value != 0 and abs(value) < 1e-2:
        mantissa, exponent = f'{value:.6e}'.split('e')
        return f'{float(mantissa):g}e{int(exponent)}'
    return f'{value:.1f}' if value.is_integer() else f'{value:g}'


def _cell(entry: Optional[ReferenceEntry], name: str) -> str:
    """One value for every task, or the value of most tasks followed by the other tasks' values."""
    if entry is None:
        return '-'
    per_task = {task: entry.values(task) for task in TASKS}
    if not any(name in values for values in per_task.values()):
        return '-'
    groups: Dict[str, List[str]] = dict()
    for task in TASKS:
        groups.setdefault(_format(per_task[task].get(name, '(default)')), []).append(task)
    values = list(groups)
    main = max(values, key=lambda v: len(groups[v]))  # the first of the most frequent values
    others = '; '.join(f"{', '.join(groups[v])} {v}" for v in values if v != main)
    return f'{main} ({others})' if others else main


def hyperparameter_table_markdown(table: Optional[Mapping[str, ReferenceEntry]] = None) -> str:
    """
    The reference hyperparameters as Markdown: one table per family (SAC, TD3, PPO), a row per hyperparameter and a
    column per variant; a cell gives the value on every task, or the value of most tasks and, in parentheses, the
    other tasks' values. ``-``: not set by the reference (the constructor default applies).

    """
    table = REFERENCE_HYPERPARAMETERS if table is None else table
    lines: List[str] = []
    for family in _FAMILIES:
        names = [f'{family}_{variant}' for variant in _VARIANTS]
        rows: List[str] = []
        for name in names:
            entry = table.get(name)
            if entry is None:
                continue
            for values in (entry.common, *entry.per_task.values()):
                rows.extend(key for key in values if key not in rows)
        rows.sort(key=lambda key: _ROW_ORDER.index(key) if key in _ROW_ORDER else len(_ROW_ORDER))
        if lines:
            lines.append('')
        lines.append(f'### {family}')
        lines.append('')
        lines.append('| hyperparameter | ' + ' | '.join(f'`{name}`' for name in names) + ' |')
        lines.append('|---' * (len(names) + 1) + '|')
        for row in rows:
            lines.append(f'| `{row}` | ' + ' | '.join(_cell(table.get(name), row) for name in names) + ' |')
        lines.append('')
        sources = '; '.join(f'{name.split("_", 1)[1]}: `{table[name].source}`' for name in names if name in table)
        lines.append(f'Sources (under `robfiras/s2pg/{SOURCE_ROOT}/`): {sources}.')
    return '\n'.join(lines) + '\n'
