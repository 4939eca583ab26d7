"""The rules for minors at regulated machines (décret 2013-915) and the derogation register."""
