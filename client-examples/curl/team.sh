#!/usr/bin/env bash
# Usage: BERTH_TOKEN=... [BERTH_TEAM=id] team.sh   -- the current team, its members and pending invitations
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_graphql '{ team { id name slug members { role joinedAt user { id email } } invitations { id email role expiresAt } } }'
