"""Foundations every app may use: they import no app of this project.

Usage lookup, PDF rendering, shared form pieces, the conflict error, charts,
and the actor that services act for.
"""
