#!/usr/bin/env bash
# tools/sweep --backend slurm against a real single-node Slurm: munged, slurmctld and slurmd from Debian,
# started here without systemd, with their keys, sockets, state and logs in the test's temporary
# directory, and stopped at the end. The sweep runs as job arrays (MaxArraySize=4 forces two arrays for six
# points) and its merged CSV must be byte-identical to the local backend's. Then: a deleted point is the
# only task resubmitted; SIGTERM cancels the arrays and keeps the finished points; a failing task is
# reported by index with its logs; a point gigasim refuses cancels the arrays.
# Exit 77 (skipped) where the daemons cannot run: not root, or the Debian packages missing.
source "$(dirname "$0")/lib.sh" "$@"
set -o pipefail
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "the Slurm daemons need root (slurmd starts jobs as their user)"
PATH=$PATH:/usr/sbin:/sbin  # the daemons live there, and a test's PATH may lack it
for c in munged mungekey slurmctld slurmd sbatch squeue scancel sinfo scontrol; do
  command -v "$c" >/dev/null || skip "$c not found (Debian: slurm-wlm munge; tools/setup.sh installs them)"
done
command -v parallel >/dev/null || { echo "FAIL: GNU parallel is missing (tools/setup.sh installs it)"; exit 1; }
SWEEP=$SRC/tools/sweep

# --- cleanup: cancel our jobs, stop the daemons this test started (by their process ids), remove $WORK
pids=()
stop_pid() {  # TERM, up to 10 s to exit, then KILL
  local pid=$1 n=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  if [ -n "${SLURM_CONF:-}" ] && [ ${#pids[@]} -ge 2 ]; then
    # Every job on this private cluster is this test's; let slurmd see their steps end before it stops.
    scancel --full --quiet $(squeue -h -o %A 2>/dev/null | sort -u) 2>/dev/null || true
    local n=0
    while [ -n "$(squeue -h -o %A 2>/dev/null)" ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
  fi
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_pid "${pids[i]}"; done  # slurmd, slurmctld, munged
  # The jobs' slurmstepd processes are daemons (children of init), gone once their job ends; wait for that
  # (only waiting: there is no telling ours from others' by name, so none is killed).
  local n=0
  while pgrep -x slurmstepd >/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- munge: its own key, socket and state; munged refuses a key others can read and a socket directory
# that not everyone can enter, so: key 0600 in a 0700 directory, socket in a 0755 one, $WORK enterable.
chmod 0711 "$WORK"
M=$WORK/munge R=$WORK/run S=$WORK/slurm
mkdir -m 0700 "$M" && mkdir -m 0755 "$R" && mkdir -p "$S/state" "$S/spool"
mungekey --create --keyfile="$M/munge.key" >"$M/mungekey.out" 2>&1 || { cat "$M/mungekey.out"; echo "FAIL: mungekey"; exit 1; }
chmod 0600 "$M/munge.key"
munged --foreground --key-file="$M/munge.key" --socket="$R/munge.sock" --pid-file="$R/munged.pid" \
  --log-file="$M/munged.log" --seed-file="$M/munged.seed" >"$M/munged.out" 2>&1 &
pids+=($!)

# --- slurm.conf: this host as controller and only node (its real CPUs from slurmd -C), free ports,
# everything under $WORK, no cgroups, no accounting.
free_ports=$(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
read -r ctld_port d_port <<<"$free_ports"
host=$(hostname -s)
node=$(slurmd -C | head -n 1 | sed 's/RealMemory=[0-9]*/RealMemory=1000/')
case $node in "NodeName=$host "*) ;; *) echo "FAIL: slurmd -C printed '$node', expected NodeName=$host ..."; exit 1 ;; esac
cat >"$S/slurm.conf" <<EOF
ClusterName=gigasimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$R/munge.sock
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
MaxArraySize=4
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$S/slurm.conf
slurmctld -D -f "$SLURM_CONF" >"$S/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$S/slurmd.out" 2>&1 &
pids+=($!)

# Wait for the node to register idle: up to 60 s (startup, not the test's speed; it takes ~2 s here).
n=0
until [ "$(sinfo -h -n "$host" -o %T 2>/dev/null)" = idle ]; do
  if [ $n -ge 600 ]; then
    echo "FAIL: the Slurm node did not become idle within 60 s; sinfo: $(sinfo 2>&1)"
    for f in "$M/munged.out" "$S/slurmctld.out" "$S/slurmd.out"; do echo "--- $f"; tail -n 20 "$f"; done
    exit 1
  fi
  for p in "${pids[@]}"; do
    kill -0 "$p" 2>/dev/null || {
      echo "FAIL: a daemon exited at startup"
      for f in "$M/munged.out" "$S/slurmctld.out" "$S/slurmd.out"; do echo "--- $f"; tail -n 20 "$f"; done
      exit 1
    }
  done
  sleep 0.1
  n=$((n + 1))
done

# --- the sweep: 3 x 2 = 6 points of the quick start cut to 30 days, local and as Slurm arrays
scn=$SRC/scenarios/quickstart.yaml
cat >"$WORK/spec.yaml" <<EOF
scenario: $scn
product:
  site.pue: [1.1, 1.2, 1.3]
seeds: [1, 2]
set:
  horizon_days: 30
  workload.pretraining.llama-70b.submit_day: 2
  workload.pretraining.ft-8b.submit_day: 1
EOF
expect_rc 0 "$SWEEP" "$WORK/spec.yaml" --out "$WORK/local" --gigasim "$BIN"
expect_rc 0 "$SWEEP" "$WORK/spec.yaml" --out "$WORK/cluster" --gigasim "$BIN" --backend slurm --poll-seconds 0.5 -j 2
cat "$WORK/stdout"
[ "$(grep -c "^sweep: submitted job array" "$WORK/stdout")" -eq 2 ] \
  || fail "expected two arrays (MaxArraySize=4, six points): $(cat "$WORK/stdout")"
grep -q "submitted job array [0-9]* (tasks 0-3, at most 2 at once)" "$WORK/stdout" && \
  grep -q "submitted job array [0-9]* (tasks 0-1, at most 2 at once)" "$WORK/stdout" || fail "array task ranges"
cmp "$WORK/local/merged.csv" "$WORK/cluster/merged.csv" || fail "the Slurm backend's merged.csv differs from the local one's"
[ "$(wc -l <"$WORK/cluster/runs.log")" -eq 6 ] || fail "expected 6 task runs: $(cat "$WORK/cluster/runs.log")"
ls "$WORK/cluster/logs/"slurm-*_*.out >/dev/null || fail "no Slurm task logs"

# --- resume: only the deleted point is submitted
rm -rf "$WORK/cluster/points/0004"
expect_rc 0 "$SWEEP" "$WORK/spec.yaml" --out "$WORK/cluster" --gigasim "$BIN" --backend slurm --poll-seconds 0.5
grep -q "5 already done, 1 to run" "$WORK/stdout" && grep -q "submitted job array [0-9]* (tasks 0)$" "$WORK/stdout" \
  || fail "resume: $(cat "$WORK/stdout")"
tail -n 1 "$WORK/cluster/runs.log" | grep -q "point 0004 exit 0" || fail "resume ran: $(tail -n 1 "$WORK/cluster/runs.log")"
cmp "$WORK/local/merged.csv" "$WORK/cluster/merged.csv" || fail "merged.csv after resuming on Slurm differs"

# --- SIGTERM while tasks run: the sweep cancels its arrays and waits for them, finished points stay whole,
# and a rerun completes the sweep to the same merged.csv
I=$WORK/interrupted
"$SWEEP" "$WORK/spec.yaml" --out "$I" --gigasim "$BIN" --backend slurm --poll-seconds 0.5 -j 1 >"$WORK/int.out" 2>&1 &
pid=$!
while [ "$(ls "$I"/points/*/summary.json 2>/dev/null | wc -l)" -lt 1 ] && kill -0 $pid 2>/dev/null; do sleep 0.05; done
kill -TERM $pid
rc=0; wait $pid || rc=$?
[ "$rc" -eq 143 ] || fail "interrupted Slurm sweep exited $rc, expected 143: $(cat "$WORK/int.out")"
[ -z "$(squeue -h -o %A)" ] || fail "the interrupted sweep left jobs in the queue: $(squeue)"
done_i=$(ls "$I"/points/*/summary.json | wc -l)
[ "$done_i" -ge 1 ] && [ "$done_i" -lt 6 ] || fail "expected 1 to 5 finished points after the interrupt, got $done_i"
for f in "$I"/points/*/summary.json; do
  python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$f" || fail "$f is not whole"
done
expect_rc 0 "$SWEEP" "$WORK/spec.yaml" --out "$I" --gigasim "$BIN" --backend slurm --poll-seconds 0.5 --partition debug
grep -q "$done_i already done, $((6 - done_i)) to run" "$WORK/stdout" || fail "resume after interrupt: $(cat "$WORK/stdout")"
cmp "$WORK/local/merged.csv" "$I/merged.csv" || fail "merged.csv after an interrupted Slurm sweep differs"
# An unknown partition is refused before anything is written.
expect_rc 2 "$SWEEP" "$WORK/spec.yaml" --out "$WORK/nopart" --gigasim "$BIN" --backend slurm --partition nosuch
grep -q "partition nosuch: no such partition (sinfo lists: debug\*" "$WORK/stderr" || fail "bad partition: $(cat "$WORK/stderr")"
[ ! -e "$WORK/nopart" ] || fail "a refused partition left $WORK/nopart"

# --- a failing task: reported by point and Slurm task, with its logs; the other results merged as partial,
# and merged.csv (no longer complete) removed
cat >"$WORK/flaky" <<EOF
#!/bin/bash
case " \$* " in *" site.pue=1.2 "*"--seed 2 "*) echo "gigasim: internal error: stand-in failure" >&2; exit 1 ;; esac
exec "$BIN" "\$@"
EOF
chmod +x "$WORK/flaky"
cp -r "$WORK/cluster" "$WORK/flaky-out"  # all done but point 3: one task to run
rm -rf "$WORK/flaky-out/points/0003"
expect_rc 1 "$SWEEP" "$WORK/spec.yaml" --out "$WORK/flaky-out" --gigasim "$WORK/flaky" --backend slurm --poll-seconds 0.5
grep -q "point 0003 (site.pue=1.2, seed=2): failed, exit 1: gigasim: internal error: stand-in failure (log $WORK/flaky-out/logs/0003.log); Slurm task [0-9]*_3, its log $WORK/flaky-out/logs/slurm-[0-9]*_3.out" \
  "$WORK/stderr" || fail "failed task not reported: $(cat "$WORK/stderr")"
awk -F, '$1 != "3"' "$WORK/local/merged.csv" | cmp -s - "$WORK/flaky-out/merged.partial.csv" \
  || fail "merged.partial.csv is not the other five points"
[ ! -e "$WORK/flaky-out/merged.csv" ] || fail "merged.csv kept although point 3 has no result"

# --- a point gigasim refuses: the arrays are cancelled, exit 2 with gigasim's message
sed 's/^  horizon_days: 30/  horizon_days: 30\n  site.power_w: -5/' "$WORK/spec.yaml" >"$WORK/refused.yaml"
expect_rc 2 "$SWEEP" "$WORK/refused.yaml" --out "$WORK/refused" --gigasim "$BIN" --backend slurm --poll-seconds 0.5
grep -q "gigasim refused its input, so the sweep stopped" "$WORK/stderr" && grep -q "gigasim: error: .*site.power_w" "$WORK/stderr" \
  || fail "refused point on Slurm: $(cat "$WORK/stderr")"
[ -z "$(squeue -h -o %A)" ] || fail "jobs left in the queue: $(squeue)"
finish
