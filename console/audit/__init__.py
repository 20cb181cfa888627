"""The signed, tamper-evident access log."""
