"""Temporary old path (issue 13): the proof services live in esp.progress.services.proofs.
The tests of other apps (tbt, upkeep, operations, lib, browser) import from there next."""

from .services.proofs import ReviewError, check_file, proof_path, proof_review, proof_submit

__all__ = ["ReviewError", "check_file", "proof_path", "proof_review", "proof_submit"]
