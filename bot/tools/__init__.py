"""Maintainers' command-line tools around the matcher: `match`, `ask` and `eval` (they read
files and write reports, so they live outside the I/O-free `matching` package)."""
