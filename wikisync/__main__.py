"""`python -m wikisync` runs the command line."""

from wikisync.cli import main

main()
