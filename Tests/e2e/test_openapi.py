"""The served OpenAPI document is valid and describes routes that exist."""
from openapi_spec_validator import validate

from conftest import run


def test_openapi_document_is_valid_and_matches_the_routes(tmp_path, server_factory):
    server = server_factory()
    status, doc = server.get("/api/v1/openapi.json")
    assert status == 200
    validate(doc)
    methods = {"get", "post", "patch", "delete", "put"}
    for path, operations in doc["paths"].items():
        concrete = (path.replace("{id}", "1").replace("{customer_id}", "1").replace("{name}", "confirmation")
                    .replace("{kind}", "customers"))
        for method in set(operations) & methods:
            if operations[method].get("security") == []:
                # Open to anyone: health, readiness, metrics, this description; webhooks check signatures (test_webhooks).
                if method == "get":
                    code, _ = server.request("GET", concrete)
                    assert code == 200, (method, path, code)
                continue
            # Without a key every real API route answers 401; a route that doesn't exist would be 404.
            code, body = server.request(method.upper(), concrete, body={} if method in ("post", "patch", "put") else None)
            assert code == 401, (method, path, code, body)
    key = run("api-key", "create", "--venue", "default", "--name", "doc", cwd=tmp_path).stdout.strip()
    code, venue = server.get("/api/v1/venue", key=key)
    assert code == 200
    assert set(venue) <= set(doc["components"]["schemas"]["Venue"]["properties"])
