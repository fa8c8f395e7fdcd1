"""Penapisan (screening) of employees and their merit score."""
