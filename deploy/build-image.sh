#!/usr/bin/env sh
# Builds the production image as berth:<version from pom.xml> and berth:latest. Run from anywhere.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -n 1)
[ -n "$version" ] || { echo "cannot read the version from pom.xml" >&2; exit 1; }
docker build -f "$root/deploy/Dockerfile" -t "berth:$version" -t berth:latest "$root"
echo "built berth:$version and berth:latest"
