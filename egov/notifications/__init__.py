"""Notifications: e-mail and SMS written to an outbox in the caller's transaction, sent by Celery."""
