"""Recording: the archive (settings, index, retention, evidence locks) and the engine."""
