#!/usr/bin/env bash
# System packages finnews needs to run its Elasticsearch node: Java 17+ and Maven (which downloads
# the node from Maven Central). Installed with apt-get, by package name, only when missing.
set -euo pipefail

java_major() {
  local java="$1"
  "$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -n 1
}

need=()
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || need+=(fonts-wqy-microhei)  # Chinese labels in charts
java_ok=no
for candidate in "${ES_JAVA_HOME:-}/bin/java" "${JAVA_HOME:-}/bin/java" "$(command -v java || true)"; do
  if [ -x "$candidate" ] && [ "$(java_major "$candidate")" -ge 17 ] 2>/dev/null; then java_ok=yes; break; fi
done
[ "$java_ok" = yes ] || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)  # distributed crawling (and its tests)
command -v chromium >/dev/null 2>&1 || need+=(chromium)  # the browser test drives it headless
command -v unzip >/dev/null 2>&1 || true  # not needed: finnews unpacks with Python

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "finnews needs: ${need[*]}. Install them (e.g. sudo apt-get install -y ${need[*]}) and re-run." >&2
    exit 1
  fi
  echo "Installing ${need[*]} with apt-get …"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
