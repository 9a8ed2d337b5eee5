import os
from pathlib import Path

import psutil

# When this process started: the job's start, as a training job starts (rnnbench/training/plan.py).
STARTED = psutil.Process().create_time()

from rnnbench import files  # noqa: E402
from rnnbench.training import plan  # noqa: E402
from rnnbench.entry import logged  # noqa: E402

terminal = os.dup(1)  # the estimate goes to Snakemake's terminal as well as to the log
with logged(snakemake.log[0]):
    p = snakemake.params
    probes = {name: path for name, path in snakemake.input.items() if name not in ("data", "padded", "peak")}
    padded = {int(Path(path).stem[len("maxlen"):]): path for path in snakemake.input.padded}
    steps, startup = plan.measure_steps(p.shapes, probes, p.cfg, snakemake.threads, STARTED, padded)
    meta = files.read_json(snakemake.input.data)
    made = plan.build(p.jobs, steps, {"train": meta["train"]["reviews"], "test": meta["test"]["reviews"]},
                      p.cfg, p.slots, startup, p.cpu)
    files.write_json(snakemake.output[0], made)
    print(plan.line(made))
    os.write(terminal, f"rnnbench plan: {plan.line(made)}\n".encode())
