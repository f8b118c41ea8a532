"""``python -m dana.data.synthetic``: regenerate the packaged default data files."""

from dana.data.synthetic.files import main

main()
