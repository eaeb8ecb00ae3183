#!/usr/bin/env bash
# Brings up a real single-node Slurm (Debian's slurm-wlm + munge, daemons started directly, no
# systemd) for the campaign integration test and for trying the job-array example locally.
# Idempotent; every daemon it starts is recorded in /run/bbs-slurm/*.pid for local-down.sh.
# Exit 0 when the node is idle; 1 on failure (logs printed).
set -euo pipefail
state=/run/bbs-slurm
mkdir -p "$state"
export DEBIAN_FRONTEND=noninteractive

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  created_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then  # keep the packages' postinst from starting daemons
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm slurmctld slurmd slurm-client munge >/dev/null
  [ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d
fi

# munge
[ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged
  sleep 0.5
  cp /run/munge/munged.pid "$state/munged.pid"
fi

# slurm.conf from what slurmd finds on this machine (RealMemory at 90 %)
layout=$(slurmd -C | head -1)
cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$layout")
boards=$(sed -n 's/.*Boards=\([0-9]*\).*/\1/p' <<<"$layout")
sockets=$(sed -n 's/.*SocketsPerBoard=\([0-9]*\).*/\1/p' <<<"$layout")
cores=$(sed -n 's/.*CoresPerSocket=\([0-9]*\).*/\1/p' <<<"$layout")
threads=$(sed -n 's/.*ThreadsPerCore=\([0-9]*\).*/\1/p' <<<"$layout")
memory=$(( $(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$layout") * 9 / 10 ))
install -d -o slurm -g slurm /var/spool/slurmctld /var/log/slurm /run/slurm
install -d /var/spool/slurmd /etc/slurm
cat > /etc/slurm/slurm.conf <<CONF
# written by bbs-dse scripts/slurm/local-up.sh
ClusterName=bbsdse
SlurmctldHost=localhost
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=4
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus Boards=$boards SocketsPerBoard=$sockets CoresPerSocket=$cores ThreadsPerCore=$threads RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF

running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
if ! running /run/slurm/slurmctld.pid; then
  /usr/sbin/slurmctld -c && sleep 0.3 && cp /run/slurm/slurmctld.pid "$state/slurmctld.pid"
fi
if ! running /run/slurm/slurmd.pid; then
  /usr/sbin/slurmd -c && sleep 0.3 && cp /run/slurm/slurmd.pid "$state/slurmd.pid"
fi

for _ in $(seq 1 120); do
  case "$(sinfo -h -n localhost -o %T 2>/dev/null)" in
    idle*|mixed*|allocated*) exit 0 ;;
    down*|drain*) scontrol update nodename=localhost state=resume >/dev/null 2>&1 || true ;;
  esac
  sleep 0.5
done
echo "local-up: the Slurm node did not become idle" >&2
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 1
