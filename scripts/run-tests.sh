#!/usr/bin/env bash
# Runs every test of the default test run. First installs what the tests need and is missing:
#   kcat (Debian package) and kafkajs (npm, into the project-local .tools/node folder).
# Then runs `mvn -B verify`. Extra arguments are passed to Maven (e.g. -Pslow for the long crash runs).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else "$@"; fi
}

if ! command -v kcat >/dev/null 2>&1; then
  echo "run-tests: installing kcat (Debian package)"
  if ! (as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat >/dev/null); then
    echo "run-tests: WARNING: could not install kcat; tests that drive kcat will report it missing" >&2
  fi
fi

if [ ! -d .tools/node/node_modules/kafkajs ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "run-tests: installing kafkajs into .tools/node"
    mkdir -p .tools/node
    if ! (cd .tools/node && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund --silent kafkajs@2.2.4 >/dev/null); then
      echo "run-tests: WARNING: could not install kafkajs; tests that drive kafkajs will report it missing" >&2
    fi
  else
    echo "run-tests: WARNING: npm not found; tests that drive kafkajs will report it missing" >&2
  fi
fi

exec mvn -B verify "$@"
