"""One run: ``launchers.run.experiment`` (the command line and :func:`launchers.run.experiment.experiment`), its
settings (``launchers.run.config.RunConfig``), its epochs (``launchers.run.training``), its checkpoint
(``launchers.run.checkpoint``), its folder's lock (``launchers.run.lock``) and the preemption signals
(``launchers.run.preemption``). Nothing is imported here, so that ``python -m launchers.run.experiment`` runs
cleanly."""
