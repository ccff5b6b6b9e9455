"""How login throttling (django-axes) names the person trying to sign in, and where from."""

import ipaddress

from django.conf import settings


def throttled_username(request, credentials=None):
    """The login as typed, folded to lower case.

    Logins ignore case (``User.objects.get_by_natural_key``), so the throttle
    must too: otherwise ``Ana@city.gov`` and ``ana@city.gov`` would each get
    their own five attempts.
    """
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "POST", {}).get("username")
    return (username or "").strip().lower() or None


def client_ip(request):
    """The address of the person signing in, as our own proxies saw it.

    Behind ``TRUSTED_PROXY_COUNT`` proxies that each append the address they
    received the request from to ``X-Forwarded-For``, the client is the
    entry that many places from the right: what the outermost of our proxies
    saw. Anything further left was written by the client and is ignored, so
    rotating a forged header earns no fresh attempts. With no proxy (0) the
    header is ignored altogether and the socket's address counts.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Not through all our proxies (a health check from inside, say).
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
