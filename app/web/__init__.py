"""Server-rendered pages for link workers and the public: the search page (served at `/`
to browsers: see `app.serve_search_page_at_root`), the service page, the social prescription and the
borough overview."""

from flask import Flask

from app.web import boroughs, prescription, referrals, review_links, services
from app.web.capacity import register_capacity

BLUEPRINTS = [services.blp, prescription.blp, boroughs.blp, review_links.blp, referrals.blp]


def register_web(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    register_capacity(app)
