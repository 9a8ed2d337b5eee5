from rnnbench.data import sources
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    sources.prepare(snakemake.params.source, snakemake.params.path or None,
                 snakemake.params.num_words, snakemake.output.tokens, snakemake.output.meta)
