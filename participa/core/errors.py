"""Domain errors: services raise them, views show their message to the person."""


class DomainError(Exception):
    """A rule was broken; `message` is a (lazily translated) sentence for the person."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The person may not do this."""
