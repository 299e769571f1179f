"""Models arrive with the issue that builds this app; it is installed now to reserve its label."""
