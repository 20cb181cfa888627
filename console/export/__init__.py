"""Evidence export for the police: requests, four-eyes approval and signed packages."""
