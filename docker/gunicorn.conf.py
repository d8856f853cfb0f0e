# gunicorn's settings for the web container (docker/entrypoint.sh); the command line can override any of them.
import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# The access log on stdout, with survey link tokens and other secret path segments replaced (crm/logs.py).
accesslog = "-"
logger_class = "crm.gunicorn.RedactingLogger"
