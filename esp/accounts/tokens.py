"""The former home of the API token writes, kept while other apps still import from here:
they are esp.accounts.services.token_issue and tokens_revoke."""

from __future__ import annotations

from .services import token_issue, tokens_revoke

__all__ = ["token_issue", "tokens_revoke"]
