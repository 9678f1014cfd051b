"""Errors meant for people: each carries a message fit to show as it is (Chinese first)."""


class ZhiliError(Exception):
    """Base class: the CLI prints the message and exits 1; the API answers 4xx/503 with it."""


class UserInputError(ZhiliError):
    """The question or request itself is unusable (empty, too long, malformed history)."""


class CorpusError(ZhiliError):
    """A bulletin file is missing or malformed; the message names the file and line."""


class ConfigError(ZhiliError):
    """A setting is malformed or names a file that is not there; the message names the setting."""


class ModelUnavailableError(ZhiliError):
    """The embedding model folder is missing or broken; the message names the set-up command."""
