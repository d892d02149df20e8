"""Plugins as an operator meets them: CRIER_PLUGINS, /api/v1/admin/plugins, a projection that
catches up while the server runs, a disabled plugin keeping its data, and `crier {id} ...`."""
import time

from conftest import run


def api_key(tmp_path):
    return run("api-key", "create", "--venue", "default", "--name", "test", cwd=tmp_path).stdout.strip()


def wait_for(check, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def contact_names(server, key):
    status, body = server.get("/api/v1/plugins/contacts/contacts?sort=name", key=key)
    assert status == 200, body
    return [item["first_name"] for item in body["items"]]


def test_an_unknown_plugin_stops_start_up_naming_the_built_in_ones(tmp_path):
    result = run("serve", "--port", "0", cwd=tmp_path, env={"CRIER_PLUGINS": "contacts,crm"}, check=False)
    assert result.returncode == 1
    assert "CRIER_PLUGINS names a plugin this server does not have: 'crm'." in result.stderr
    assert "Built in: twilio, vonage, telnyx, contacts, timeline, exports" in result.stderr


def test_contacts_build_while_serving_and_a_disabled_plugin_keeps_its_data(tmp_path, server_factory):
    server = server_factory()
    key = api_key(tmp_path)
    status, _ = server.request("POST", "/api/v1/customers", {"first_name": "Ann", "last_name": "Lee", "mobile": "07700 900123"}, key=key)
    assert status == 201
    assert wait_for(lambda: contact_names(server, key) == ["Ann"])
    status, plugins = server.get("/api/v1/admin/plugins", key=key)
    assert status == 200
    contacts = next(p for p in plugins["items"] if p["id"] == "contacts")
    assert contacts["state"] == "enabled" and contacts["version"] == "1.0.0"
    assert contacts["projections"][0]["name"] == "contacts"
    assert server.stop() == 0

    # Disabled: its routes are gone, and what happens meanwhile is not lost.
    server = server_factory(env={"CRIER_PLUGINS": "twilio"})
    assert server.get("/api/v1/plugins/contacts/contacts", key=key)[0] == 404
    status, plugins = server.get("/api/v1/admin/plugins", key=key)
    assert next(p for p in plugins["items"] if p["id"] == "contacts")["state"] == "disabled"
    server.request("POST", "/api/v1/customers", {"first_name": "Bob", "last_name": "Ray", "mobile": "07700 900124"}, key=key)
    assert server.stop() == 0

    # Enabled again: it resumes from its checkpoint and catches up.
    server = server_factory()
    assert wait_for(lambda: contact_names(server, key) == ["Ann", "Bob"])
    assert server.stop() == 0


def test_plugin_commands_and_rebuild(tmp_path, server_factory):
    server = server_factory()
    key = api_key(tmp_path)
    for n in range(3):
        server.request("POST", "/api/v1/customers", {"first_name": f"C{n}", "last_name": "Lee", "mobile": f"07700 90012{n}"}, key=key)
    server.stop()
    rebuilt = run("contacts", "rebuild", cwd=tmp_path)
    assert "rebuilding contacts [##############################] 100%" in rebuilt.stderr
    assert rebuilt.stderr.strip().endswith("journal entries")
    assert rebuilt.stdout == ""
    assert "rebuild" in run("contacts", "--help", cwd=tmp_path).stdout
    unknown = run("contacts", "frobnicate", cwd=tmp_path, check=False)
    assert unknown.returncode == 2 and "'frobnicate' is not a command of the plugin 'contacts'" in unknown.stderr
    disabled = run("contacts", "rebuild", cwd=tmp_path, env={"CRIER_PLUGINS": "twilio"}, check=False)
    assert disabled.returncode == 1 and "the plugin 'contacts' is not enabled" in disabled.stderr
    server = server_factory()
    assert contact_names(server, key) == ["C0", "C1", "C2"]
