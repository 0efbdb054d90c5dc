"""Repeatable performance measurements beside their baselines (DESIGN.md §7)."""
