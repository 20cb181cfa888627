"""Subject access: a person's request for footage of themselves, and its masked copy."""
