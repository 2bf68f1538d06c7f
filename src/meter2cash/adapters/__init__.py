"""Adapters: the ports of :mod:`meter2cash.ports` over real infrastructure and in memory.

Every adapter passes the same contract suites in ``tests/contract``; the memory ones are the fakes
that unit tests use, so a fake can never drift from the real store without a failing test.
"""
