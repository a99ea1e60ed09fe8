"""Type tests for JSON values, shared by the three products' validators.

JSON booleans are not numbers here (Python's bool is an int subclass), and NaN/Infinity never get
this far (http_io refuses them), so a number is always a finite int or float.
"""

import math
from datetime import datetime


def is_text(value: object) -> bool:
    return isinstance(value, str)


def is_blank(value: object) -> bool:
    """Missing for a mandatory text field: absent, null, not a string, or only white space."""
    return not isinstance(value, str) or not value.strip()


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_optional_text(value: object) -> bool:
    return value is None or isinstance(value, str)


def is_optional_number(value: object) -> bool:
    return value is None or is_number(value)


def is_rfc3339(value: object) -> bool:
    """A date-time string such as 2024-01-10T00:00:00+05:30 (a trailing Z allowed)."""
    if not isinstance(value, str) or "T" not in value.upper() or len(value) > 64:
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def plain_number(value: float) -> int | float:
    """426.0 -> 426, 170.4 -> 170.4: numbers as the documents print them."""
    rounded = round(float(value), 2)
    return int(rounded) if rounded.is_integer() else rounded
