from rnnbench import files
from rnnbench.training import probe
from rnnbench.entry import logged

w = snakemake.wildcards
with logged(snakemake.log[0]):
    record = probe.probe(w.model, int(w.maxlen), snakemake.params.config, snakemake.threads)
    files.write_json(snakemake.output[0], record)
    s = record["step_seconds"]
    print(f"{w.model}@{w.maxlen}: {1000 * s['xla']:.1f} ms a step with XLA, {1000 * s['plain']:.1f} ms without: "
          f"XLA {'on' if record['xla'] else 'off'}")
