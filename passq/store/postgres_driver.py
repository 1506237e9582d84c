"""psycopg2, the PostgreSQL driver, imported without Python's `ssl` module.

psycopg2 imports `ssl` (15 ms, a sixth of a command's start-up here) only so that Python sets
OpenSSL's thread-locking callbacks before libpq does: OpenSSL 1.1 and later lock by
themselves, and passq runs one thread. When that import fails, psycopg2 lets libpq set up
OpenSSL itself, the path it takes under a Python built without OpenSSL. libpq's own encrypted
connections (`sslmode` in the URL) do not use Python's `ssl` and work the same.
"""

import sys

if "psycopg2" not in sys.modules:
    _blocked = "ssl" not in sys.modules
    if _blocked:
        sys.modules["ssl"] = None  # type: ignore[assignment]  # makes `import ssl` fail
    try:
        import psycopg2
    finally:
        if _blocked:
            del sys.modules["ssl"]  # a later `import ssl` loads it as usual

import psycopg2  # noqa: E402
import psycopg2.errors  # noqa: E402

__all__ = ["psycopg2"]
