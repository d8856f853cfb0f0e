"""Who is asking: the client address that the login lockout, the security log and the access audit share."""


def client_address(request) -> str | None:
    """The client's address, the same one django-axes locks out: REMOTE_ADDR, unless PROXIES_IN_FRONT says a reverse
    proxy sets X-Forwarded-For (settings.AXES_IPWARE_*). Without a proxy that overwrites it, any client can send one.
    """
    from axes.helpers import get_client_ip_address  # axes reads the settings; this module loads before apps are ready

    return get_client_ip_address(request)
