# Sourced by the examples: berth_graphql QUERY [VARIABLES_JSON] posts one operation to Berth and prints the
# response; it exits non-zero when the response has errors (printed on stderr) or the HTTP call fails.
# BERTH_URL defaults to http://127.0.0.1:8080. BERTH_TOKEN is sent as a bearer token, BERTH_TEAM as
# X-Berth-Team. For scripts and CI, prefer a personal access token (create-api-token.sh; berth_pat_...):
# access tokens from sign-in expire after 15 minutes.
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
  local response status=0
  response=$(printf '%s' "$body" | curl --config /dev/fd/3 --silent --show-error "${headers[@]}" \
    --data-binary @- "${BERTH_URL}/graphql" 3<<<"$config") || status=$?
  if [ "$status" -ne 0 ]; then
    echo "berth: cannot reach ${BERTH_URL}/graphql (curl exit $status)" >&2
    exit 2
  fi
  printf '%s\n' "$response"
  if ! jq -e '(.errors // []) | length == 0' >/dev/null 2>&1 <<<"$response"; then
    jq -r '.errors[]? | "berth: \(.extensions.code // "ERROR"): \(.message)"' <<<"$response" >&2 2>/dev/null \
      || echo "berth: the response is not GraphQL JSON" >&2
    exit 1
  fi
}

# Stops with the usage line (the script's second line) unless at least $1 arguments were given.
berth_args() {
  local need="$1"; shift
  if [ "$#" -lt "$need" ]; then
    sed -n '2s/^# //p' "$0" >&2
    exit 64
  fi
}

# Prints the line to paste for the other examples, on stderr (stdout stays the JSON response).
berth_export_token() {
  local token
  token=$(jq -r "$1" <<<"$2")
  echo "export BERTH_TOKEN=$token   # expires in 15 minutes; for scripts, create a personal access token" >&2
}

# Reads a secret from the named environment variable, or from the terminal without echo.
berth_secret() {
  local name="$1" prompt="$2"
  if [ -z "${!name:-}" ]; then
    read -r -s -p "$prompt: " "$name" && echo >&2
    export "${name?}"
  fi
}
