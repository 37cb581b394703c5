"""The device option: names checked once, agents moved whole, and every tensor of acting and fitting created on the
agent's device (checked on the CPU by making 'meta' the default device: a tensor made without an explicit device
would land there and break the step)."""
import numpy as np
import pytest
import torch
from mushroom_rl.core import Agent, Core

from algorithm_helpers import tiny_hyperparameters
from launchers.run.config import ExperimentConfigError, RunConfig
from mushroom_s2pg.algorithms import ExpertData, make_agent
from test_lsiq import toy_expert
from mushroom_s2pg.core.device import resolve_device
from toy_envs import ToyPOMDP

ALGORITHMS = ('SAC_RS', 'SAC_BPTT', 'SAC_WINDOW', 'TD3_RS', 'TD3_BPTT', 'PPO_RS', 'PPO_BPTT', 'PPO_WINDOW',
              'GAIL_RS', 'LSIQ_RS', 'LSIQ_BPTT')


def _expert_data(name):
    transitions = toy_expert()
    if name.startswith('LSIQ'):
        return transitions
    if name.startswith('GAIL'):
        return ExpertData(transitions.states, transitions.next_states, last=transitions.last)
    return None


def _agent(name, env, **extra):
    return make_agent(name, env.info, env.policy_obs_mask, expert_data=_expert_data(name),
                      **tiny_hyperparameters(name, **extra))


def test_device_names_are_checked_before_anything_is_built():
    env = ToyPOMDP()
    with pytest.raises(ValueError, match="Unknown device 'tpu'"):
        make_agent('SAC_RS', env.info, env.policy_obs_mask, device='tpu')
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="'cuda' was asked for, but torch .* finds no CUDA device"):
            make_agent('SAC_RS', env.info, env.policy_obs_mask, device='cuda')
    assert resolve_device('cuda:1', check_available=False) == torch.device('cuda', 1)
    assert RunConfig(env_id='PendulumPOMDP-v1', algorithm='SAC_RS', device='cuda').device == 'cuda'  # a login node
    with pytest.raises(ExperimentConfigError, match="Unknown device 'gpu'") as error:
        RunConfig(env_id='PendulumPOMDP-v1', algorithm='SAC_RS', device='gpu')
    assert error.value.field == 'device'


@pytest.mark.parametrize('name', ALGORITHMS)
def test_acting_and_fitting_create_every_tensor_on_the_agent_device(name):
    env = ToyPOMDP(horizon=10)
    agent = _agent(name, env).to('cpu')
    core = Core(agent, env)
    n_fit = tiny_hyperparameters(name).get('n_steps_per_fit', 1) if agent.default_n_steps_per_fit > 1 else 1
    core.learn(n_steps=60, n_steps_per_fit=n_fit, quiet=True)   # past the replay warm-up
    n_updates = agent._n_updates
    with torch.device('meta'):
        core.learn(n_steps=2 * n_fit, n_steps_per_fit=n_fit, quiet=True)
    assert agent._n_updates > n_updates, 'the checked steps fitted'
    assert all(p.device.type == 'cpu' and torch.isfinite(p).all() for p in agent.policy.parameters())


@pytest.mark.parametrize('name', ['SAC_RS', 'PPO_RS', 'LSIQ_RS'])
def test_moving_to_the_cpu_changes_nothing_and_saves_load_on_the_cpu(name, tmp_path):
    def trained(move):
        torch.manual_seed(0)
        np.random.seed(0)
        env = ToyPOMDP(horizon=10)
        env.seed(0)
        agent = _agent(name, env)
        if move:
            agent.to('cpu')
        n_fit = tiny_hyperparameters(name).get('n_steps_per_fit', 1) if agent.default_n_steps_per_fit > 1 else 1
        Core(agent, env).learn(n_steps=90, n_steps_per_fit=n_fit, quiet=True)
        return agent, torch.cat([p.detach().flatten() for p in agent.policy.parameters()])

    agent, parameters = trained(move=False)
    _, moved = trained(move=True)
    assert torch.equal(parameters, moved)
    agent.save(tmp_path / 'agent.msh', full_save=True)
    loaded = Agent.load(tmp_path / 'agent.msh')
    assert loaded.device == torch.device('cpu') and loaded.policy.device == torch.device('cpu')
    assert torch.equal(torch.cat([p.detach().flatten() for p in loaded.policy.parameters()]), parameters)


def test_the_device_is_a_run_option_that_does_not_define_the_run():
    config = RunConfig(env_id='PendulumPOMDP-v1', algorithm='SAC_RS', device='cuda:0')
    assert 'device' not in config.run_defining_settings() and config.arguments()['device'] == 'cuda:0'
