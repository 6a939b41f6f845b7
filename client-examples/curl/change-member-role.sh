#!/usr/bin/env bash
# Usage: change-member-role.sh USER_ID ROLE
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 2 "$@"
berth_graphql 'mutation ChangeRole($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { member { role user { email } } } }' \
  "$(jq -n --arg user "$1" --arg role "$2" '{input: {userId: $user, role: $role}}')"
