"""
The registry's reference hyperparameters against a table transcribed from the reference launchers, the check of
the reference table, and the generated hyperparameter tables of the documentation (``docs/algorithms.md``).

The tables between the markers ``<!-- hyperparameters:start -->`` and ``<!-- hyperparameters:end -->`` of
``docs/algorithms.md`` are rendered from the registry; rewrite them after a change of the reference values with::

    python tests/test_registry_table.py

The table below is written out independently of ``mushroom_s2pg/algorithms/reference_hyperparameters.py``, from
``robfiras/s2pg``, ``experiments/01_Reinforcement_Learning/<variant>/<setting>/launcher.py`` (and its
``experiment.py`` for the values fixed in the script). A scalar is the value on every task; a tuple gives the values
on (HalfCheetah, Hopper, Walker2d, Ant, Humanoid).

"""
import os
import sys

import pytest

from mushroom_s2pg.algorithms import (ALGORITHMS, IMITATION_ALGORITHMS, REFERENCE_HYPERPARAMETERS,
                                      declared_hyperparameters, default_hyperparameters, hyperparameter_names,
                                      hyperparameter_table_markdown)
from mushroom_s2pg.algorithms.reference_hyperparameters import ReferenceEntry, check_reference_table

TASKS = ('HalfCheetah', 'Hopper', 'Walker2d', 'Ant', 'Humanoid')
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join(ROOT, 'docs', 'algorithms.md')
START = '<!-- hyperparameters:start -->'
END = '<!-- hyperparameters:end -->'
COMMAND = 'python tests/test_registry_table.py'


def page_block(text: str) -> str:
    """The text between the markers (without them)."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f'docs/algorithms.md needs exactly one {START} ... {END} block')
    return text[text.index(START) + len(START):text.index(END)]


def with_block(text: str, table: str) -> str:
    """``text`` with the block between the markers replaced by ``table``."""
    page_block(text)
    return text[:text.index(START) + len(START)] + '\n' + table + text[text.index(END):]


# network_structure: the GRU networks of s2pg/networks/recurrent_networks.py (SACRecurrentActorNetwork,
# SACBPTTActorNetwork, TD3ActorRecurrentNetwork, TD3ActorBPTTNetwork, PPOActorRecurrentNetwork, PPOActorBPTTNetwork,
# PPOCriticBPTTNetwork) all read the observation again after the GRU through a layer of their own (_h1_o_post_rnn),
# with Xavier gains; every experiment script's MLPs (vanilla_networks.py: SACActorNetwork, SACCriticNetwork,
# TD3ActorNetwork, FullyConnectedNetwork, PPONetwork; the window actors) set their own initialisation.
NETWORKS = dict(network_structure='reference')
# Common to the SAC experiment scripts (alg_params and the launchers' defaults). tanh_log_prob: every SAC policy of
# s2pg/policy/recurrent_policy.py (SACRecurrentPolicy, SACBPTTPolicy, SACWindowPolicy) subtracts
# log(1 - y^2 + 1e-6) (its _eps_log_prob = 1e-6).
SAC_SCRIPT = dict(batch_size=256, initial_replay_size=5000, max_replay_size=500000, warmup_transitions=10000,
                  lr_actor=1e-4, init_alpha=1.0, tanh_log_prob='reference', **NETWORKS)
# Common to the TD3 experiment scripts.
TD3_SCRIPT = dict(batch_size=100, initial_replay_size=10000, max_replay_size=1000000, tau=0.005, policy_delay=2,
                  target_noise=0.2, target_noise_clip=0.5, **NETWORKS)
# Common to the PPO launchers / experiment scripts.
PPO_SCRIPT = dict(n_steps_per_fit=2000, n_epochs=10, batch_size=32, lam=0.95, **NETWORKS)

#                                                HalfCheetah Hopper Walker2d Ant   Humanoid
EXPECTED = {
    # 02_RS/02_POMDP_Privileged_Information/01_SAC_RS
    # critic_init_scale: the reference's critic (s2pg/networks/critics_with_hidden.py) initialises every layer with
    # Xavier at 0.1 times the layer's gain
    'SAC_RS': dict(SAC_SCRIPT, tau=0.001, tau_z=1.0, policy_state_entropy_in_target=False, policy_state_dim=32,
                   critic_init_scale=0.1,
                   lr_critic=(1e-3,       1e-3,  3e-4,    1e-4, 1e-4),
                   lr_alpha=(3e-4,        3e-4,  3e-4,    3e-4, 5e-6),
                   init_alpha_z=(0.01,    0.01,  0.01,    0.01, 0.1),
                   lr_alpha_z=(3e-4,      3e-4,  3e-4,    1e-6, 5e-6)),
    # 01_BPTT/02_POMDP_Privileged_Information/01_SAC_BPTT
    'SAC_BPTT': dict(SAC_SCRIPT, tau=0.005, lr_critic=3e-4, policy_state_dim=32, truncation_length=5,
                     lr_alpha=(3e-4,      3e-4,  3e-4,    3e-4, 5e-6)),
    # 03_Window/02_POMDP_Privileged_Information/01_SAC_Window
    'SAC_WINDOW': dict(SAC_SCRIPT, tau=0.005, lr_critic=3e-4, window_length=5,
                       lr_alpha=(3e-4,    3e-4,  3e-4,    3e-4, 5e-6)),
    # 04_Vanilla/02_POMDP_Privileged_Information/01_SAC_pI
    'SAC_VANILLA': dict(SAC_SCRIPT, tau=0.001, lr_critic=3e-4,
                        lr_alpha=(3e-4,   3e-4,  3e-4,    3e-4, 5e-6)),
    # 05_Oracle/02_POMDP_Privileged_Information/01_SAC_Oracle
    'SAC_ORACLE': dict(SAC_SCRIPT, tau=0.001, lr_critic=3e-4,
                       lr_alpha=(3e-4,    3e-4,  3e-4,    3e-4, 5e-6)),
    # 02_RS/02_POMDP_Privileged_Information/02_TD3_RS
    'TD3_RS': dict(TD3_SCRIPT, lr_critic=1e-3, tau_z=1.0, policy_state_dim=32, critic_init_scale=0.1,
                   lr_actor=(1e-3,        1e-3,  1e-3,    1e-3, 1e-4),
                   std=(0.4,              0.1,   0.1,     0.1,  0.1),
                   std_z=(0.01,           0.01,  0.1,     0.1,  0.01)),
    # 01_BPTT/02_POMDP_Privileged_Information/02_TD3_BPTT
    'TD3_BPTT': dict(TD3_SCRIPT, lr_actor=5e-4, lr_critic=1e-3, policy_state_dim=32, truncation_length=5,
                     std=(0.4,            0.1,   0.1,     0.1,  0.1)),
    # 03_Window/02_POMDP_Privileged_Information/02_TD3_Window
    'TD3_WINDOW': dict(TD3_SCRIPT, lr_actor=1e-3, lr_critic=1e-3, window_length=5,
                       std=(0.1,          0.1,   0.1,     0.1,  0.4)),
    # 04_Vanilla/02_POMDP_Privileged_Information/02_TD3_pI
    'TD3_VANILLA': dict(TD3_SCRIPT, lr_actor=1e-3, lr_critic=1e-3,
                        std=(0.1,         0.1,   0.1,     0.1,  0.4)),
    # 05_Oracle/02_POMDP_Privileged_Information/02_TD3_Oracle
    'TD3_ORACLE': dict(TD3_SCRIPT, lr_actor=1e-3, lr_critic=1e-3, std=0.1),
    # 02_RS/01_POMDP
    'PPO_RS': dict(PPO_SCRIPT, lr_actor=5e-5, lr_critic=5e-5, std_0=0.5, policy_state_dim=128,
                   eps_clip=(0.2,         0.05,  0.05,    0.2,  0.1)),
    # 01_BPTT/01_POMDP
    'PPO_BPTT': dict(PPO_SCRIPT, std_0=0.5, policy_state_dim=128, truncation_length=5,
                     lr_actor=(5e-5,      5e-5,  1e-4,    1e-4, 1e-4),
                     lr_critic=(5e-5,     5e-5,  1e-4,    1e-4, 1e-4),
                     eps_clip=(0.2,       0.1,   0.2,     0.2,  0.2)),
    # 03_Window/01_POMDP
    'PPO_WINDOW': dict(PPO_SCRIPT, std_0=0.5, window_length=5,
                       lr_actor=(5e-5,    5e-5,  1e-4,    1e-4, 5e-5),
                       lr_critic=(5e-5,   5e-5,  1e-4,    1e-4, 5e-5),
                       eps_clip=(0.2,     0.1,   0.2,     0.2,  0.1)),
    # 04_Vanilla/01_POMDP
    'PPO_VANILLA': dict(PPO_SCRIPT, std_0=1.0,
                        lr_actor=(1e-4,   1e-4,  1e-4,    1e-4, 5e-5),
                        lr_critic=(1e-4,  1e-4,  1e-4,    1e-4, 5e-5),
                        eps_clip=(0.01,   0.01,  0.01,    0.01, 0.005)),
    # 05_Oracle/01_POMDP
    'PPO_ORACLE': dict(PPO_SCRIPT, std_0=0.5,
                       lr_actor=(1e-4,    1e-4,  1e-4,    1e-4, 5e-5),
                       lr_critic=(1e-4,   1e-4,  1e-4,    1e-4, 5e-5),
                       eps_clip=(0.01,    0.01,  0.01,    0.01, 0.005)),
}


def _expected(name, task):
    index = TASKS.index(task)
    return {key: value[index] if isinstance(value, tuple) else value for key, value in EXPECTED[name].items()}


def test_expected_table_covers_every_reinforcement_learning_algorithm():
    assert set(EXPECTED) == set(ALGORITHMS) - set(IMITATION_ALGORITHMS)


@pytest.mark.parametrize('task', TASKS)
@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_registry_matches_reference_launchers(name, task):
    resolved = default_hyperparameters(name, f'{task}POMDP-v5')
    mismatches = {key: (resolved.get(key), value) for key, value in _expected(name, task).items()
                  if key not in resolved or resolved[key] != value or type(resolved[key]) is not type(value)}
    assert not mismatches, f'{name} on {task}: (registry, reference) = {mismatches}'


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_registry_sets_only_checked_values(name):
    """Every value the package's table sets is in the transcription above (nothing unverified)."""
    entry = REFERENCE_HYPERPARAMETERS[name]
    keys = set(entry.common).union(*(set(values) for values in entry.per_task.values()))
    assert keys == set(EXPECTED[name])


@pytest.mark.parametrize('name', sorted(ALGORITHMS))
def test_tasks_without_reference_values_get_constructor_defaults(name):
    assert default_hyperparameters(name, 'PointMassMemory-v0') == default_hyperparameters(name)
    assert default_hyperparameters(name, 'PointMassDoor-v0') == default_hyperparameters(name)


def test_constructor_defaults_are_kept_for_values_not_in_the_table():
    resolved = default_hyperparameters('SAC_RS', 'HalfCheetahPOMDP-v5')
    assert resolved['n_features_actor'] == default_hyperparameters('SAC_RS')['n_features_actor']
    assert default_hyperparameters('SAC_BPTT', 'PointMassMemory-v0')['tau'] == 0.001  # constructor default


def test_table_rejects_unknown_hyperparameter():
    table = dict(SAC_RS=ReferenceEntry(source='x', common=dict(lr_actr=1e-4),
                                       per_task=dict(Humanoid=dict(std_z=0.1))))
    with pytest.raises(ValueError) as error:
        check_reference_table(table, ALGORITHMS, declared_hyperparameters)
    message = str(error.value)
    assert "SAC_RS (common): unknown hyperparameter(s) 'lr_actr'" in message
    assert "SAC_RS (Humanoid): unknown hyperparameter(s) 'std_z'" in message
    assert 'lr_actor' in message  # the valid names are listed


def test_table_rejects_unknown_task_and_algorithm():
    table = dict(SAC_RS=ReferenceEntry(source='x', common=dict(), per_task=dict(Cheetah=dict(tau=0.1))),
                 SAC_XYZ=ReferenceEntry(source='x', common=dict()))
    with pytest.raises(ValueError, match=r"(?s)SAC_RS: unknown task\(s\) 'Cheetah'.*unknown algorithm 'SAC_XYZ'"):
        check_reference_table(table, ALGORITHMS, declared_hyperparameters)


def test_table_rejects_a_value_of_the_wrong_type():
    table = dict(SAC_RS=ReferenceEntry(source='x', common=dict(batch_size=0.5, tau_z='1')))
    with pytest.raises(ValueError, match=r"(?s)batch_size: expected an integer, got 0.5.*tau_z: expected a finite"):
        check_reference_table(table, ALGORITHMS, declared_hyperparameters)


def test_package_table_is_valid():
    check_reference_table(REFERENCE_HYPERPARAMETERS, ALGORITHMS, declared_hyperparameters)


def test_documented_hyperparameter_tables_are_generated():
    with open(PAGE) as f:
        text = f.read()
    assert page_block(text) == '\n' + hyperparameter_table_markdown(), \
        f'docs/algorithms.md\'s hyperparameter tables differ from the registry; regenerate them with: {COMMAND}'
    assert text.index('## Hyperparameters') < text.index(START)


def test_the_block_is_replaced_and_nothing_else():
    text = f'before\n{START}\nold\n{END}\nafter\n'
    assert with_block(text, 'new\n') == f'before\n{START}\nnew\n{END}\nafter\n'
    with pytest.raises(ValueError, match='exactly one'):
        page_block('no markers')


def test_rendered_table_shows_per_task_values():
    table = hyperparameter_table_markdown()
    assert '| `lr_critic` | 1e-3 (Walker2d 3e-4; Ant, Humanoid 1e-4) | 3e-4 |' in table
    assert '| `eps_clip` | 0.2 (Hopper, Walker2d 0.05; Humanoid 0.1) |' in table


if __name__ == '__main__':   # rewrite the page's generated block
    with open(PAGE) as f:
        current = f.read()
    updated = with_block(current, hyperparameter_table_markdown())
    if updated != current:
        with open(PAGE, 'w') as f:
            f.write(updated)
    print(f'{PAGE}: ' + ('updated' if updated != current else 'up to date'))
    sys.exit(0)
