"""Jinja templates of mcpmint, shipped inside the wheel as mcpmint._templates."""
