#!/usr/bin/env bash
# Efficacy in production, step by step: the very commands the README's "Running Efficacy
# for real" section tells a person to run, and the ones CI runs natively against
# PostgreSQL (tests/ops/test_recipe.py), so that the recipe cannot rot. The systemd units
# and the compose file run the same commands (tests/ops/test_recipe_files.py checks it).
#
#   deploy/run-recipe.sh setup    migrate the database, create the first administrator,
#                                 check the production configuration
#   deploy/run-recipe.sh web      the web server, in the foreground (efficacy-web.service)
#   deploy/run-recipe.sh worker   the background worker, in the foreground (efficacy-worker.service)
#   deploy/run-recipe.sh health   is the site up, with its database and a worker alive?
#   deploy/run-recipe.sh backup   one backup file into EFFICACY_BACKUP_DIR (efficacy-backup.service)
#
# The application reads its settings from the environment (deploy/env.example lists them:
# DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, SECURE_HTTPS, ...). This script also reads:
#   EFFICACY                  the command to run (default: efficacy, from the environment's bin)
#   EFFICACY_BIND             host:port the web server listens on (default 127.0.0.1:8000)
#   EFFICACY_ADMIN_USERNAME, EFFICACY_ADMIN_EMAIL   the first administrator (setup)
#   EFFICACY_ADMIN_PASSWORD   their password; unset, it is asked on the terminal
#   EFFICACY_DISTRICT_NAME, EFFICACY_DISTRICT_ID    their district: its name and its
#                             sourcedId in your OneRoster export (orgs.csv)
#   EFFICACY_BACKUP_DIR       where backups go (default /var/backups/efficacy)
#   EFFICACY_HEALTH_WAIT      seconds `health` keeps asking before it gives up (default 0)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
EFFICACY="${EFFICACY:-efficacy}"
BIND="${EFFICACY_BIND:-127.0.0.1:8000}"
PYTHON="${PYTHON:-python3}"

usage() {
  sed -n '7,13p' "$0" | sed 's/^# *//' >&2
  exit 2
}

step="${1:-}"
case "$step" in
  setup)
    : "${EFFICACY_ADMIN_USERNAME:?set EFFICACY_ADMIN_USERNAME, the first administrator's username}"
    : "${EFFICACY_ADMIN_EMAIL:?set EFFICACY_ADMIN_EMAIL, the first administrator's e-mail address}"
    $EFFICACY migrate --noinput
    $EFFICACY create-administrator "$EFFICACY_ADMIN_USERNAME" \
      --email "$EFFICACY_ADMIN_EMAIL" \
      --district "${EFFICACY_DISTRICT_NAME:-}" --district-id "${EFFICACY_DISTRICT_ID:-}"
    $EFFICACY check --deploy --fail-level WARNING
    ;;
  web)
    exec $EFFICACY serve --bind "$BIND"
    ;;
  worker)
    exec $EFFICACY worker
    ;;
  health)
    exec "$PYTHON" "$HERE/healthcheck.py" --url "http://$BIND/healthz" \
      --wait "${EFFICACY_HEALTH_WAIT:-0}" --require-worker
    ;;
  backup)
    dir="${EFFICACY_BACKUP_DIR:-/var/backups/efficacy}"
    mkdir -p "$dir"
    $EFFICACY backup "$dir/efficacy-$(date -u +%Y%m%dT%H%M%SZ).tar.gz"
    ;;
  *)
    usage
    ;;
esac
