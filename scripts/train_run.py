from rnnbench import files, train
from rnnbench.entry import logged

w = snakemake.wildcards
with logged(snakemake.log[0]):
    history, metrics = train.run(snakemake.input.padded, w.model, int(w.maxlen), int(w.seed),
                                 snakemake.params.config, snakemake.threads)
    files.write_csv(snakemake.output.history, history)
    files.write_json(snakemake.output.metrics, metrics)
    print({k: v for k, v in metrics.items() if k not in ("fingerprint", "config")})
