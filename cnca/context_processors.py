"""Template context shared by every page."""

import logging

from members.queries import supporters_by_role

logger = logging.getLogger(__name__)


def alliance(request):
    """The alliance's staff, partners and funders, for the footer.

    They are read through the cache; when the cache does not answer, the page
    goes out with a shorter footer rather than not at all.
    """
    try:
        return {"supporters": supporters_by_role()}
    except Exception:
        logger.warning("Footer supporters unavailable: the cache does not answer.", exc_info=True)
        return {"supporters": {}}
