"""The outbox: every email the portal sends is a row here first."""
