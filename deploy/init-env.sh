#!/usr/bin/env sh
# Writes deploy/.env from .env.example with a strong random value for every secret, mode 0600.
# Refuses to overwrite an existing .env: its master key encrypts your data (back it up, never regenerate it).
# Usage: deploy/init-env.sh [target]   (default: deploy/.env)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=${1:-$here/.env}
if [ -e "$target" ]; then
  echo "$target exists; not overwriting it (its BERTH_MASTER_KEY decrypts your secrets)" >&2
  exit 1
fi
random_hex() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
umask 077
tmp="$target.tmp.$$"
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    POSTGRES_PASSWORD=|DRAGONFLY_PASSWORD=|BERTH_JWT_SECRET=|BERTH_MASTER_KEY=|BERTH_METRICS_TOKEN=) printf '%s%s\n' "$line" "$(random_hex)" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$here/.env.example" > "$tmp"
chmod 600 "$tmp"
mv "$tmp" "$target"
echo "wrote $target (mode 0600); back up BERTH_MASTER_KEY somewhere safe"
