# Sourced by the examples: berth_graphql QUERY [VARIABLES_JSON] posts one operation to Berth and prints the
# response. BERTH_URL defaults to http://127.0.0.1:8080. BERTH_TOKEN (an access JWT or a berth_pat_ token)
# is sent as a bearer token, BERTH_TEAM as X-Berth-Team.
# Secrets never appear in a process's arguments (ps shows those): the body goes to curl on stdin, the
# variables reach jq through the environment, and the Authorization header is curl config read from fd 3.
BERTH_URL="${BERTH_URL:-http://127.0.0.1:8080}"

berth_graphql() {
  local query="$1"
  local body
  body=$(BERTH_VARIABLES="${2:-{\}}" jq -n --arg query "$query" '{query: $query, variables: (env.BERTH_VARIABLES | fromjson)}')
  local headers=(-H 'Content-Type: application/json' -H 'Accept: application/graphql-response+json')
  if [ -n "${BERTH_TEAM:-}" ]; then headers+=(-H "X-Berth-Team: ${BERTH_TEAM}"); fi
  local config=""
  if [ -n "${BERTH_TOKEN:-}" ]; then config=$(printf 'header = "Authorization: Bearer %s"' "$BERTH_TOKEN"); fi
  printf '%s' "$body" | curl --config /dev/fd/3 --silent --show-error --fail-with-body "${headers[@]}" \
    --data-binary @- "${BERTH_URL}/graphql" 3<<<"$config"
  echo
}

# Reads a secret from the named environment variable, or from the terminal without echo.
berth_secret() {
  local name="$1" prompt="$2"
  if [ -z "${!name:-}" ]; then
    read -r -s -p "$prompt: " "$name" && echo >&2
    export "${name?}"
  fi
}
