"""The paper's experiment grids: one module per grid (``memory``, ``pomdp``, ``pomdp_privileged``, ``cpg``,
``imitation``), each a :class:`launchers.grids.spec.GridSpec` with ``main = make_main(SPEC)``; the command line
(``cli``), the runner (``runner``: local workers, SLURM batch files or a dry run), the SLURM submission
(``submission``, ``slurm``) and the grid's manifest and status (``status``); ``reproduce_small`` runs reduced
grids and then the report; ``local_slurm.sh`` sets up a single-node SLURM for the tests. Nothing is imported here."""
