"""Tests of seminar/statistics (named stats: a tests/statistics package would shadow the standard library's statistics module, which pytest puts first on sys.path)."""
