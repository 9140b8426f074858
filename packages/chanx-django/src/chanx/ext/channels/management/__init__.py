"""Django management commands of Chanx."""
