from rnnbench import files
from rnnbench.training import cores, measure
from rnnbench.entry import logged

# Measured again, up to three times, while other processes disturb it; the last try is kept and says so.
with logged(snakemake.log[0]), cores.claimed(snakemake.threads):
    for attempt in range(1, 4):
        peak = dict(measure.float32_peak(snakemake.threads), attempts=attempt)
        if not peak.get("disturbed"):
            break
        print(f"float32 peak disturbed (other processes used {peak['other_cores']:.2f} cores): measuring again")
    files.write_json(snakemake.output[0], peak)
    print(f"float32 peak: {peak['gflops_per_second']:.1f} GFLOP/s ({peak['size']}^2 matmul, {peak['threads']} threads)")
