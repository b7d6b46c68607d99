#!/usr/bin/env bash
# Runs every test of the default test run. First installs what the tests need and is missing:
#   kcat (Debian package), Node.js (Debian packages, if there is no node at all) and kafkajs 2.2.4 (npm, into the
#   project-local, git-ignored .tools/node folder), all driven by streamline-kafka-interop's tests.
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

if ! command -v node >/dev/null 2>&1; then
  echo "run-tests: installing Node.js (Debian packages nodejs, npm)"
  if ! (as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null); then
    echo "run-tests: WARNING: could not install Node.js; tests that drive kafkajs will report it missing" >&2
  fi
fi

# The kafkajs tests use some of its internal classes: exactly this version.
KAFKAJS_VERSION=2.2.4
installed_kafkajs=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' .tools/node/node_modules/kafkajs/package.json 2>/dev/null || true)
if [ "$installed_kafkajs" != "$KAFKAJS_VERSION" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "run-tests: installing kafkajs@$KAFKAJS_VERSION into .tools/node"
    mkdir -p .tools/node
    if ! (cd .tools/node && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund --silent "kafkajs@$KAFKAJS_VERSION" >/dev/null); then
      echo "run-tests: WARNING: could not install kafkajs; tests that drive kafkajs will report it missing" >&2
    fi
  else
    echo "run-tests: WARNING: npm not found; tests that drive kafkajs will report it missing" >&2
  fi
fi

exec mvn -B verify "$@"
