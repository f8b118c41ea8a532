"""DANA: Drugs and Alcohol Needs Assessment toolkit.

Flow: sources -> one tidy indicator table -> statistics and comparisons ->
an assessment model -> renderers.
"""

__version__ = "0.1.0"
