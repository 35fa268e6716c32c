#!/usr/bin/env bash
# Runs the clinic as separate services on this machine: one process per service, each
# with its own binary, data directory and port, calling each other over mutual TLS with
# certificates from one CA. The same system `clinicd` runs in one process.
#
#   tools/serve_split.sh           # start (data under ./split-data, ports 7501-7507)
#   tools/serve_split.sh status    # which services are up
#   tools/serve_split.sh stop      # stop them all
#
# CLINIC_SPLIT_DIR chooses the data root, CLINIC_SPLIT_BASE_PORT the first port.
set -euo pipefail
cd "$(dirname "$0")/.."

root="${CLINIC_SPLIT_DIR:-./split-data}"
base_port="${CLINIC_SPLIT_BASE_PORT:-7501}"
services=(auth audit intake deadline document hearing admin)

port_of() {
  local i
  for i in "${!services[@]}"; do
    [ "${services[$i]}" = "$1" ] && echo $((base_port + i)) && return
  done
}

case "${1:-start}" in
  stop)
    for s in "${services[@]}"; do
      pid_file="$root/$s.pid"
      if [ -e "$pid_file" ] && kill "$(cat "$pid_file")" 2>/dev/null; then
        echo "stopped $s"
      fi
      rm -f "$pid_file"
    done
    exit 0
    ;;
  status)
    for s in "${services[@]}"; do
      pid_file="$root/$s.pid"
      if [ -e "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
        echo "$s: up on 127.0.0.1:$(port_of "$s") (pid $(cat "$pid_file"))"
      else
        echo "$s: down"
      fi
    done
    exit 0
    ;;
  start) ;;
  *) echo "usage: $0 [start|status|stop]" >&2; exit 2 ;;
esac

tools/setup.sh
targets=()
for s in "${services[@]}"; do targets+=("//services/$s:${s}_server"); done
bazel build --config=opt "${targets[@]}" //clients/clinicctl

mkdir -p "$root"
for s in "${services[@]}"; do
  if [ ! -e "$root/$s/master.key" ]; then
    ca_from=()
    [ "$s" != auth ] && ca_from=(--ca_from "$root/auth/tls")
    "bazel-bin/services/$s/${s}_server" init --data_dir "$root/$s" "${ca_from[@]}"
  fi
done

for s in "${services[@]}"; do
  peers=()
  for p in "${services[@]}"; do
    [ "$p" != "$s" ] && peers+=(--peer "$p=127.0.0.1:$(port_of "$p")")
  done
  rm -f "$root/$s.port"
  "bazel-bin/services/$s/${s}_server" serve --data_dir "$root/$s" \
    --listen "127.0.0.1:$(port_of "$s")" --port_file "$root/$s.port" "${peers[@]}" \
    >>"$root/$s.log" 2>&1 &
  echo $! >"$root/$s.pid"
done
for s in "${services[@]}"; do
  for _ in $(seq 100); do [ -s "$root/$s.port" ] && break; sleep 0.1; done
  [ -s "$root/$s.port" ] || { echo "$s did not start; see $root/$s.log" >&2; exit 1; }
done

echo "Every service is up (logs in $root/<service>.log). The CA clients need: $root/auth/tls/ca.crt"
echo "clinicctl finds each service through its config file (clinicctl config --help), e.g.:"
for s in "${services[@]}"; do echo "  $s = 127.0.0.1:$(port_of "$s")"; done
echo "Stop with: $0 stop"
