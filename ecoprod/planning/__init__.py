"""Workshop planning: operations, the school's time, assignments, the auto-planner, progress."""
