"""Placeholder: being written."""


def trend(*args, **kwargs):
    raise NotImplementedError
