"""Amounts as the public pages write them."""

from decimal import Decimal


def usd(amount):
    """``Decimal("879240.00")`` -> "US$879,240"; cents only where there are any."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    if amount == amount.to_integral_value():
        return f"US${amount:,.0f}"
    return f"US${amount:,.2f}"
