"""Audit findings: rules (rules.py) with thresholds from policy data (policy.py), raised by
the capture path and by the sweep (engine.py), read and answered in the inbox (inbox.py)."""
