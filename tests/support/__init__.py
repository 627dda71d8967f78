"""Helpers of the test machinery (servers, databases, message brokers, browsers) that test modules
and conftest files share; builders of domain objects live in ``tests.factories``."""
