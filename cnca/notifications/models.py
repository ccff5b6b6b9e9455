"""The outbox models arrive with the reliable email issue."""
