#!/usr/bin/env bash
# Usage: invite-member.sh EMAIL ROLE   (ROLE: OWNER, ADMIN, MEMBER, VIEWER) -- prints the invitation token once
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 2 "$@"
berth_graphql 'mutation Invite($input: InviteMemberInput!) { inviteMember(input: $input) { token invitation { id email role expiresAt } } }' \
  "$(jq -n --arg email "$1" --arg role "$2" '{input: {email: $email, role: $role}}')"
