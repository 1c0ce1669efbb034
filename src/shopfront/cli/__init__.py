"""The ``shopfront`` command line: one thin command per module."""
