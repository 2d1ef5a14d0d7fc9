#!/usr/bin/env bash
# Test bed for layerwise: real Docker engines with buildx, and real distribution registries on loopback.
# Idempotent: safe to run twice, copes with stale pid files and sockets left by an earlier session, and
# replaces an engine of another version found on one of its sockets (holding the shared lock to do so).
#
#   scripts/testbed.sh              install what is missing, start what is not running, print the env:
#                                   Docker 28 + buildx 0.29 from Debian unstable, classic image store, on
#                                   /var/run/docker.sock, and registries on 127.0.0.1:5000-5002
#   scripts/testbed.sh --ctrd       also the same engine with the containerd image store on its own socket
#   scripts/testbed.sh --engine 26  also Debian trixie's Docker 26 (legacy Dockerfile frontend rules)
#   scripts/testbed.sh --env        only print the environment variables (nothing is started)
#   eval "$(scripts/testbed.sh --ctrd --engine 26)"  export them into the current shell
#
# Everything it starts lives under $LAYERWISE_BED (default /var/tmp/layerwise-bed). Logs go there too.
set -euo pipefail

BED=${LAYERWISE_BED:-/var/tmp/layerwise-bed}
REGISTRY_ADDR=127.0.0.1:5000      # open, deletion enabled
AUTH_REGISTRY_ADDR=127.0.0.1:5001 # htpasswd auth (user layerwise / password testbed)
NODELETE_REGISTRY_ADDR=127.0.0.1:5002
BASE_IMAGE=localhost:${REGISTRY_ADDR##*:}/layerwise-test/busybox:1
WANT_CTRD=0
WANT_26=0
ONLY_ENV=0
while [ $# -gt 0 ]; do
  case "$1" in
    --ctrd) WANT_CTRD=1 ;;
    --engine26 | --engine=26) WANT_26=1 ;;
    --engine) [ "${2:-}" = 26 ] || { echo "testbed.sh: --engine takes 26 (got '${2:-}')" >&2; exit 2; }
      WANT_26=1; shift ;;
    --env) ONLY_ENV=1 ;;
    *) echo "testbed.sh: unknown argument '$1' (expected --ctrd, --engine 26 or --env)" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "testbed: $*" >&2; }

# shellcheck source=scripts/testbed-engines.sh
. "$(dirname "$0")/testbed-engines.sh"

print_env() {
  echo "export LAYERWISE_REGISTRY=localhost:${REGISTRY_ADDR##*:}"
  echo "export LAYERWISE_AUTH_REGISTRY=localhost:${AUTH_REGISTRY_ADDR##*:}"
  echo "export LAYERWISE_NODELETE_REGISTRY=localhost:${NODELETE_REGISTRY_ADDR##*:}"
  echo "export LAYERWISE_BASE_IMAGE=$BASE_IMAGE"
  echo "export LAYERWISE_BED=$BED"
  if [ -S "$MAIN_SOCK" ]; then echo "export LAYERWISE_ENGINE_HOST=unix://$MAIN_SOCK"; fi
  if [ -S "$CTRD_SOCK" ]; then echo "export LAYERWISE_CTRD_HOST=unix://$CTRD_SOCK"; fi
  if [ -S "$ENGINE26_SOCK" ]; then echo "export LAYERWISE_ENGINE26_HOST=unix://$ENGINE26_SOCK"; fi
}

if [ "$ONLY_ENV" = 1 ]; then print_env; exit 0; fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_update() { if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq >&2; apt_updated=1; fi; }
apt_install() {
  apt_update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >&2
}

# The Debian mirror the machine's own apt sources use (deb822 or one-line format).
debian_mirror() {
  local m
  m=$({ sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true; } | head -n1)
  [ -n "$m" ] || m=$({ sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\(http[^ ]*\) .*/\2/p' /etc/apt/sources.list 2>/dev/null || true; } | head -n1)
  echo "${m:-http://deb.debian.org/debian}"
}

add_apt_source() { # add_apt_source SUITE PRIORITY: the same Debian mirror as the machine's own entry
  local suite=$1 priority=$2 mirror
  mirror=$(debian_mirror)
  if [ ! -f "/etc/apt/sources.list.d/layerwise-$suite.sources" ]; then
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' "$mirror" "$suite" \
      /usr/share/keyrings/debian-archive-keyring.gpg | as_root tee "/etc/apt/sources.list.d/layerwise-$suite.sources" >/dev/null
    apt_updated=0
  fi
  if ! grep -qx "Pin-Priority: $priority" "/etc/apt/preferences.d/layerwise-$suite" 2>/dev/null; then
    printf 'Package: *\nPin: release n=%s\nPin-Priority: %s\n' "$suite" "$priority" |
      as_root tee "/etc/apt/preferences.d/layerwise-$suite" >/dev/null
  fi
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local secs=$1 what=$2; shift 2
  for _ in $(seq 1 "$((secs * 2))"); do "$@" && return 0; sleep 0.5; done
  log "$what did not come up within ${secs}s"; return 1
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

registry_answers() { curl -fsS -o /dev/null "http://$1/v2/" 2>/dev/null || curl -sS -o /dev/null -w '%{http_code}' "http://$1/v2/" 2>/dev/null | grep -q 401; }

start_registry() { # start_registry NAME ADDR DELETE(true|false) [HTPASSWD]
  local name=$1 addr=$2 delete=$3 htpasswd=${4:-} dir=$BED/registry-$1
  if registry_answers "$addr"; then return 0; fi
  mkdir -p "$dir/data"
  local auth=""
  if [ -n "$htpasswd" ]; then
    auth=$(printf 'auth:\n  htpasswd:\n    realm: layerwise-testbed\n    path: %s\n' "$htpasswd")
  fi
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: $delete
http:
  addr: $addr
$auth
EOF
  if pid_alive "$dir/pid"; then log "registry $name is running; waiting"; else
    detach docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 </dev/null
    echo $! >"$dir/pid"
  fi
  wait_for 30 "registry $name on $addr" registry_answers "$addr" || { tail -n 20 "$dir/log" >&2; exit 1; }
}

make_htpasswd() {
  local file=$BED/htpasswd
  [ -s "$file" ] && { echo "$file"; return; }
  command -v htpasswd >/dev/null || apt_install apache2-utils
  htpasswd -Bbn layerwise testbed >"$file"
  echo "$file"
}

# FROM scratch + static busybox: a 2 MB base with a shell, made here because Docker Hub is out of reach. Built
# and pushed once; every engine of the bed pulls it, so tests can tag it without a registry round trip.
push_base_image() {
  if ! curl -fsS -o /dev/null "http://$REGISTRY_ADDR/v2/layerwise-test/busybox/manifests/1" \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' 2>/dev/null; then
    local bb; bb=$(command -v busybox || true)
    if [ -z "$bb" ] || ! file -L "$bb" 2>/dev/null | grep -q static; then
      [ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static && bb=/bin/busybox || {
        apt_install busybox-static; bb=/bin/busybox; }
    fi
    local ctx; ctx=$(mktemp -d)
    cp "$bb" "$ctx/busybox"
    printf '%s\n' 'FROM scratch' 'COPY busybox /bin/busybox' 'RUN ["/bin/busybox", "--install", "-s", "/bin"]' \
      'ENV PATH=/bin' 'CMD ["/bin/sh"]' >"$ctx/Dockerfile"
    docker buildx build -q -t "$BASE_IMAGE" "$ctx" >/dev/null
    docker push -q "$BASE_IMAGE" >/dev/null
    rm -rf "$ctx"
  fi
  for sock in "$MAIN_SOCK" "$CTRD_SOCK" "$ENGINE26_SOCK"; do
    engine_answers "$sock" || continue
    docker -H "unix://$sock" image inspect "$BASE_IMAGE" >/dev/null 2>&1 || docker -H "unix://$sock" pull -q "$BASE_IMAGE" >/dev/null
  done
}

describe_engine() { # describe_engine SOCK → "28.5.2 classic on /var/run/docker.sock"
  local store=classic
  docker -H "unix://$1" info --format '{{json .DriverStatus}}' 2>/dev/null | grep -q io.containerd.snapshotter && store=containerd
  echo "$(engine_version "$1") $store on $1"
}

mkdir -p "$BED"
missing=()
command -v curl >/dev/null || missing+=(curl ca-certificates)
command -v file >/dev/null || missing+=(file)
command -v ip >/dev/null || missing+=(iproute2) # ip and ss
command -v htpasswd >/dev/null || missing+=(apache2-utils)
command -v docker-registry >/dev/null || missing+=(docker-registry)
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
# Both apt sources first, so one `apt-get update` serves both installs on a fresh machine.
[ -x "$SID_ENGINE_DIR/usr/sbin/dockerd" ] || add_apt_source sid 50
install_trixie_runtime
install_sid_engine
start_main_engine
if [ "$WANT_CTRD" = 1 ]; then start_ctrd_engine; fi
if [ "$WANT_26" = 1 ]; then start_engine26; fi
start_registry main "$REGISTRY_ADDR" true
start_registry auth "$AUTH_REGISTRY_ADDR" true "$(make_htpasswd)"
start_registry nodelete "$NODELETE_REGISTRY_ADDR" false
push_base_image
engines=$(describe_engine "$MAIN_SOCK")
for sock in "$CTRD_SOCK" "$ENGINE26_SOCK"; do
  if engine_answers "$sock"; then engines="$engines; $(describe_engine "$sock")"; fi
done
log "ready: engines $engines · buildx $(docker buildx version | cut -d' ' -f2) (Debian unstable: $(sid_packages))" \
  "· registries on $REGISTRY_ADDR (open), $AUTH_REGISTRY_ADDR (auth), $NODELETE_REGISTRY_ADDR (no delete)"
print_env
