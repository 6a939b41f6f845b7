#!/usr/bin/env bash
# Usage: list-registries.sh
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_graphql '{ registries { id url username createdAt } }'
