"""Account administration screens (administrators only)."""
