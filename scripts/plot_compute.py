import pandas as pd

from rnnbench import report
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    report.compute_figure(pd.read_csv(snakemake.input.by_config), snakemake.params.epochs, snakemake.output[0])
