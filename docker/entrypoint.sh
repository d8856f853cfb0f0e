#!/bin/sh
# One image, one process per container: web (migrates first), worker or beat.
set -eu

case "${1:-web}" in
  web)
    python manage.py migrate --noinput
    exec gunicorn crm.wsgi:application \
      --bind 0.0.0.0:8000 \
      --workers "${GUNICORN_WORKERS:-3}" \
      --access-logfile - \
      --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}"
    ;;
  worker)
    exec celery -A crm worker --loglevel INFO --concurrency "${CELERY_CONCURRENCY:-2}"
    ;;
  beat)
    # Exactly one beat per installation: the schedule lives in the database (django-celery-beat).
    exec celery -A crm beat --loglevel INFO
    ;;
  *)
    exec "$@"
    ;;
esac
