from rnnbench import data
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    data.prepare(snakemake.params.source, snakemake.params.path or None,
                 snakemake.params.num_words, snakemake.output.tokens, snakemake.output.meta)
