"""Web pages: the storefront and the operator's dashboard."""
