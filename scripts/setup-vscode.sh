#!/usr/bin/env bash
# Installs a real VS Code (code-server, served to a browser) and Debian's Chromium,
# for `npm start` and the end-to-end tests.
#
# Usage: scripts/setup-vscode.sh [--print-dir]
#   --print-dir   print only the install folder on stdout (progress goes to stderr)
#
# Environment:
#   FLOWSCOPE_CACHE   cache root (default: $HOME/.cache/flowscope)
#
# The install lands in $FLOWSCOPE_CACHE/code-server-<version> and ends by writing a
# marker file there; once the marker exists, a run only checks the Debian packages
# and returns within a fraction of a second.
#
# Why the install is done by hand (see shared/reference/real-vscode.md): code-server's
# own postinstall refuses to run as root and downloads ripgrep from GitHub, which this
# machine cannot reach. So we install with --ignore-scripts and repeat the useful parts
# of that postinstall ourselves.
set -euo pipefail

readonly CODE_SERVER_VERSION=4.100.3
readonly APT_PACKAGES=(
  libkrb5-dev      # headers for the kerberos native module
  pkg-config       # used by the kerberos build
  ripgrep          # VS Code's search runs `rg`; code-server would otherwise download it
  chromium         # the browser Playwright drives
  fonts-liberation # metric-compatible Arial/Times/Courier, so screenshots look like a normal desktop
)
# Native modules of VS Code's server that must be compiled for this Node.
readonly NATIVE_MODULES=(kerberos @parcel/watcher @vscode/spdlog native-watchdog node-pty @vscode/deviceid)

CACHE_ROOT="${FLOWSCOPE_CACHE:-$HOME/.cache/flowscope}"
INSTALL_DIR="$CACHE_ROOT/code-server-$CODE_SERVER_VERSION"
MARKER="$INSTALL_DIR/.flowscope-setup-complete"
ENTRY="$INSTALL_DIR/node_modules/code-server/out/node/entry.js"

PRINT_DIR=0
for arg in "$@"; do
  case "$arg" in
    --print-dir) PRINT_DIR=1 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup-vscode: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

# All progress goes to stderr so that --print-dir output stays clean.
log()  { printf '[setup-vscode] %s\n' "$*" >&2; }
die()  { printf '[setup-vscode] ERROR: %s\n' "$*" >&2; exit 1; }
step() { printf '[setup-vscode] (%ss) %s\n' "$SECONDS" "$*" >&2; }

# When this runs under `npm start`, npm exports npm_config_* variables describing the
# *repo's* npm context (local prefix, package name...). They must not leak into the
# npm commands below, which work on the cache folder.
unset npm_config_local_prefix npm_config_global npm_config_prefix npm_package_json || true

# ---------------------------------------------------------------------------
# 1. Debian packages
# ---------------------------------------------------------------------------
missing_packages() {
  local pkg status
  for pkg in "${APT_PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == installed ]] || printf '%s\n' "$pkg"
  done
}

install_apt_packages() {
  local missing
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  command -v apt-get >/dev/null || die "missing Debian packages (${missing[*]}) and no apt-get to install them"
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
    sudo=(sudo)
  fi
  mkdir -p "$CACHE_ROOT"
  local apt_log="$CACHE_ROOT/apt-install.log"
  step "installing Debian packages: ${missing[*]} (log: $apt_log)"
  # `apt-get update` only when something is missing: it is the slow part.
  if ! "${sudo[@]}" apt-get update -q >"$apt_log" 2>&1; then
    tail -n 20 "$apt_log" >&2
    die "apt-get update failed (full log: $apt_log)"
  fi
  if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$apt_log" 2>&1; then
    tail -n 20 "$apt_log" >&2
    die "apt-get install failed for: ${missing[*]} (full log: $apt_log)"
  fi
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]} == 0)) || die "still missing after apt-get install: ${missing[*]}"
}

install_apt_packages

# ---------------------------------------------------------------------------
# 2. code-server, cached by version
# ---------------------------------------------------------------------------
if [[ -f "$MARKER" && -f "$ENTRY" ]]; then
  log "code-server $CODE_SERVER_VERSION ready in $INSTALL_DIR (cached)"
  ((PRINT_DIR)) && printf '%s\n' "$INSTALL_DIR"
  exit 0
fi

command -v node >/dev/null || die "node is not on PATH"
command -v npm >/dev/null || die "npm is not on PATH"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
# code-server 4.100.x is built for Node 20; newer code-server needs Node 22+/24.
[[ "$node_major" == 20 ]] || log "warning: code-server $CODE_SERVER_VERSION expects Node 20, found $(node -v)"

mkdir -p "$CACHE_ROOT"
# Serialise concurrent runs (two test processes starting at once, say): the second
# waits here, then finds the marker written by the first.
exec 9>"$CACHE_ROOT/.setup-vscode.lock"
if ! flock -n 9; then
  log "another setup is running; waiting for it to finish"
  flock 9
fi
if [[ -f "$MARKER" && -f "$ENTRY" ]]; then
  log "code-server $CODE_SERVER_VERSION ready in $INSTALL_DIR (installed by the other run)"
  ((PRINT_DIR)) && printf '%s\n' "$INSTALL_DIR"
  exit 0
fi

if [[ -e "$INSTALL_DIR" ]]; then
  log "found an incomplete install in $INSTALL_DIR (no marker); starting it over"
  rm -rf "$INSTALL_DIR"
fi

log "installing code-server $CODE_SERVER_VERSION into $INSTALL_DIR (takes a few minutes the first time)"
SECONDS=0
mkdir -p "$INSTALL_DIR"
cd "$INSTALL_DIR"

# The folder's own package.json. npm 11 runs a dependency's install script only when
# the root package approves it; argon2 (code-server's password hashing) needs its
# script to build, so approve it here.
cat > package.json <<'JSON'
{
  "name": "flowscope-code-server-cache",
  "private": true,
  "description": "code-server installed by flowscope/scripts/setup-vscode.sh; safe to delete",
  "allowScripts": { "argon2": true }
}
JSON

NPM_FLAGS=(--no-audit --no-fund --loglevel=error)

step "npm install --ignore-scripts code-server@$CODE_SERVER_VERSION"
npm install "${NPM_FLAGS[@]}" --ignore-scripts --save-exact "code-server@$CODE_SERVER_VERSION" >&2 \
  || die "npm install code-server@$CODE_SERVER_VERSION failed"

VSCODE_DIR="$INSTALL_DIR/node_modules/code-server/lib/vscode"
[[ -d "$VSCODE_DIR" ]] || die "unexpected package layout: $VSCODE_DIR does not exist"

step "installing VS Code's server dependencies (lib/vscode)"
(cd "$VSCODE_DIR" && npm install "${NPM_FLAGS[@]}" --omit=dev --ignore-scripts >&2) \
  || die "npm install in $VSCODE_DIR failed"

# VS Code runs ripgrep from @vscode/ripgrep/bin/rg; that package's own install script
# would download it, so point it at Debian's binary instead.
step "linking Debian's ripgrep into @vscode/ripgrep"
mkdir -p "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg"

# npm_config_yes=true: node-pty's build script calls npx, which would otherwise stop
# at an interactive "Ok to proceed?" prompt and hang.
step "building native modules: ${NATIVE_MODULES[*]}"
(cd "$VSCODE_DIR" && npm_config_yes=true npm rebuild "${NPM_FLAGS[@]}" "${NATIVE_MODULES[@]}" >&2) \
  || die "npm rebuild of VS Code's native modules failed (are python3, make and g++ installed?)"

# What code-server's postinstall.sh does after its downloads:
#  - VS Code's loader looks for node_modules.asar (packed in desktop builds)
#  - the integrated terminal's `code-server` CLI and the browser helper are per-OS scripts
step "linking node_modules.asar and the remote-cli/browser helpers"
ln -sfn node_modules "$VSCODE_DIR/node_modules.asar"
ln -sf code-linux.sh "$VSCODE_DIR/bin/remote-cli/code-server"
ln -sf browser-linux.sh "$VSCODE_DIR/bin/helpers/browser.sh"

step "building argon2"
npm rebuild "${NPM_FLAGS[@]}" argon2 >&2 || die "npm rebuild argon2 failed"

# Sanity check before declaring success: the server must at least print its version.
step "checking the install"
version_out="$(node "$ENTRY" --version 2>&1)" || die "code-server does not start: $version_out"
[[ "$version_out" == *"$CODE_SERVER_VERSION"* ]] || die "unexpected code-server version output: $version_out"

printf 'code-server %s installed %s by scripts/setup-vscode.sh\n' "$CODE_SERVER_VERSION" "$(date -u +%FT%TZ)" > "$MARKER"
step "done: code-server $CODE_SERVER_VERSION ready in $INSTALL_DIR"
((PRINT_DIR)) && printf '%s\n' "$INSTALL_DIR"
exit 0
