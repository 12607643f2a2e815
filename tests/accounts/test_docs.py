"""The README documents the accounts settings and commands exactly as the code has them."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli.accounts import COMMANDS
from app.config import SETTINGS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
ACCOUNT_SETTINGS = [
    "SECRET_KEY",
    "SIGNPOST_SECURE_COOKIES",
    "SIGNPOST_MODERATION",
    "SIGNPOST_AUTO_APPROVE_DOMAIN_CLAIMS",
    "SIGNPOST_PROXY_COUNT",
]


@pytest.mark.parametrize("name", ACCOUNT_SETTINGS)
def test_each_setting_is_in_the_configuration_table(name):
    assert name in SETTINGS
    default = SETTINGS[name][0]
    row = next(line for line in README.splitlines() if line.startswith(f"| `{name}` |"))
    assert f"`{default}`" in row or (not default and "(empty" in row)


def subcommands():
    for command in COMMANDS:
        for name in getattr(command, "commands", {None: None}):
            yield " ".join(filter(None, ["signpost", command.name, name]))


@pytest.mark.parametrize("usage", list(subcommands()))
def test_each_command_is_in_the_command_table(usage):
    short = usage.removeprefix("signpost ")
    assert f"`{usage}" in README or f"`{short}" in README


def test_the_editor_workflow_is_documented():
    assert "## Groups keep their own listings" in README
    assert "signpost users create-admin" in README and "defunct" in README
