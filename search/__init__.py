"""Full-text search: the only package that touches Whoosh."""
