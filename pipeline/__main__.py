"""`python -m pipeline` runs the `mediabias` command line."""

from pipeline.cli import main

main(prog_name="mediabias")
