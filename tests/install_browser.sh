#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing and we may (root + apt).
# When it cannot, the browser tests skip themselves with the reason (see tests/browser.py).
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "chromium missing and not installable here (needs root and apt): browser tests will be skipped"
  exit 0
fi
echo "installing Debian chromium for the browser tests..."
(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
  || echo "chromium install failed: browser tests will be skipped"
exit 0
