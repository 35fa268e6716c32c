#!/usr/bin/env bash
# The one command that runs a clinic server on this machine from a fresh clone:
# installs what is missing, builds, creates the data directory on first run (printing the
# first administrator's one-time password, once), and serves with TLS on 127.0.0.1:7443.
#
#   tools/serve.sh                      # data in ./data
#   CLINIC_DATA_DIR=/srv/clinic tools/serve.sh --listen 0.0.0.0:7443
#
# Extra arguments go to `clinicd serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
bazel build --config=opt //services/clinicd //clients/clinicctl
data_dir="${CLINIC_DATA_DIR:-./data}"
if [ ! -e "$data_dir/master.key" ]; then
  bazel-bin/services/clinicd/clinicd init --data_dir "$data_dir"
fi
echo "Talk to it with: bazel-bin/clients/clinicctl/clinicctl --ca $data_dir/tls/ca.crt health" >&2
exec bazel-bin/services/clinicd/clinicd serve --data_dir "$data_dir" "$@"
