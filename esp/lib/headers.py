"""Response headers of every page: a Content-Security-Policy and `Cache-Control: no-store`.

The policy allows scripts and styles only from this server or carrying the request's nonce
(`{{ csp_nonce }}` in a template: the `<style>` of base.html, htmx's script tag), so an
injected `<script>`, `<style>` or `style=""` attribute does nothing. Every response the app
builds shows or changes agents' personal data (names, e-mails, scores, proofs), so none may
be kept by the browser or a proxy; static files are served by WhiteNoise before this
middleware runs and stay cacheable.
"""

from __future__ import annotations

import secrets

from django.utils.cache import add_never_cache_headers

POLICY = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'nonce-{nonce}'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """A fresh nonce per request, the CSP carrying it, and no caching of any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = POLICY.format(nonce=request.csp_nonce)
        add_never_cache_headers(response)
        return response


def csp_nonce(request) -> dict:
    """Template context: `csp_nonce`, read by base.html and django-htmx's `htmx_script`."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
