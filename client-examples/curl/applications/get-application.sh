#!/usr/bin/env bash
# Usage: get-application.sh APPLICATION_ID   (settings, variables without secret values, latest deployments)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'query Application($id: ID!) {
  application(id: $id) {
    id name status restartPolicy ports { containerPort hostPort }
    environmentVariables { key value secret buildTime }
    deployments(first: 5) { id number status reason createdAt }
  }
}' "$(jq -n --arg id "$1" '{id: $id}')"
