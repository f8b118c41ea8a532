"""``python -m dana``: the same command line as ``dana``."""

from dana.cli import main

if __name__ == "__main__":
    main(prog_name="dana")
