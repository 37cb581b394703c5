"""From grid results to the paper's figures and tables: ``python -m launchers.report`` (``s2pg-report``;
the command line is ``launchers.report.cli``). The runs are read from run folders (``runs``) or from one compact
table (``returns.csv``, ``table``), aggregated per task (``stats``) and over tasks and seeds with rliable
(``aggregate``), drawn (``figures``) and written as Markdown (``markdown``); the normalization's references are
``references``. Nothing is imported here."""
