#!/usr/bin/env bash
# A single-node SLURM on this machine, for trying the grids' --slurm path and for the `slurm` tests.
#
#   launchers/grids/local_slurm.sh start    install slurmctld/slurmd/munge if missing (Debian's packages, as
#                                           root), write the configuration, start munged, slurmctld and
#                                           slurmd, wait until the node is idle
#   launchers/grids/local_slurm.sh stop     stop exactly the daemons that `start` started (their pid files),
#                                           nothing else
#   launchers/grids/local_slurm.sh status   the daemons' pids and `sinfo`
#   launchers/grids/local_slurm.sh conf     print the path of the configuration (export SLURM_CONF=$(... conf))
#
# Idempotent: `start` on a running cluster only checks it. Everything lives in $S2PG_SLURM_DIR (default
# /tmp/s2pg-slurm); /etc/slurm/slurm.conf is linked to it when that file does not exist, and unlinked by `stop`.
# Timing knobs are short so that a requeued job restarts within seconds: KillWait 5 s (SIGTERM, then SIGKILL),
# cred_expire 10 s (a requeued job waits for its old credential to expire), scheduler and node intervals of 1-2 s.
set -euo pipefail

DIR=${S2PG_SLURM_DIR:-/tmp/s2pg-slurm}
CONF=$DIR/slurm.conf
ETC_CONF=/etc/slurm/slurm.conf
MARK="# written by mushroom-s2pg launchers/grids/local_slurm.sh"

die() { echo "local_slurm: $*" >&2; exit 1; }

install_packages() {
    if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null \
            && command -v munged >/dev/null; then
        return
    fi
    [ "$(id -u)" = 0 ] || die "slurmctld, slurmd, sbatch or munged is missing and installing them needs root"
    echo "local_slurm: installing slurmctld slurmd slurm-client munge (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        slurmctld slurmd slurm-client munge >/dev/null
}

write_conf() {
    local host cpus memory
    host=$(hostname -s)
    cpus=$(nproc)
    memory=$(awk '/MemTotal/ {printf "%d", $2 / 1024 * 0.9}' /proc/meminfo)
    mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log"
    cat > "$CONF" <<EOF
$MARK
ClusterName=s2pg-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=cred_expire=10
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
KillWait=5
MinJobAge=300
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
MessageTimeout=5
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    if [ ! -e "$ETC_CONF" ] && [ -d "$(dirname "$ETC_CONF")" ]; then
        ln -s "$CONF" "$ETC_CONF"
    fi
}

running() {  # running NAME: the daemon of pid file $DIR/NAME.pid is alive
    [ -f "$DIR/$1.pid" ] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null
}

start_munge() {
    if running munged; then return; fi
    if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
        return  # a munged of the system's answers already: use it, do not own it
    fi
    mkdir -p /run/munge && chown munge:munge /run/munge
    [ -f /etc/munge/munge.key ] || runuser -u munge -- mungekey --create
    runuser -u munge -- munged --pid-file=/run/munge/munged.pid
    for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
    [ -s /run/munge/munged.pid ] || die "munged did not start"
    cp /run/munge/munged.pid "$DIR/munged.pid"
}

wait_idle() {
    local state
    for _ in $(seq 60); do
        state=$(SLURM_CONF=$CONF sinfo -h -N -o %t 2>/dev/null | head -n 1 || true)
        case "$state" in
            idle|mix|alloc) echo "local_slurm: node $(hostname -s) is $state (SLURM_CONF=$CONF)"; return ;;
            down*|drain*) SLURM_CONF=$CONF scontrol update nodename="$(hostname -s)" state=resume 2>/dev/null || true ;;
        esac
        sleep 1
    done
    die "the node did not become idle within 60 s; see $DIR/log"
}

start() {
    install_packages
    mkdir -p "$DIR"
    if running slurmctld && running slurmd; then
        wait_idle
        return
    fi
    write_conf
    start_munge
    running slurmctld || slurmctld -f "$CONF"
    running slurmd || slurmd -f "$CONF"
    wait_idle
}

stop() {
    local name pid
    for name in slurmd slurmctld munged; do
        if running "$name"; then
            pid=$(cat "$DIR/$name.pid")
            kill "$pid"
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
            echo "local_slurm: stopped $name ($pid)"
        fi
        rm -f "$DIR/$name.pid"
    done
    if [ -L "$ETC_CONF" ] && [ "$(readlink "$ETC_CONF")" = "$CONF" ]; then
        rm -f "$ETC_CONF"
    fi
}

status() {
    local name
    for name in munged slurmctld slurmd; do
        if running "$name"; then echo "$name: running ($(cat "$DIR/$name.pid"))"; else echo "$name: not running"; fi
    done
    SLURM_CONF=$CONF sinfo 2>/dev/null || true
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    conf) echo "$CONF" ;;
    *) echo "usage: $0 start|stop|status|conf" >&2; exit 2 ;;
esac
