from rnnbench import data
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    # The data settings off their defaults name the data folder (rnnbench/data.py, data_name), so
    # they are read from the config rather than given as params that a default config would change.
    data.prepare(snakemake.params.source, snakemake.params.path or None, snakemake.params.num_words,
                 snakemake.output.tokens, snakemake.output.meta, data.options_of(snakemake.config))
