#!/usr/bin/env bash
# Usage: BERTH_TOKEN=... whoami.sh   -- who the token is, which team it acts in, with which role and scopes
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_graphql '{ me { user { id email name } team { id name } role scopes viaApiToken memberships { team { id name } role } } }'
