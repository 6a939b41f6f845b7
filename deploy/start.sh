#!/bin/sh
# Starts a Berth jar with a class cache kept beside its data, one per jar, so that later starts skip most of the
# class loading, linking and warm-up a start costs (on two cores: 3.7 s to /health UP instead of 6.3 s the first time).
#   - JDK 25 or newer: an AOT cache (JEP 483/514/515: classes loaded and linked, method profiles). The first start
#     records it and writes it when Berth stops (a few seconds, within the compose file's stop_grace_period); every
#     later start loads it.
#   - JDK 21 to 24: an AppCDS archive, created when the first start stops and loaded by later starts.
# A cache made by another JVM build or for another jar is ignored by the JVM (a warning, never a failed start).
#   deploy/start.sh JAR [java options...]        (BERTH_CLASS_CACHE_DIR, default $BERTH_DATA_DIR/class-cache)
set -eu
jar=$1
shift
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
dir=${BERTH_CLASS_CACHE_DIR:-${BERTH_DATA_DIR:-.berth}/class-cache}
mkdir -p "$dir"
# the jar's identity: the id file written beside it at build time, else its hash
if [ -f "$jar.id" ]; then id=$(cat "$jar.id"); else id=$(sha256sum "$jar" | cut -c1-16); fi
# the JVM's major version from its release file (running java -version would cost a start of its own)
home=$(dirname "$(dirname "$(readlink -f "$(command -v "$java")")")")
major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null || true)
if [ "${major:-0}" -ge 25 ]; then
  cache="$dir/berth-$id.aot"
  if [ -s "$cache" ]; then set -- "-XX:AOTCache=$cache" "$@"; else set -- "-XX:AOTCacheOutput=$cache" "$@"; fi
else
  set -- -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$dir/berth-$id.jsa" "$@"
fi
exec "$java" "$@" -jar "$jar"
