from rnnbench import files
from rnnbench.results import summary
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    runs = summary.collect(snakemake.input.metrics)
    files.write_csv(snakemake.output.runs, runs)
    files.write_csv(snakemake.output.by_config, summary.by_config(runs))
    print(f"{len(runs)} runs aggregated")
