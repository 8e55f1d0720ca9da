"""Xinyong: credit records with due process."""
