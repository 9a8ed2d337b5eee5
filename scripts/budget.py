import pandas as pd

from rnnbench import files
from rnnbench.report import figures
from rnnbench.results import budget
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    trials = budget.collect(snakemake.input.trials)
    files.write_csv(snakemake.output.search, trials)
    curve = budget.curves(trials)
    files.write_csv(snakemake.output.budget, curve)
    figures.budget_figure(curve, pd.read_csv(snakemake.input.runs), snakemake.params.schedule, snakemake.output.figure)
    print(f"{len(trials)} trials; {budget.sentence(curve, budget.best_at(curve))}")
