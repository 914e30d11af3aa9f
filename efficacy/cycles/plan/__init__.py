"""Planning a cycle: its goals, focus and comparison groups, strategies, milestones and status."""
