#!/bin/sh
# One image, one process per container: web (migrates first), worker or beat.
set -eu

case "${1:-web}" in
  web)
    python manage.py migrate --noinput
    # Binding, workers, proxies and the access log (without survey link tokens): docker/gunicorn.conf.py.
    exec gunicorn --config docker/gunicorn.conf.py crm.wsgi:application
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
