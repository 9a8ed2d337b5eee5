from rnnbench import report
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    report.history_figure(report.load_histories(snakemake.input.histories), snakemake.wildcards.model,
                          int(snakemake.wildcards.maxlen), snakemake.output[0])
