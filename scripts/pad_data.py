from rnnbench import data
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    data.pad_file(snakemake.input.tokens, snakemake.output[0], int(snakemake.wildcards.maxlen),
                  snakemake.params.padding, snakemake.params.truncating)
