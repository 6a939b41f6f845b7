#!/usr/bin/env bash
# Usage: list-api-tokens.sh   -- never shows secrets
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_graphql '{ apiTokens { id name scopes projectIds expiresAt lastUsedAt revokedAt createdAt } }'
