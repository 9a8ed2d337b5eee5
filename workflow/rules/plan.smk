# The plan: every training job's expected seconds on this machine (rnnbench/training/plan.py), printed in one
# line before the first training job starts. A checkpoint: the jobs after it are placed once it is
# made, each with its expected seconds as its priority, so the longest start first. It waits for the
# machine's measurements and the padded data, so that every training job is ready when it is made.
checkpoint plan:
    input:
        unpack(plan_probes),
        data=f"{DATA}/tokens.json",
        padded=expand(f"{DATA}/maxlen{{maxlen}}.npz", maxlen=config["maxlens"]),
        peak=PEAK,
    output:
        PLAN,
    params:
        jobs=plan_jobs(),
        shapes=[[m, int(n)] for m in config["models"] for n in config["maxlens"]],
        cfg=dict({key: config[key] for key in ["num_words", "embedding", "units", "batch_size", "optimizer",
                                               "jit_compile", "schedule"]}, threads=TRAIN_THREADS),
        slots=plan_slots(),
        cpu=measure.cpu_model(),
    log:
        f"{OUT}/logs/plan.log",
    conda:
        "../envs/rnnbench.yaml"
    threads: TRAIN_THREADS
    priority: 1_000_000  # before any training job that is ready beside it
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../../scripts/make_plan.py"
