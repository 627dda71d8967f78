"""Builders shared by the tests, one module per feature (worlds, cases, instruments, accounts,
assessment, ledger). Test modules import these and use conftest fixtures; they never import each
other (``tests/unit/test_suite_layout.py`` enforces it)."""
