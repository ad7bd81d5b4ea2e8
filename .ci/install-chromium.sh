#!/usr/bin/env bash
# Installs a headless Chromium for the HTML report test (HtmlReportBrowserTest), which never
# installs anything itself; .ci/run calls this before the tests. Prints the browser's path on
# stdout; exit 3 with the reason on stderr when it cannot be installed.
set -uo pipefail
for c in chromium chromium-browser google-chrome; do
  if p="$(command -v "$c" 2>/dev/null)"; then echo "$p"; exit 0; fi
done
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "chromium is absent and this user cannot run apt-get" >&2; exit 3
fi
run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
export DEBIAN_FRONTEND=noninteractive
if ! run apt-get update -qq >/dev/null 2>&1; then
  echo "apt-get update failed (no network?)" >&2; exit 3
fi
if ! run apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; then
  echo "apt-get install chromium failed" >&2; exit 3
fi
for c in chromium chromium-browser; do
  if p="$(command -v "$c" 2>/dev/null)"; then echo "$p"; exit 0; fi
done
echo "chromium installed but not on PATH" >&2; exit 3
