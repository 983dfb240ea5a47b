#!/usr/bin/env bash
# Installs code-server (VS Code in the browser) into .tools/code-server for the
# end-to-end tests. Idempotent: a finished install leaves a marker and a second
# run returns at once. Needs the network (npm registry, ~600 MB with its
# dependencies) and a few minutes; npm's cache goes to .tools/npm-cache, not $HOME.
# Needs (apt): libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config
# ripgrep chromium -- .ci/run installs them.
set -euo pipefail
VERSION=4.100.3
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DEST="$ROOT/.tools/code-server"
MARKER="$DEST/.installed-$VERSION"

if [ -f "$MARKER" ]; then
  echo "code-server $VERSION already installed in $DEST"
  exit 0
fi
for tool in rg chromium; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y ripgrep chromium" >&2; exit 1; }
done

export npm_config_cache="$ROOT/.tools/npm-cache"
start=$(date +%s)
rm -rf "$DEST"
mkdir -p "$DEST"
cd "$DEST"
echo '{"name":"code-server-tools","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION"
cd node_modules/code-server/lib/vscode
npm install --no-audit --no-fund --omit=dev --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# node-pty's build script fails and is not needed; spdlog backs every output channel (ours included)
npm rebuild kerberos @parcel/watcher @vscode/spdlog
ln -sfn node_modules node_modules.asar
(cd extensions && npm install --no-audit --no-fund --omit=dev --ignore-scripts)
cd "$DEST"
npm rebuild argon2
test -f node_modules/code-server/out/node/entry.js
touch "$MARKER"
echo "code-server $VERSION installed in $DEST in $(( $(date +%s) - start )) s"
