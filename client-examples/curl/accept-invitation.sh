#!/usr/bin/env bash
# Usage: BERTH_TOKEN=<invitee's access token> BERTH_INVITATION=berth_inv_... accept-invitation.sh
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_secret BERTH_INVITATION "Invitation token"
berth_graphql 'mutation Accept($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { team { id name } role } }' \
  "$(jq -n '{input: {token: env.BERTH_INVITATION}}')"
