"""Pure rules over plain data: no I/O, `now` passed in."""
