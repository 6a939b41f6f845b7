#!/usr/bin/env bash
# Builds (once) the root filesystem the database tests run their engines from: Debian bookworm's own PostgreSQL 15,
# MariaDB and Redis with an entrypoint honouring the official images' environment contracts (Docker Hub is not
# reachable here). Prints the tarball's path. Cached in $BERTH_TEST_CACHE (default /var/cache/berth-test), outside
# any clone, so later runs only import it (about a minute to build; about 650 MB).
set -euo pipefail
cache=${BERTH_TEST_CACHE:-/var/cache/berth-test}
here=$(cd "$(dirname "$0")" && pwd)
entrypoint="$here/engine-entrypoint.sh"
# the tarball's name carries the entrypoint's digest: a changed entrypoint makes a new one
tag=$(sha256sum "$entrypoint" "$0" | sha256sum | cut -c1-12)
tarball="$cache/engines-bookworm-$tag.tar"
if [ -s "$tarball" ]; then echo "$tarball"; exit 0; fi
command -v debootstrap >/dev/null || { echo "FATAL: debootstrap is required (apt-get install debootstrap)" >&2; exit 1; }
mkdir -p "$cache"
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase --include=postgresql-15,mariadb-server,mariadb-client,redis-server,procps bookworm "$work/root" \
  "${BERTH_DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 \
  || { tail -30 "$work/debootstrap.log" >&2; exit 1; }
install -m 0755 "$entrypoint" "$work/root/usr/local/bin/docker-entrypoint.sh"
ln -sf /usr/lib/postgresql/15/bin/pg_ctl /usr/lib/postgresql/15/bin/initdb /usr/lib/postgresql/15/bin/postgres "$work/root/usr/local/bin/" 
rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*
# the packages' own clusters and data are not the image's: the entrypoint makes them from the environment
rm -rf "$work/root/var/lib/postgresql/15" "$work/root/etc/postgresql/15/main" "$work/root/var/lib/mysql/"* "$work/root/var/lib/redis/"*
tar -C "$work/root" -cf "$tarball.partial" .
mv "$tarball.partial" "$tarball"
echo "$tarball"
