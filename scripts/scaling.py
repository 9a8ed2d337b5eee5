from rnnbench import data, files, report, sizes
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    runs = sizes.collect(list(snakemake.input.sizes) + list(snakemake.input.grid))
    files.write_csv(snakemake.output.table, runs)
    fits, found = sizes.summarise(runs, data.words(snakemake.input.tokens))
    files.write_json(snakemake.output.curves, found)
    report.sizes_figure(runs, fits, snakemake.output.figure)
    print(f"{len(runs)} runs; {found['sentence']}")
