"""Workflow: running a dossier through its process steps, assignment, hand-over between agencies, step deadlines."""
