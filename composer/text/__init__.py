"""Text formats: WIT (printed), WAVE values, and `compose inspect`."""
