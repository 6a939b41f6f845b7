#!/usr/bin/env bash
# Usage: BERTH_REFRESH_TOKEN=berth_rt_... refresh-session.sh   -- each refresh token works once
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_secret BERTH_REFRESH_TOKEN "Refresh token"
berth_graphql 'mutation Refresh($input: RefreshSessionInput!) {
  refreshSession(input: $input) { accessToken accessTokenExpiresAt refreshToken }
}' "$(jq -n '{input: {refreshToken: env.BERTH_REFRESH_TOKEN}}')"
