# Sourced by the examples: berth_graphql QUERY [VARIABLES_JSON] posts one operation to Berth and prints the
# response. BERTH_URL defaults to http://127.0.0.1:8080; BERTH_TOKEN, when set, is sent as a bearer token.
# Variables are built with jq --arg, so arguments are never spliced into the query or a shell string.
BERTH_URL="${BERTH_URL:-http://127.0.0.1:8080}"

berth_graphql() {
  local query="$1" variables="${2:-{\}}"
  local body
  body=$(jq -n --arg query "$query" --argjson variables "$variables" '{query: $query, variables: $variables}')
  local auth=()
  if [ -n "${BERTH_TOKEN:-}" ]; then auth=(-H "Authorization: Bearer ${BERTH_TOKEN}"); fi
  curl --silent --show-error --fail-with-body \
    -H 'Content-Type: application/json' \
    -H 'Accept: application/graphql-response+json' \
    "${auth[@]}" \
    --data-binary "$body" \
    "${BERTH_URL}/graphql"
  echo
}
