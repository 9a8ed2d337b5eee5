import pandas as pd

from rnnbench.report import figures
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    figures.compute_figure(pd.read_csv(snakemake.input.by_config), snakemake.params.epochs, snakemake.output[0])
