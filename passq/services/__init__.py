"""Services: each command's unit of work (load → decide → save in one transaction).

No typer and no rendering here: a service takes a Session and plain values, and returns plain
values (records, placements, figures) for the CLI to render.
"""
