"""The demo directory: sample sources, their generators and the loader.

Only entry points (the CLI, tests, bench) import it.
"""
