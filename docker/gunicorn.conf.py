# gunicorn's settings for the web container (docker/entrypoint.sh); the command line can override any of them.
import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Threaded workers: the worker's main thread keeps telling the arbiter it is alive while a request thread streams,
# so `timeout` no longer cuts a long CSV export. With the sync worker a request had to finish within the timeout
# (30 s by default), and an export of 100,000 organisations was cut after 8,000-19,000 lines with a 200 already
# sent. Each thread holds its own database connection: workers x threads connections at most.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Now a hung worker's limit, not a request's: a worker that stops answering the arbiter this long is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# The access log on stdout, with survey link tokens and other secret path segments replaced (crm/logs.py).
accesslog = "-"
logger_class = "crm.gunicorn.RedactingLogger"
