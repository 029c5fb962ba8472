"""Organisation: the province, its communes/wards, historic units and the agencies."""
