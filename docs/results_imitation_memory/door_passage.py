"""Door-task diagnostic for docs/results_imitation_memory: deterministic rollouts of each given run folder's agent
(RUN_DIR/agent.zip, normalised observations) on 20 seeded door pairs; its return, how many pass each wall, how many
end on a wall. Usage: .venv/bin/python docs/results_imitation_memory/door_passage.py RUN_DIR [RUN_DIR ...]"""
import sys, numpy as np
from mushroom_rl.core import Agent
from environments import make_env
rng = np.random.default_rng(0); doors = rng.uniform(10., 100., (20, 2))
for path in sys.argv[1:]:
    agent = Agent.load(path + '/agent.zip'); mdp = make_env('PointMassDoor-v0', normalize_observation=True)
    env = mdp.env.unwrapped; passed1 = passed2 = crash = 0; R = []
    with agent.deterministic(True):
        for d in doors:
            obs, _ = env.reset(seed=0, options=dict(doors=tuple(d))); agent.episode_start(); tot = 0; maxy = 0
            for _ in range(mdp.info.horizon):
                obs, _, term, _, info = env.step(agent.draw_action(obs)); tot += info['task_reward']
                maxy = max(maxy, env.agent_position[1])
                if term: crash += 1; break
            passed1 += maxy > 62.5; passed2 += maxy > 92.5; R.append(tot)
    print(f'{path}: return {np.mean(R):.1f}  past wall 1 {passed1}/20  past wall 2 {passed2}/20  wall hits {crash}/20')
