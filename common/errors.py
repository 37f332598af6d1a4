"""Errors shared by every app's services."""


class ConflictError(Exception):
    """Someone else saved this record (or conversation) after the form was opened."""

    def __init__(self, current):
        super().__init__("The record was changed by someone else.")
        self.current = current
