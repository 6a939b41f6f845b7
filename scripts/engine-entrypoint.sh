#!/bin/sh
# The test engines' entrypoint: honours the official postgres and mariadb images' environment contracts (a new data
# directory is initialised from POSTGRES_* / MARIADB_* or MYSQL_*, passwords through files and stdin, never argv),
# then runs the server in the foreground as its own user. Anything else is run as given (redis: Berth's command).
set -eu

hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }

case "${1:-}" in
postgres)
  PGDATA=${PGDATA:-/var/lib/postgresql/data}
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  export PGPORT=${PGPORT:-5432}
  mkdir -p "$PGDATA" /run/postgresql
  chown postgres:postgres "$PGDATA" /run/postgresql
  chmod 700 "$PGDATA"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
    setpriv --reuid=postgres --regid=postgres --init-groups \
      initdb -D "$PGDATA" -U "$user" --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 >/dev/null
    printf "listen_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
    printf 'host all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
    # the password as \xHH escapes in an E'' literal (any byte, a newline included), on stdin
    escaped=$(hex "$POSTGRES_PASSWORD" | sed 's/../\\x&/g')
    role=$(printf '%s' "$user" | sed 's/"/""/g')
    {
      printf 'ALTER ROLE "%s" PASSWORD E'"'"'%s'"'"';\n' "$role" "$escaped"
      if [ "$db" != postgres ]; then printf 'CREATE DATABASE "%s" OWNER "%s";\n' "$(printf '%s' "$db" | sed 's/"/""/g')" "$role"; fi
    } | setpriv --reuid=postgres --regid=postgres --init-groups postgres --single -D "$PGDATA" postgres >/dev/null
  fi
  unset POSTGRES_PASSWORD
  exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "$PGDATA"
  ;;
mariadbd|mysqld)
  datadir=/var/lib/mysql
  port=${MYSQL_TCP_PORT:-3306}
  root=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
  user=${MARIADB_USER:-${MYSQL_USER:-}}
  password=${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}
  db=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}
  mkdir -p "$datadir" /run/mysqld
  chown -R mysql:mysql "$datadir" /run/mysqld
  if [ ! -d "$datadir/mysql" ]; then
    mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db --auth-root-authentication-method=normal >/dev/null
    ident() { printf '%s' "$1" | sed 's/`/``/g'; }
    # a string literal's content: backslashes and quotes escaped (passwords hold no control characters); printf, as
    # echo would read the backslashes itself
    lit() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g"; }
    {
      printf '%s\n' "FLUSH PRIVILEGES;"
      printf '%s\n' "ALTER USER 'root'@'localhost' IDENTIFIED BY '$(lit "$root")';"
      printf '%s\n' "CREATE USER 'root'@'%' IDENTIFIED BY '$(lit "$root")';"
      printf '%s\n' "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
      if [ -n "$db" ]; then printf '%s\n' "CREATE DATABASE IF NOT EXISTS \`$(ident "$db")\`;"; fi
      if [ -n "$user" ]; then
        printf '%s\n' "CREATE USER '$(lit "$user")'@'%' IDENTIFIED BY '$(lit "$password")';"
        if [ -n "$db" ]; then printf '%s\n' "GRANT ALL ON \`$(ident "$db")\`.* TO '$(lit "$user")'@'%';"; fi
      fi
    } | mariadbd --user=mysql --datadir="$datadir" --bootstrap --skip-networking >/dev/null
  fi
  unset MARIADB_ROOT_PASSWORD MYSQL_ROOT_PASSWORD MARIADB_PASSWORD MYSQL_PASSWORD
  exec mariadbd --user=mysql --datadir="$datadir" --bind-address=0.0.0.0 --port="$port"
  ;;
*)
  exec "$@"
  ;;
esac
