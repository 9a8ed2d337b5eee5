#!/usr/bin/env bash
# Stop the daemons that slurm-up.sh started, by their PID files.
SLURM_DIR=${1:-/tmp/rnnbench-slurm}
for pidfile in "$SLURM_DIR/slurmd.pid" "$SLURM_DIR/slurmctld.pid" "$SLURM_DIR/munge/munged.pid"; do
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
done
exit 0
