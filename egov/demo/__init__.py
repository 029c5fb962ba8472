"""The Lâm Đồng sample data that `make demo` loads: units, agencies, demo accounts, the catalogue."""
