#!/usr/bin/env bash
# Stop the daemons that slurm-up.sh started: by their PID files, else by the PIDs of the
# processes that run on this configuration.
SLURM_DIR=${1:-/tmp/rnnbench-slurm}
for daemon in slurmd slurmctld; do
  pid=$(cat "$SLURM_DIR/$daemon.pid" 2>/dev/null || pgrep -f "$daemon -f $SLURM_DIR/slurm.conf")
  [ -n "$pid" ] && kill $pid 2>/dev/null
done
pid=$(cat "$SLURM_DIR/munge/munged.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
# The configuration slurm-up.sh put in the default path goes too: with it and no controller, every
# snakemake start waited 10 s (the SLURM executor plugin runs `scontrol show config` when it is
# imported, and scontrol tries the dead controller until its timeout).
grep -qs '^ClusterName=rnnbench$' /etc/slurm/slurm.conf && rm -f /etc/slurm/slurm.conf
exit 0
