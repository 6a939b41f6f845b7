#!/usr/bin/env bash
# Builds (once) the root filesystem the database tests run their engines from: Debian bookworm's own PostgreSQL 15,
# MariaDB and Redis (Docker Hub is not reachable here; the tests add scripts/engine-entrypoint.sh, which honours the
# official images' environment contracts). Prints the tarball's path. Cached in $BERTH_TEST_CACHE (default
# /var/cache/berth-test), outside any clone, so later runs only import it (a few minutes to build; about 650 MB).
set -euo pipefail
cache=${BERTH_TEST_CACHE:-/var/cache/berth-test}
packages=postgresql-15,mariadb-server,mariadb-client,redis-server,procps
# the tarball's name carries what it is made of: another package list makes a new one
tag=$(printf 'bookworm %s 1' "$packages" | sha256sum | cut -c1-12)
tarball="$cache/engines-bookworm-$tag.tar"
if [ -s "$tarball" ]; then echo "$tarball"; exit 0; fi
command -v debootstrap >/dev/null || { echo "FATAL: debootstrap is required (apt-get install debootstrap)" >&2; exit 1; }
mkdir -p "$cache"
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase --include="$packages" bookworm "$work/root" \
  "${BERTH_DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 \
  || { tail -30 "$work/debootstrap.log" >&2; exit 1; }
ln -sf /usr/lib/postgresql/15/bin/pg_ctl /usr/lib/postgresql/15/bin/initdb /usr/lib/postgresql/15/bin/postgres "$work/root/usr/local/bin/" 
rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*
# the packages' own clusters and data are not the image's: the entrypoint makes them from the environment
rm -rf "$work/root/var/lib/postgresql/15" "$work/root/etc/postgresql/15/main" "$work/root/var/lib/mysql/"* "$work/root/var/lib/redis/"*
tar -C "$work/root" -cf "$tarball.partial" .
mv "$tarball.partial" "$tarball"
echo "$tarball"
