# Sourced by ingest.sh and scaleout.sh: a work folder, the processes started in it (killed on
# exit, with the pids in $extra_pid_files too), and free loopback ports.
work="$(mktemp -d)"
pids=()
extra_pid_files=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for f in "${extra_pid_files[@]}"; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 30000 ))
    ss -ltn | grep -q ":$p " || { echo "$p"; return; }
  done
}
