from rnnbench.training import train
from rnnbench.entry import logged

w = snakemake.wildcards
with logged(snakemake.log[0]):
    train.run_to_files(snakemake.input.padded, snakemake.output.history, snakemake.output.metrics,
                       w.model, int(w.maxlen), int(w.seed), snakemake.params.config, snakemake.threads,
                       snakemake.input.get("probe"))
