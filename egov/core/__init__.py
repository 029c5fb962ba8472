"""Shared kernel: clock, working-day calendar, audit trail, text folding, errors, PII masking."""
