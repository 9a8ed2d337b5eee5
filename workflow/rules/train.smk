rule train:
    input:
        unpack(probe_input),
        padded=f"{DATA}/maxlen{{maxlen}}.npz",
    output:
        history=f"{RUN}/history.csv",
        metrics=f"{RUN}/metrics.json",
    params:
        config=training_config(),
    log:
        f"{OUT}/logs/train/{{model}}-maxlen{{maxlen}}-seed{{seed}}.log",
    benchmark:
        f"{OUT}/benchmarks/train/{{model}}-maxlen{{maxlen}}-seed{{seed}}.tsv"
    conda:
        "../envs/rnnbench.yaml"
    threads: TRAIN_THREADS
    priority: expected_seconds
    resources:
        mem_mb=6000,
        runtime=120,
        gpu=config["gpu"],
    script:
        "../../scripts/train_run.py"


# A trial of the search: a training run with its draw of settings, under converge, in its own folder.
use rule train as train_trial with:
    output:
        history=f"{TRIAL}/history.csv",
        metrics=f"{TRIAL}/metrics.json",
    params:
        config=trial_config,
    log:
        f"{OUT}/logs/train/{{model}}-maxlen{{maxlen}}-seed{{seed}}-trial{{trial}}.log",
    benchmark:
        f"{OUT}/benchmarks/train/{{model}}-maxlen{{maxlen}}-seed{{seed}}-trial{{trial}}.tsv"


# A point of a learning curve: a training run on `size` reviews of the pool, in its own folder.
use rule train as train_size with:
    output:
        history=f"{SIZE_RUN}/history.csv",
        metrics=f"{SIZE_RUN}/metrics.json",
    params:
        config=size_config,
    log:
        f"{OUT}/logs/train/{{model}}-maxlen{{maxlen}}-n{{size}}-seed{{seed}}.log",
    benchmark:
        f"{OUT}/benchmarks/train/{{model}}-maxlen{{maxlen}}-n{{size}}-seed{{seed}}.tsv"


# The hardware's ceiling, measured once with the training threads: the report sets each run's
# achieved GFLOP/s beside it.
rule machine_peak:
    output:
        PEAK,
    log:
        "results/logs/machine_peak.log",
    conda:
        "../envs/rnnbench.yaml"
    threads: TRAIN_THREADS
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/machine_peak.py"


# jit_compile "auto": XLA on or off, whichever made a training step faster on this machine at the
# run's shape (rnnbench/training/probe.py); once per model x maxlen and machine key.
rule xla_probe:
    output:
        PROBE,
    params:
        config={key: config[key] for key in ["num_words", "embedding", "units", "batch_size", "optimizer"]},
    log:
        "results/logs/xla_probe/{model}-maxlen{maxlen}.log",
    benchmark:
        "results/benchmarks/xla_probe/{model}-maxlen{maxlen}.tsv"
    conda:
        "../envs/rnnbench.yaml"
    threads: TRAIN_THREADS
    resources:
        mem_mb=4000,
        runtime=10,
    script:
        "../../scripts/xla_probe.py"
