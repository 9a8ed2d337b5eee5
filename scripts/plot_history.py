from rnnbench.report import figures, render
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    histories = render.load_histories(snakemake.input.histories)
    for (model, maxlen), path in zip(snakemake.params.configs, snakemake.output):
        figures.history_figure(histories, model, maxlen, path)
