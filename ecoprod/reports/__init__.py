"""The reports a school is asked for (the yearly activity report, margins per order and per
workshop) and the same figures for the whole network, school by school, without any name."""
