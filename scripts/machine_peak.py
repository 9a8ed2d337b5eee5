from rnnbench import files, measure
from rnnbench.entry import logged

with logged(snakemake.log[0]):
    peak = measure.float32_peak(snakemake.threads)
    files.write_json(snakemake.output[0], peak)
    print(f"float32 peak: {peak['gflops_per_second']:.1f} GFLOP/s ({peak['size']}^2 matmul, {peak['threads']} threads)")
