from rnnbench.data import padding
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    padding.pad_file(snakemake.input.tokens, snakemake.output[0], int(snakemake.wildcards.maxlen),
                  snakemake.params.padding, snakemake.params.truncating)
