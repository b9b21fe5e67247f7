"""Model layers: pure, vectorised numpy functions over a leading draw axis."""
