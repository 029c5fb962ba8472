"""Dossiers (hồ sơ): application, reception, the status machine, codes, timeline, slips, tracking."""
