#!/usr/bin/env bash
# Installs the Debian 12 packages stormdb needs to build, test and run (idempotent).
set -euo pipefail
packages=(
  g++ cmake make pkg-config
  clang libclang-rt-14-dev llvm  # tools/sanitize.sh and tools/fuzz.sh: ASan/UBSan/libFuzzer runtimes, llvm-symbolizer
  libluajit2-5.1-dev libpq-dev libyaml-cpp-dev libfmt-dev doctest-dev libcli11-dev nlohmann-json3-dev
  libcpp-httplib-dev
  postgresql-15 postgresql-client-15
  sysbench  # tests/integration/test_compat.py and tools/bench/vs_sysbench.sh run its scripts
  python3
  dpkg-dev file  # cpack -G DEB: dpkg-shlibdeps computes the package's Depends
  chromium  # headless, for the HTML report test
)
# tools/fetch-pg.sh (PostgreSQL 13-18 for the version tests) needs npm; a Node.js from elsewhere
# (e.g. NodeSource) brings its own npm and conflicts with Debian's.
command -v npm >/dev/null || packages+=(npm)
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
# libluajit2-5.1-dev (OpenResty's LuaJIT) conflicts with Debian's older libluajit-5.1-dev and luajit.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
