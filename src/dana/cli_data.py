"""`dana fetch` and `dana data list/show` (owned by the data layer)."""

COMMANDS: list = []
