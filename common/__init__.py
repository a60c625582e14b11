"""Plain helpers shared by several apps (not a Django app: no models)."""
