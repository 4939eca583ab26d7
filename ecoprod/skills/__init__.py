"""The student's skills record (livret de suivi): work done, hours, competences signed off."""
