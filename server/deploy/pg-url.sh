# Sourced by dovecot/run-local.sh and postfix/run-local.sh (after `die`):
# the checks both throwaway mail servers make on their arguments, and the
# one parser of the PostgreSQL URL they accept in place of a SQLite file.
valid_port() { [[ $1 =~ ^[0-9]{1,5}$ ]] && (( 10#$1 >= 1 && 10#$1 <= 65535 )); }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pct_decode VAR TEXT: VAR = TEXT with %XX escapes decoded. Fails on a bad
# escape, a backslash (printf %b would read it) or a control character.
pct_decode() {
  local hex='%[0-9A-Fa-f][0-9A-Fa-f]' s=$2
  [[ ${s//$hex/} != *%* && $s != *\\* ]] || return 1
  printf -v "$1" '%b' "${s//%/\\x}"
  [[ ${!1} != *[[:cntrl:]]* ]]
}
# parse_pg_url URL: sets pg_user, pg_password (maybe empty), pg_host, pg_port,
# pg_dbname and pg_show (the URL without the password, for messages), or dies.
parse_pg_url() {
  local re='^postgres(ql)?://(([^:@/?#]*)(:([^@/?#]*))?@)?([^:@/?#[]+)(:([^@/?#]*))?/([^/?#]+)$'
  [[ $1 =~ $re ]] \
    || die "bad PostgreSQL URL; expected postgres://USER[:PASSWORD]@HOST[:PORT]/DBNAME (no ?options, [IPv6] hosts or Unix sockets)"
  local user=${BASH_REMATCH[3]} password=${BASH_REMATCH[5]} host=${BASH_REMATCH[6]}
  local port=${BASH_REMATCH[8]:-5432} dbname=${BASH_REMATCH[9]}
  pct_decode pg_user "$user" && pct_decode pg_password "$password" && pct_decode pg_dbname "$dbname" \
    || die "bad %-escape or control character in the PostgreSQL URL"
  pg_host=$host
  pg_port=$port
  [[ -n $pg_user ]] || die "the PostgreSQL URL needs a user (postgres://USER@HOST/DBNAME)"
  [[ $pg_user =~ ^[A-Za-z0-9._-]+$ ]] || die "PostgreSQL user may only contain letters, digits and ._-"
  [[ $pg_dbname =~ ^[A-Za-z0-9._-]+$ ]] || die "PostgreSQL database name may only contain letters, digits and ._-"
  [[ $pg_host =~ ^[A-Za-z0-9.-]+$ ]] || die "bad PostgreSQL host '$pg_host'"
  valid_port "$pg_port" || die "bad PostgreSQL port '$pg_port'"
  pg_show="postgres://$pg_user${pg_password:+:***}@$pg_host:$pg_port/$pg_dbname"
}
