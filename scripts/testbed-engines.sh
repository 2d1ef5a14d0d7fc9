# Docker engines of the test bed; sourced by scripts/testbed.sh (which defines BED, log, as_root, apt_install,
# add_apt_source, wait_for).
#
# The primary engine is the generation GitHub's runners ship: dockerd + buildx from Debian unstable (sid),
# downloaded with `apt-get download` and unpacked with `dpkg -x` into $SID_ENGINE_DIR, so no sid library is
# installed; it runs with the containerd and runc installed from trixie. Trixie's own dockerd (26) is the
# optional third engine, for the cases that need the legacy Dockerfile frontend rules. Each engine has its own
# socket, run dir (pid file, exec root), bridge and a data root named after its major version and image store,
# so images and caches of different engines never mix.

SID_ENGINE_DIR=${LAYERWISE_SID_ENGINE_DIR:-/opt/layerwise/engine-sid}
DOCKER_LOCK=/var/tmp/layerwise-docker.lock
# The docker CLI searches ~/.docker/cli-plugins (DOCKER_CONFIG), then these system directories in this order;
# /usr/local/lib/docker/cli-plugins comes before Debian's /usr/libexec/docker/cli-plugins and, unlike
# ~/.docker, is also searched when a test points DOCKER_CONFIG elsewhere.
BUILDX_PLUGIN=/usr/local/lib/docker/cli-plugins/docker-buildx
MAIN_SOCK=/var/run/docker.sock
CTRD_SOCK=/var/run/layerwise-ctrd/docker.sock
ENGINE26_SOCK=/var/run/layerwise-26/docker.sock

major_of() { sed -n 's/^Docker version \([0-9]*\)\..*/\1/p'; }
binary_major() { { "$1" --version 2>/dev/null || true; } | major_of; }
# `docker version` rather than `docker info`: the latter also runs every CLI plugin's metadata command.
engine_version() { timeout 10 docker -H "unix://$1" version --format '{{.Server.Version}}' 2>/dev/null || true; }
engine_answers() { [ -n "$(engine_version "$1")" ]; }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# Trixie's docker.io brings dockerd 26 and, as dependencies, the containerd (1.7) and runc that every engine
# of the bed runs on. Only docker.io (and docker-cli when no CLI is present) is asked for from trixie.
install_trixie_runtime() {
  local d c
  d=$(binary_major /usr/sbin/dockerd)
  c=$({ containerd --version 2>/dev/null || true; } | sed -n 's/.* v\{0,1\}\([0-9][0-9.]*\).*/\1/p' | head -n1)
  if [ -n "$d" ] && [ "$d" -ge 26 ] && [ -n "$c" ] && version_ge "$c" 1.7 && command -v runc >/dev/null; then :; else
    log "installing docker.io (dockerd 26, containerd, runc) from Debian trixie (found dockerd '${d:-none}', containerd '${c:-none}')"
    add_apt_source trixie 100
    apt_install -t trixie docker.io
  fi
  command -v docker >/dev/null || apt_install -t trixie docker-cli
}

# Downloads docker.io and docker-buildx from sid (pinned at 50: below 100 so sid never becomes the candidate
# for a package installed from trixie, as it would at 100) and unpacks them; nothing from sid is installed.
install_sid_engine() {
  if [ ! -x "$SID_ENGINE_DIR/usr/sbin/dockerd" ] || [ ! -x "$SID_ENGINE_DIR/usr/libexec/docker/cli-plugins/docker-buildx" ]; then
    log "downloading docker.io and docker-buildx from Debian unstable into $SID_ENGINE_DIR"
    add_apt_source sid 50
    apt_update
    local tmp; tmp=$(mktemp -d)
    (cd "$tmp" && as_root apt-get download -qq -o APT::Sandbox::User=root docker.io/sid docker-buildx/sid) >&2
    for deb in "$tmp"/*.deb; do
      as_root dpkg-deb -x "$deb" "$tmp/root"
      echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" >>"$tmp/packages"
    done
    as_root mv "$tmp/packages" "$tmp/root/PACKAGES"
    as_root mkdir -p "$(dirname "$SID_ENGINE_DIR")"
    as_root rm -rf "$SID_ENGINE_DIR"
    as_root mv "$tmp/root" "$SID_ENGINE_DIR"
    rm -rf "$tmp"
  fi
  local plugin=$SID_ENGINE_DIR/usr/libexec/docker/cli-plugins/docker-buildx
  if [ "$(readlink "$BUILDX_PLUGIN" 2>/dev/null)" != "$plugin" ]; then
    as_root mkdir -p "$(dirname "$BUILDX_PLUGIN")"
    # A buildx somebody put there themselves is kept beside ours, not overwritten.
    if [ -f "$BUILDX_PLUGIN" ] && [ ! -L "$BUILDX_PLUGIN" ]; then as_root mv "$BUILDX_PLUGIN" "$BUILDX_PLUGIN.before-layerwise"; fi
    as_root ln -sfn "$plugin" "$BUILDX_PLUGIN"
  fi
  local home_plugin=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins/docker-buildx
  if [ -e "$home_plugin" ]; then log "warning: $home_plugin shadows $BUILDX_PLUGIN for this user"; fi
}

sid_packages() { tr '\n' ' ' <"$SID_ENGINE_DIR/PACKAGES" | sed 's/ $//'; }

# True when the shared lock is held by this process or one of its ancestors (e.g. `flock LOCK npm test`
# running this script): taking it again would wait for ourselves.
lock_held_here() {
  [ -e "$DOCKER_LOCK" ] || return 1
  local ino holders p=$$
  ino=$(stat -c %i "$DOCKER_LOCK")
  holders=$(awk -v ino="$ino" '$2 == "FLOCK" { n = split($6, f, ":"); if (f[n] == ino) print $5 }' /proc/locks)
  [ -n "$holders" ] || return 1
  while [ -n "$p" ] && [ "$p" -gt 1 ]; do
    if grep -qx "$p" <<<"$holders"; then return 0; fi
    p=$(sed -n 's/^PPid:\t*//p' "/proc/$p/status" 2>/dev/null)
  done
  return 1
}

# Stopping an engine breaks anybody's build on it: do it holding the shared lock.
with_docker_lock() {
  if lock_held_here; then "$@"; return; fi
  log "waiting for the shared lock $DOCKER_LOCK"
  ( flock 9; "$@" ) 9>"$DOCKER_LOCK"
}

# Runs "$@" (as root) in the background, in its own session, with only stdin, stdout and stderr open: a
# daemon must not keep a descriptor it inherited, such as the shared lock's, or it holds the lock while it runs.
detach() {
  local sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  (
    for fd in /proc/self/fd/*; do fd=${fd##*/}; if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi; done
    exec "${sudo[@]}" setsid nohup "$@"
  ) &
}

dockerd_pid_alive() { [ -f "$1" ] && [ "$(cat "/proc/$(cat "$1")/comm" 2>/dev/null)" = dockerd ]; }

stop_engine() { # stop_engine SOCK PIDFILE
  local sock=$1 pidfile=$2 pids
  pids=$(ss -Hxlp "src $sock" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u)
  if dockerd_pid_alive "$pidfile"; then pids="$pids $(cat "$pidfile")"; fi
  for pid in $pids; do as_root kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $pids; do
    wait_for 120 "dockerd $pid to stop" test ! -e "/proc/$pid" || exit 1
  done
  as_root rm -f "$sock" "$pidfile"
}

launch_engine() { # launch_engine NAME SOCK PIDFILE DOCKERD STORE [dockerd args…]
  local name=$1 sock=$2 pidfile=$3 bin=$4 store=$5; shift 5
  local major run=/var/run/layerwise-$name
  major=$(binary_major "$bin")
  local root=$BED/engine-$major-$store
  local snapshotter=false; [ "$store" = containerd ] && snapshotter=true
  as_root mkdir -p "$root/data" "$run" "$(dirname "$sock")"
  echo "{ \"features\": { \"containerd-snapshotter\": $snapshotter } }" | as_root tee "$root/daemon.json" >/dev/null
  as_root rm -f "$pidfile" "$sock"
  # A data dir kept from an earlier session may sit on a cold disk: dockerd gives its managed containerd about
  # 15 s, and opening a 57 MB bolt database took longer there ("waiting for response from boltdb open", then
  # "timeout waiting for containerd to start"). Reading the databases once first makes the open fast.
  as_root find "$root/data" -name '*.db' -type f -exec cat {} + >/dev/null 2>&1 || true
  log "starting dockerd $major ($store image store) on $sock (data $root/data, log $BED/dockerd-$name.log)"
  detach "$bin" --config-file "$root/daemon.json" -H "unix://$sock" --pidfile "$pidfile" \
    --data-root "$root/data" --exec-root "$run/exec" --userland-proxy-path "$(dirname "$bin")/docker-proxy" \
    "$@" >"$BED/dockerd-$name.log" 2>&1 </dev/null &
  wait_for 90 "dockerd $name" engine_answers "$sock" || { tail -n 30 "$BED/dockerd-$name.log" >&2; exit 1; }
}

replace_engine() { stop_engine "$2" "$3"; launch_engine "$@"; }

# Starts the engine unless one of the wanted major version already answers on SOCK; replaces one of another
# version; waits for a dockerd that is still starting; clears stale pid files and sockets.
start_engine() { # start_engine NAME SOCK PIDFILE DOCKERD STORE [dockerd args…]
  local sock=$2 pidfile=$3 want running
  want=$(binary_major "$4")
  if ! engine_answers "$sock" && dockerd_pid_alive "$pidfile"; then
    log "dockerd $(cat "$pidfile") owns $pidfile but does not answer yet; waiting"
    wait_for 60 "dockerd on $sock" engine_answers "$sock" || true
  fi
  if engine_answers "$sock"; then
    running=$(engine_version "$sock")
    if [ "$(echo "Docker version $running" | major_of)" = "$want" ]; then return 0; fi
    log "Docker $running answers on $sock; the bed wants $want there: replacing it"
    with_docker_lock replace_engine "$@"
    return
  fi
  if dockerd_pid_alive "$pidfile"; then with_docker_lock replace_engine "$@"; else launch_engine "$@"; fi
}

# A bridge of our own with NAT, for an engine that must not manage iptables (that would fight the main
# engine's rules) yet needs RUN steps to reach the Debian mirror. Not `--bridge=none`: a daemon started so
# deletes the default docker0 bridge and breaks the main engine's RUN steps.
own_bridge() { # own_bridge NAME CIDR(x.y.z.1/24)
  local dev=$1 addr=$2 net=${2%.*}.0/24
  if ! ip link show "$dev" >/dev/null 2>&1; then
    as_root ip link add "$dev" type bridge
    as_root ip addr add "$addr" dev "$dev"
    as_root ip link set "$dev" up
  fi
  echo 1 | as_root tee /proc/sys/net/ipv4/ip_forward >/dev/null
  as_root iptables -t nat -C POSTROUTING -s "$net" ! -o "$dev" -j MASQUERADE 2>/dev/null ||
    as_root iptables -t nat -A POSTROUTING -s "$net" ! -o "$dev" -j MASQUERADE
  as_root iptables -C FORWARD -i "$dev" -j ACCEPT 2>/dev/null || as_root iptables -I FORWARD -i "$dev" -j ACCEPT
  as_root iptables -C FORWARD -o "$dev" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null ||
    as_root iptables -I FORWARD -o "$dev" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
}

sid_dockerd() { echo "$SID_ENGINE_DIR/usr/sbin/dockerd"; }

start_main_engine() { start_engine main "$MAIN_SOCK" /var/run/docker.pid "$(sid_dockerd)" classic; }

start_ctrd_engine() {
  own_bridge lwctrd0 172.29.0.1/24
  start_engine ctrd "$CTRD_SOCK" /var/run/layerwise-ctrd/docker.pid "$(sid_dockerd)" containerd \
    --bridge=lwctrd0 --iptables=false --ip6tables=false
}

start_engine26() {
  own_bridge lwengine26 172.30.0.1/24
  start_engine 26 "$ENGINE26_SOCK" /var/run/layerwise-26/docker.pid /usr/sbin/dockerd classic \
    --bridge=lwengine26 --iptables=false --ip6tables=false
}
