import numpy as np

from rnnbench import files, report, sizes
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    runs = sizes.collect(list(snakemake.input.sizes) + list(snakemake.input.grid))
    files.write_csv(snakemake.output.table, runs)
    with np.load(snakemake.input.tokens) as tokens:
        words = np.diff(tokens["train_offsets"]) - 1  # each review's words, less the start mark
    fits, found = sizes.summarise(runs, words)
    files.write_json(snakemake.output.curves, found)
    report.sizes_figure(runs, fits, snakemake.output.figure)
    print(f"{len(runs)} runs; {found['sentence']}")
