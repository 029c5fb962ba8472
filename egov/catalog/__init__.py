"""The catalogue of administrative procedures and the public portal that publishes it."""
