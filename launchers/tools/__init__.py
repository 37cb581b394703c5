"""Tools around runs: expert data for the imitation tasks (``launchers.tools.make_expert_data``) and the
point-mass memory diagnostics (``launchers.tools.goal_following``). Nothing is imported here."""
