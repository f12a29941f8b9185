#!/usr/bin/env bash
# A single-node Slurm on this machine, for the integration tests and for trying `experiment submit` by hand.
#
#   scripts/slurm-local.sh start    install slurm-wlm + munge with apt-get when missing, write the configuration under
#                                   $LORA_SLURM_DIR (default /tmp/lora-slurm), start munged, slurmctld and slurmd, and
#                                   wait until the node accepts jobs. Prints the SLURM_CONF line to export.
#                                   Already running (its pid files name live daemons): says so and exits 0.
#   scripts/slurm-local.sh stop     cancel this cluster's jobs, then stop the daemons named in its pid files (and only
#                                   those); the folder is kept for its logs.
#   scripts/slurm-local.sh status   exit 0 when all three daemons run (and print sinfo), 1 otherwise.
#
# Everything lives under $LORA_SLURM_DIR: etc/slurm.conf, etc/cgroup.conf, munge/ (key, socket, seed), state/, spool/,
# log/, run/ (pid files). The node's CPUs come from nproc and its memory from /proc/meminfo (95 % of MemTotal).
# Ports: $LORA_SLURM_PORT (slurmctld, default 6817) and the next one (slurmd).
# Made for a container without systemd or cgroup delegation, as root: proctrack/linuxproc, task/none, no accounting
# daemon (AccountingStorageType=accounting_storage/none, so `sacct` is unavailable: squeue/scontrol show job states;
# MinJobAge keeps finished jobs visible to them for an hour). Job ids start from the clock (FirstJobId), so a restarted
# cluster does not hand out the ids that results folders recorded before.
set -euo pipefail

BASE="${LORA_SLURM_DIR:-/tmp/lora-slurm}"
PORT="${LORA_SLURM_PORT:-6817}"
CONF="$BASE/etc/slurm.conf"
DAEMONS=(munged slurmctld slurmd)

say() { printf 'slurm-local: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# The pid in run/<daemon>.pid when that process is alive and is that daemon (a reused pid is not ours).
live_pid() {
  local file="$BASE/run/$1.pid" pid
  [ -s "$file" ] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] || return 1
  [ "$(cat "/proc/$pid/comm")" = "$1" ] || return 1
  printf '%s\n' "$pid"
}

all_running() { local d; for d in "${DAEMONS[@]}"; do live_pid "$d" >/dev/null || return 1; done; }

install_packages() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null \
    && command -v munged >/dev/null && return 0
  [ "$(id -u)" -eq 0 ] || die "slurm-wlm and munge are not installed and this is not root: apt-get install slurm-wlm munge"
  say "installing slurm-wlm and munge with apt-get"
  # The packages' scripts would start the system's daemons (without a slurm.conf, failing the install): a policy-rc.d
  # that denies every start, as container images ship, is put in place for the install when there is none.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 0755 "$policy"; own_policy=1; fi
  local status=0
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null \
    || status=$?
  [ $own_policy -eq 1 ] && rm -f "$policy"
  [ $status -eq 0 ] || die "apt-get could not install slurm-wlm and munge (exit status $status)"
}

write_config() {
  local host cpus mem_mb
  host="$(hostname -s)"
  cpus="$(nproc)"
  mem_mb="$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.95 }' /proc/meminfo)"
  [ "$cpus" -ge 1 ] && [ "$mem_mb" -ge 64 ] || die "could not read CPUs ($cpus) or memory ($mem_mb MB) of this machine"
  cat >"$CONF" <<EOF
# Written by scripts/slurm-local.sh: one node ($host, $cpus CPUs, $mem_mb MB), everything under $BASE.
ClusterName=lora-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$BASE/munge/munge.socket
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MinJobAge=3600
FirstJobId=$(( $(date +%s) % 60000000 + 1 ))
DefMemPerCPU=$((mem_mb / cpus))
KillWait=10
InactiveLimit=0
MpiDefault=none
MailProg=/bin/true
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  # slurmd initialises a cgroup plugin even with proctrack/linuxproc and task/none: autodetect finds v1 or v2, and
  # IgnoreSystemd lets cgroup v2 work without systemd. No limits are enforced.
  printf "CgroupPlugin=autodetect\nIgnoreSystemd=yes\n" >"$BASE/etc/cgroup.conf"
}

start_munge() {
  dd if=/dev/urandom of="$BASE/munge/munge.key" bs=1024 count=1 status=none
  chmod 0400 "$BASE/munge/munge.key"
  munged --force --key-file="$BASE/munge/munge.key" --socket="$BASE/munge/munge.socket" \
    --pid-file="$BASE/run/munged.pid" --log-file="$BASE/log/munged.log" --seed-file="$BASE/munge/munged.seed"
}

# Waits (at most 30 s) until slurmctld answers and the node is idle.
wait_ready() {
  local i state
  for i in $(seq 1 60); do
    state="$(sinfo -h -N -o '%T' 2>/dev/null | head -n1 || true)"
    [ "$state" = "idle" ] && return 0
    sleep 0.5
  done
  say "the node did not become idle within 30 s (state: '${state:-no answer}'); log tails follow"
  tail -n 20 "$BASE/log/slurmctld.log" "$BASE/log/slurmd.log" "$BASE/log/munged.log" >&2 || true
  return 1
}

start() {
  export SLURM_CONF="$CONF"
  if all_running; then say "already running (SLURM_CONF=$CONF)"; echo "export SLURM_CONF=$CONF"; return 0; fi
  local d
  for d in "${DAEMONS[@]}"; do live_pid "$d" >/dev/null && die "$d runs but not all daemons do: run '$0 stop' first"; done
  install_packages
  rm -rf "$BASE"
  mkdir -p "$BASE"/{etc,munge,state,spool,log,run}
  chmod 0755 "$BASE" "$BASE"/*
  write_config
  start_munge || die "munged did not start (see $BASE/log/munged.log)"
  slurmctld -f "$CONF" || die "slurmctld did not start (see $BASE/log/slurmctld.log)"
  slurmd -f "$CONF" -N "$(hostname -s)" || die "slurmd did not start (see $BASE/log/slurmd.log)"
  wait_ready || { stop; exit 1; }
  say "running: one node, $(nproc) CPUs, partition 'local'"
  echo "export SLURM_CONF=$CONF"
}

# Stops one daemon by its pid file: SIGTERM, then SIGKILL after 10 s.
stop_daemon() {
  local pid i
  pid="$(live_pid "$1")" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do [ -d "/proc/$pid" ] || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

stop() {
  export SLURM_CONF="$CONF"
  if live_pid slurmctld >/dev/null; then
    local jobs i
    jobs="$(squeue -h -o '%A' 2>/dev/null | sort -u | tr '\n' ' ')"
    if [ -n "${jobs// /}" ]; then
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      for i in $(seq 1 30); do [ -z "$(squeue -h -t running,completing -o '%A' 2>/dev/null)" ] && break; sleep 0.5; done
    fi
  fi
  stop_daemon slurmd
  stop_daemon slurmctld
  stop_daemon munged
  say "stopped (logs kept in $BASE/log)"
}

status() {
  export SLURM_CONF="$CONF"
  local d ok=0
  for d in "${DAEMONS[@]}"; do
    if pid="$(live_pid "$d")"; then say "$d running (pid $pid)"; else say "$d not running"; ok=1; fi
  done
  [ $ok -eq 0 ] && sinfo
  return $ok
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
