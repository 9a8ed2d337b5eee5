from rnnbench import files
from rnnbench.data import tokens
from rnnbench.report import figures
from rnnbench.results import curves
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    runs = curves.collect(list(snakemake.input.sizes) + list(snakemake.input.grid))
    files.write_csv(snakemake.output.table, runs)
    fits, found = curves.summarise(runs, tokens.words(snakemake.input.tokens))
    files.write_json(snakemake.output.curves, found)
    figures.sizes_figure(runs, fits, snakemake.output.figure)
    print(f"{len(runs)} runs; {found['sentence']}")
