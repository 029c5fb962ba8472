"""Accounts: citizens, businesses and officials, with roles per agency."""
