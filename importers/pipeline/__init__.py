"""The import pipeline: read, prepare, finish, publish, withdraw.

One transaction per import; see run.py for the order of the stages.
"""
