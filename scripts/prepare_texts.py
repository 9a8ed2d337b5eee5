from rnnbench.data import sources
from rnnbench.entry import logged

# Data settings off their defaults (rnnbench/data/, DATA_OPTIONS) name the data folder; this
# script, not prepare_data.py, reads them, so that the default data's rule stays as it was.
with logged(snakemake.log[0]):
    sources.prepare(snakemake.params.source, snakemake.params.path or None, snakemake.params.num_words,
                 snakemake.output.tokens, snakemake.output.meta, snakemake.params.options)
