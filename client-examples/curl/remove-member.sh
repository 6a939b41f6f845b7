#!/usr/bin/env bash
# Usage: remove-member.sh USER_ID
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Remove($input: RemoveMemberInput!) { removeMember(input: $input) { removedUserId } }' \
  "$(jq -n --arg user "$1" '{input: {userId: $user}}')"
