"""The command line: typer commands, output policy, exit codes, interrupts, progress, the man page."""
