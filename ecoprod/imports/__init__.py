"""Bringing a school's spreadsheets in: customers, students, machines, competences."""
