"""One reader per source format: a file in, HSDS service dicts out.

Readers know their file format only; they never touch the database.
"""
