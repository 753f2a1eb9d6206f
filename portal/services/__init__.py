"""Operations that change data. Each takes the acting user (``by``), records an audit event,
flushes when it needs ids, and never commits: the route (or command) owns the transaction."""


class ServiceError(Exception):
    """A refused operation, with a plain-English message that can be shown to the user."""

    def __init__(self, message) -> None:  # noqa: ANN001 - str or domain Message
        super().__init__(str(message))
        self.message = message
