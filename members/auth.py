"""How login throttling (django-axes) names the person trying to sign in."""


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
