"""`dana report` and the built-in examples (owned by the assessment layer)."""

COMMANDS: list = []
