"""Students: the people the school plans for."""
