#!/usr/bin/env bash
# Test bed for layerwise: a real Docker engine with buildx, and real distribution registries on loopback.
# Idempotent: safe to run twice, copes with stale pid files and sockets left by an earlier session.
#
#   scripts/testbed.sh            install what is missing, start what is not running, print the env
#   scripts/testbed.sh --ctrd     also start a second engine with the containerd image store
#   scripts/testbed.sh --env      only print the environment variables (nothing is started)
#   eval "$(scripts/testbed.sh)"  export them into the current shell
#
# Everything it starts lives under $LAYERWISE_BED (default /var/tmp/layerwise-bed). Logs go there too.
set -euo pipefail

BED=${LAYERWISE_BED:-/var/tmp/layerwise-bed}
REGISTRY_ADDR=127.0.0.1:5000      # open, deletion enabled
AUTH_REGISTRY_ADDR=127.0.0.1:5001 # htpasswd auth (user layerwise / password testbed)
NODELETE_REGISTRY_ADDR=127.0.0.1:5002
CTRD_SOCK=/var/run/layerwise-ctrd/docker.sock
WANT_CTRD=0
ONLY_ENV=0
for arg in "$@"; do
  case "$arg" in
    --ctrd) WANT_CTRD=1 ;;
    --env) ONLY_ENV=1 ;;
    *) echo "testbed.sh: unknown argument '$arg' (expected --ctrd or --env)" >&2; exit 2 ;;
  esac
done

log() { echo "testbed: $*" >&2; }

print_env() {
  echo "export LAYERWISE_REGISTRY=localhost:${REGISTRY_ADDR##*:}"
  echo "export LAYERWISE_AUTH_REGISTRY=localhost:${AUTH_REGISTRY_ADDR##*:}"
  echo "export LAYERWISE_NODELETE_REGISTRY=localhost:${NODELETE_REGISTRY_ADDR##*:}"
  echo "export LAYERWISE_BASE_IMAGE=localhost:${REGISTRY_ADDR##*:}/layerwise-test/busybox:1"
  echo "export LAYERWISE_BED=$BED"
  if [ -S "$CTRD_SOCK" ]; then echo "export LAYERWISE_CTRD_HOST=unix://$CTRD_SOCK"; fi
}

if [ "$ONLY_ENV" = 1 ]; then print_env; exit 0; fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# Probes print nothing (and never fail) when the tool is missing, so `set -e` does not end the script.
engine_version() { { dockerd --version 2>/dev/null || true; } | sed -n 's/^Docker version \([0-9.]*\).*/\1/p'; }
buildx_version() { { docker buildx version 2>/dev/null || true; } | sed -n 's/.* v\{0,1\}\([0-9][0-9.]*\).*/\1/p' | head -n1; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq >&2; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >&2
}

add_trixie_source() {
  # Only docker.io, docker-cli and docker-buildx come from trixie; pinned low so nothing else moves.
  local mirror
  mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
  mirror=${mirror:-http://deb.debian.org/debian}
  if [ ! -f /etc/apt/sources.list.d/layerwise-trixie.sources ]; then
    as_root tee /etc/apt/sources.list.d/layerwise-trixie.sources >/dev/null <<EOF
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    as_root tee /etc/apt/preferences.d/layerwise-trixie >/dev/null <<EOF
Package: *
Pin: release n=trixie
Pin-Priority: 100
EOF
    apt_updated=0
  fi
}

daemon_answers() { timeout 10 docker info >/dev/null 2>&1; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local secs=$1 what=$2; shift 2
  for _ in $(seq 1 "$((secs * 2))"); do "$@" && return 0; sleep 0.5; done
  log "$what did not come up within ${secs}s"; return 1
}

install_engine() {
  local v b
  v=$(engine_version); b=$(buildx_version)
  if [ -n "$v" ] && version_ge "$v" 26 && [ -n "$b" ] && version_ge "$b" 0.13; then return 0; fi
  log "installing Docker engine ≥ 26 and buildx ≥ 0.13 from Debian trixie (found engine '${v:-none}', buildx '${b:-none}')"
  add_trixie_source
  apt_install -t trixie docker.io docker-buildx
}

start_engine() {
  if daemon_answers; then log "using the Docker daemon that already answers"; return 0; fi
  install_engine
  if pid_alive /var/run/docker.pid; then
    log "dockerd is running but does not answer yet; waiting"
  else
    as_root rm -f /var/run/docker.pid /var/run/docker.sock /var/run/docker/containerd/containerd.pid
    mkdir -p "$BED"
    log "starting dockerd (log: $BED/dockerd.log)"
    as_root setsid nohup dockerd >"$BED/dockerd.log" 2>&1 </dev/null &
  fi
  wait_for 60 dockerd daemon_answers || { tail -n 30 "$BED/dockerd.log" >&2; exit 1; }
}

ctrd_answers() { timeout 10 docker -H "unix://$CTRD_SOCK" info >/dev/null 2>&1; }

start_ctrd_engine() {
  # A second engine with the containerd image store: `docker save` writes OCI layouts there, and the
  # docker driver can export registry caches. Own socket, data root, exec root and bridge. Not
  # `--bridge=none`: a daemon started so deletes the default docker0 bridge and breaks the first engine's RUN
  # steps. It manages no iptables rules (they would fight the first engine's); we NAT its bridge ourselves so
  # RUN steps reach the Debian mirror as on the first engine.
  if ctrd_answers; then return 0; fi
  if ! ip link show lwctrd0 >/dev/null 2>&1; then
    as_root ip link add lwctrd0 type bridge
    as_root ip addr add 172.29.0.1/24 dev lwctrd0
    as_root ip link set lwctrd0 up
  fi
  as_root sysctl -qw net.ipv4.ip_forward=1
  as_root iptables -t nat -C POSTROUTING -s 172.29.0.0/24 ! -o lwctrd0 -j MASQUERADE 2>/dev/null ||
    as_root iptables -t nat -A POSTROUTING -s 172.29.0.0/24 ! -o lwctrd0 -j MASQUERADE
  as_root iptables -C FORWARD -i lwctrd0 -j ACCEPT 2>/dev/null || as_root iptables -I FORWARD -i lwctrd0 -j ACCEPT
  as_root iptables -C FORWARD -o lwctrd0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null ||
    as_root iptables -I FORWARD -o lwctrd0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
  local root=$BED/ctrd
  mkdir -p "$root" "$(dirname "$CTRD_SOCK")"
  if pid_alive "$root/docker.pid"; then log "containerd-store dockerd is running; waiting"; else
    as_root rm -f "$root/docker.pid" "$CTRD_SOCK"
    cat >"$root/daemon.json" <<EOF
{ "features": { "containerd-snapshotter": true } }
EOF
    log "starting a second dockerd with the containerd image store (log: $BED/dockerd-ctrd.log)"
    as_root setsid nohup dockerd --config-file "$root/daemon.json" -H "unix://$CTRD_SOCK" \
      --data-root "$root/data" --exec-root "$root/exec" --pidfile "$root/docker.pid" \
      --bridge=lwctrd0 --iptables=false --ip6tables=false >"$BED/dockerd-ctrd.log" 2>&1 </dev/null &
  fi
  wait_for 60 "containerd-store dockerd" ctrd_answers || { tail -n 30 "$BED/dockerd-ctrd.log" >&2; exit 1; }
}

registry_bin() { command -v docker-registry || ls /usr/bin/docker-registry 2>/dev/null || true; }

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
    local bin; bin=$(registry_bin)
    if [ -n "$bin" ]; then
      setsid nohup "$bin" serve "$dir/config.yml" >"$dir/log" 2>&1 </dev/null &
      echo $! >"$dir/pid"
    else
      # A machine with its own Docker but no Debian registry binary: use the registry:2 image.
      docker rm -f "layerwise-registry-$name" >/dev/null 2>&1 || true
      docker run -d --name "layerwise-registry-$name" --network host -v "$dir:$dir" \
        registry:2 serve "$dir/config.yml" >/dev/null
    fi
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

push_base_image() {
  # FROM scratch + static busybox: a 2 MB base with a shell, made here because Docker Hub is out of reach.
  local ref=localhost:${REGISTRY_ADDR##*:}/layerwise-test/busybox:1 host=${1:-}
  local docker=(docker); [ -n "$host" ] && docker=(docker -H "$host")
  if "${docker[@]}" image inspect "$ref" >/dev/null 2>&1; then
    curl -fsS -o /dev/null "http://$REGISTRY_ADDR/v2/layerwise-test/busybox/manifests/1" \
      -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' 2>/dev/null && return 0
  fi
  local bb; bb=$(command -v busybox || true)
  if [ -z "$bb" ] || ! file -L "$bb" 2>/dev/null | grep -q static; then
    [ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static && bb=/bin/busybox || {
      apt_install busybox-static; bb=/bin/busybox; }
  fi
  local ctx; ctx=$(mktemp -d)
  cp "$bb" "$ctx/busybox"
  cat >"$ctx/Dockerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/bin
CMD ["/bin/sh"]
EOF
  "${docker[@]}" buildx build -q -t "$ref" "$ctx" >/dev/null
  "${docker[@]}" push -q "$ref" >/dev/null
  rm -rf "$ctx"
}

mkdir -p "$BED"
command -v curl >/dev/null || apt_install curl ca-certificates
command -v file >/dev/null || apt_install file
[ -n "$(registry_bin)" ] || daemon_answers || apt_install docker-registry
start_engine
[ -n "$(registry_bin)" ] || apt_install docker-registry || true
start_registry main "$REGISTRY_ADDR" true
start_registry auth "$AUTH_REGISTRY_ADDR" true "$(make_htpasswd)"
start_registry nodelete "$NODELETE_REGISTRY_ADDR" false
push_base_image
if [ "$WANT_CTRD" = 1 ]; then start_ctrd_engine; fi
log "ready: $(docker version --format 'engine {{.Server.Version}}') · buildx $(buildx_version) · registries on $REGISTRY_ADDR (open), $AUTH_REGISTRY_ADDR (auth), $NODELETE_REGISTRY_ADDR (no delete)"
print_env
