"""Comment threads with one level of replies, owned by proposals (and later events)."""
