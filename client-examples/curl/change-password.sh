#!/usr/bin/env bash
# Usage: BERTH_TOKEN=... BERTH_PASSWORD=current BERTH_NEW_PASSWORD=new change-password.sh   -- ends your other sessions
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_secret BERTH_PASSWORD "Current password"
berth_secret BERTH_NEW_PASSWORD "New password"
berth_graphql 'mutation ChangePassword($input: ChangePasswordInput!) { changePassword(input: $input) { user { id } } }' \
  "$(jq -n '{input: {currentPassword: env.BERTH_PASSWORD, newPassword: env.BERTH_NEW_PASSWORD}}')"
