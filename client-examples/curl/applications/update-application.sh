#!/usr/bin/env bash
# Usage: update-application.sh APPLICATION_ID SETTINGS_JSON
#   SETTINGS_JSON: the fields of UpdateApplicationInput to change, e.g.
#   '{"stopSignal": "SIGINT", "stopGracePeriodSeconds": 3}' or '{"ports": [{"containerPort": 8080}], "cpuLimit": 0.5}'
#   Omitted fields stay as they are; the changes apply at the next deployment.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 2 "$@"
berth_graphql 'mutation Update($input: UpdateApplicationInput!) {
  updateApplication(input: $input) {
    application { id name ports { containerPort hostPort } command restartPolicy cpuLimit memoryLimitMiB stopSignal stopGracePeriodSeconds
      healthCheck { path port expectedStatus intervalSeconds timeoutSeconds retries startPeriodSeconds } }
  }
}' "$(jq -n --arg id "$1" --argjson settings "$2" '{input: ($settings + {id: $id})}')"
