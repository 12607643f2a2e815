"""Accounts and access: passwords (scrypt), API tokens (stored hashed), sign-in sessions,
CSRF tokens, rate limits kept in the database, and who may change what.

The modules without Flask (accounts, passwords, tokens, ratelimit, permissions) are
domain code the CLI and app.services use; `setup`, `current` and `csrf` are the web side.
"""
