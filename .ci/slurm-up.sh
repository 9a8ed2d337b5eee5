#!/usr/bin/env bash
# Start a one-node SLURM cluster on 127.0.0.1 for the SLURM test: Debian's slurmctld, slurmd and
# munge, no systemd, no cgroups, no accounting database. Prints the environment to use it.
# Usage: source .ci/slurm-up.sh [DIR]; ... ; .ci/slurm-down.sh [DIR]
set -euo pipefail
SLURM_DIR=${1:-/tmp/rnnbench-slurm}
if ! command -v slurmctld >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null
fi
mkdir -p "$SLURM_DIR"/{state,spool,munge}
chmod 700 "$SLURM_DIR/munge"
[ -f /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
chown munge:munge /etc/munge/munge.key 2>/dev/null || true
mkdir -p /run/munge && chown munge:munge /run/munge 2>/dev/null || true
pgrep -x munged >/dev/null || runuser -u munge -- munged --pid-file="$SLURM_DIR/munge/munged.pid" \
  || munged --force --pid-file="$SLURM_DIR/munge/munged.pid"
CPUS=$(nproc)
MEM=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 2048 ))
cat > "$SLURM_DIR/slurm.conf" <<CONF
ClusterName=rnnbench
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
StateSaveLocation=$SLURM_DIR/state
SlurmdSpoolDir=$SLURM_DIR/spool
SlurmctldPidFile=$SLURM_DIR/slurmctld.pid
SlurmdPidFile=$SLURM_DIR/slurmd.pid
SlurmctldLogFile=$SLURM_DIR/slurmctld.log
SlurmdLogFile=$SLURM_DIR/slurmd.log
NodeName=rnnbench-node NodeAddr=127.0.0.1 NodeHostname=$(hostname -s) CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=rnnbench-node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$SLURM_DIR/slurm.conf"
# Job steps (srun inside a job) look at the default path, not at SLURM_CONF: put it there too,
# unless a real cluster's configuration is already there.
mkdir -p /etc/slurm
if [ ! -f /etc/slurm/slurm.conf ] || grep -q '^ClusterName=rnnbench$' /etc/slurm/slurm.conf; then
  cp "$SLURM_CONF" /etc/slurm/slurm.conf
fi
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N rnnbench-node
for _ in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -qx idle && break
  sleep 1
done
sinfo
