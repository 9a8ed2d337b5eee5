import pandas as pd

from rnnbench import files, report, search
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    trials = search.collect(snakemake.input.trials)
    files.write_csv(snakemake.output.search, trials)
    curve = search.curves(trials)
    files.write_csv(snakemake.output.budget, curve)
    report.budget_figure(curve, pd.read_csv(snakemake.input.runs), snakemake.params.schedule, snakemake.output.figure)
    print(f"{len(trials)} trials; {search.sentence(curve, search.best_at(curve))}")
