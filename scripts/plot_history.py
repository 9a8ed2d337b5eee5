from rnnbench import report
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    histories = report.load_histories(snakemake.input.histories)
    for (model, maxlen), path in zip(snakemake.params.configs, snakemake.output):
        report.history_figure(histories, model, maxlen, path)
