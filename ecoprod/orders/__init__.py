"""Order requests and orders: lifecycle, lines, drawings, inbox."""
