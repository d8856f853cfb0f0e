import os

from crm.celery import app


def use_broker(url: str) -> None:
    """Point this process's Celery app (the web side of the tests) at a broker, dropping pooled connections."""
    os.environ["CELERY_BROKER_URL"] = url  # Celery reads this variable before its own settings
    app.conf.broker_url = url
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
