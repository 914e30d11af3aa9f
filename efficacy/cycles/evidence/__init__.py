"""Evidence of student learning: the score grid, uploads, gradebook imports and exports."""
