"""Utkik's core: domain values, policies, services, storage. Imports no Qt and no device library."""

__version__ = "0.1.0"
