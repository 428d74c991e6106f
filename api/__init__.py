"""The read-only HTTP API and its one page (``finnews serve``): search, articles, trends and export
over HTTP, a thin layer over ``store.search``, ``store.stats`` and ``store.export``.

``GET /`` serves a static page (HTML, JS and CSS in ``api/static/``, no build step, nothing loaded
from outside the server). With an API key (``finnews serve --api-key`` or ``FINNEWS_API_KEY``),
every request except the page and its static files needs the header ``X-API-Key``; open the page as
``http://host:port/?key=KEY`` once: it keeps the key in the tab's ``sessionStorage`` (never in a
cookie or the address bar) and sends it with each request, or asks for it when a request gets 401.
"""
