"""Helpers shared by the black-box tests and the chaos run (plain modules, no tests)."""
