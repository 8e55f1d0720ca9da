"""A seeded synthetic population and the demo built on it."""
