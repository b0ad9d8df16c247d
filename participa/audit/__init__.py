"""The append-only, hash-chained log of staff and admin actions."""
