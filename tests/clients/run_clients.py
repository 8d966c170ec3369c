"""Drives a real odoo-pos-stripe binary with real client libraries: OdooRPC (PyPI) and
Python's own xmlrpc.client for the Odoo side, Stripe's official Python SDK (PyPI) for
the built-in simulator, and the README's own walkthroughs, run as written (only the port
is changed).

Usage: run_clients.py PATH_TO_BINARY. Starts the server on a free port with a fresh
SQLite database and the demo data, runs the checks, prints "N passed, N failed".
"""
import contextlib
import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import xmlrpc.client

import odoorpc
import stripe


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary):
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="ops-clients-")
    env = dict(os.environ, OPS_PASSWORD_ROUNDS="1000", OPS_LOG="warn")
    proc = subprocess.Popen(
        [binary, "--database", f"sqlite://{tmp}/db.sqlite", "serve", "--listen", f"127.0.0.1:{port}"],
        env=env,
    )
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    # The listener opens before the demo data finishes loading: wait for a login.
    for _ in range(600):
        try:
            odoo = odoorpc.ODOO("127.0.0.1", port=port, timeout=5)
            odoo.login("odoo", "admin", "admin")
            break
        except Exception:
            time.sleep(0.2)
    return proc, port


CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


@check
def version_and_databases(port):
    odoo = odoorpc.ODOO("127.0.0.1", port=port)
    assert odoo.version == "18.0", odoo.version
    assert odoo.db.list() == ["odoo"], odoo.db.list()


@check
def login_and_read_payment_methods(port):
    odoo = odoorpc.ODOO("127.0.0.1", port=port)
    odoo.login("odoo", "admin", "admin")
    assert odoo.env.uid == 2, odoo.env.uid
    Method = odoo.env["pos.payment.method"]
    ids = Method.search([("use_payment_terminal", "=", "stripe")])
    assert len(ids) == 1, ids
    method = Method.browse(ids[0])
    assert method.name == "Stripe", method.name
    assert method.stripe_serial_number == "WSC513105011295"
    assert method.journal_id.name == "Bank", method.journal_id.name
    assert method.journal_id.type == "bank"


@check
def create_write_unlink_through_the_orm(port):
    odoo = odoorpc.ODOO("127.0.0.1", port=port)
    odoo.login("odoo", "admin", "admin")
    Partner = odoo.env["res.partner"]
    pid = Partner.create({"name": "OdooRPC partner", "email": "rpc@example.com"})
    partner = Partner.browse(pid)
    assert partner.email == "rpc@example.com"
    partner.write({"email": "changed@example.com"})
    assert Partner.read([pid], ["email"])[0]["email"] == "changed@example.com"
    partner.unlink()
    assert Partner.search([("id", "=", pid)]) == []


@check
def wrong_password_is_refused(port):
    odoo = odoorpc.ODOO("127.0.0.1", port=port)
    try:
        odoo.login("odoo", "admin", "wrong")
    except odoorpc.error.RPCError as e:
        # OdooRPC turns the `false` uid of common.authenticate into this message.
        assert "Wrong login ID or password" in str(e), str(e)
    else:
        raise AssertionError("a wrong password logged in")


@check
def access_errors_come_back_as_rpc_errors(port):
    odoo = odoorpc.ODOO("127.0.0.1", port=port)
    odoo.login("odoo", "employee", "employee")
    try:
        odoo.env["pos.payment.method"].search([])
    except odoorpc.error.RPCError as e:
        assert e.info["data"]["name"] == "odoo.exceptions.AccessError", e.info
    else:
        raise AssertionError("an employee read payment methods")


@check
def python_xmlrpc_client_as_in_odoo_docs(port):
    url = f"http://127.0.0.1:{port}"
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    assert common.version()["server_version"] == "18.0"
    uid = common.authenticate("odoo", "admin", "admin", {})
    assert uid == 2, uid
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    rows = models.execute_kw(
        "odoo", uid, "admin", "pos.payment.method", "search_read",
        [[["use_payment_terminal", "=", "stripe"]]], {"fields": ["name", "journal_id"]},
    )
    assert rows[0]["name"] == "Stripe" and rows[0]["journal_id"][1] == "Bank", rows
    pid = models.execute_kw("odoo", uid, "admin", "res.partner", "create", [{"name": "XML-RPC"}])
    assert models.execute_kw("odoo", uid, "admin", "res.partner", "write", [[pid], {"email": "x@example.com"}])
    assert models.execute_kw("odoo", uid, "admin", "res.partner", "unlink", [[pid]])
    try:
        models.execute_kw("odoo", 3, "cashier", "payment.provider", "search_read", [[]], {"fields": ["stripe_secret_key"]})
    except xmlrpc.client.Fault as fault:
        assert fault.faultCode == 4, fault
    else:
        raise AssertionError("a cashier read the secret key")
    try:
        models.execute_kw("odoo", uid, "wrong", "res.partner", "search", [[]])
    except xmlrpc.client.Fault as fault:
        assert fault.faultCode == 3 and fault.faultString == "Access Denied", fault
    else:
        raise AssertionError("a wrong password was accepted")


DEMO_KEY = "sk_test_demo0000000000000000odooposstripe"


@check
def stripe_sdk_drives_the_simulator(port):
    client = stripe.StripeClient(
        DEMO_KEY,
        base_addresses={"api": f"http://127.0.0.1:{port}/stripe-sim"},
        max_network_retries=0,
    )
    v1 = client.v1
    pi = v1.payment_intents.create(params={
        "amount": 1999, "currency": "usd",
        "payment_method_types": ["card_present"], "capture_method": "manual",
    })
    assert (pi.status, pi.amount) == ("requires_payment_method", 1999), pi
    reader = v1.terminal.readers.list(params={"serial_number": "WSC513105011295"}).data[0]
    assert reader.status == "online", reader
    v1.terminal.readers.process_payment_intent(reader.id, params={"payment_intent": pi.id})
    v1.test_helpers.terminal.readers.present_payment_method(
        reader.id, params={"card_present": {"number": "5555555555554444"}}
    )
    pi = v1.payment_intents.retrieve(pi.id)
    # The SDK pins a recent Stripe-Version: the charge is referenced, not embedded.
    assert pi.status == "requires_capture" and pi.latest_charge.startswith("ch_"), pi
    pi = v1.payment_intents.capture(pi.id, params={"amount_to_capture": 1500})
    assert (pi.status, pi.amount_received) == ("succeeded", 1500), pi
    refund = v1.refunds.create(params={"payment_intent": pi.id, "amount": 500})
    assert (refund.status, refund.amount) == ("succeeded", 500), refund
    try:
        v1.payment_intents.capture(pi.id)
    except stripe.InvalidRequestError as e:
        assert e.code == "payment_intent_unexpected_state", e.code
    else:
        raise AssertionError("a succeeded intent was captured twice")
    try:
        v1.payment_intents.create(params={"amount": 1, "currency": "usd", "colour": "red"})
    except stripe.InvalidRequestError as e:
        assert (e.http_status, e.param) == (400, "colour"), (e.http_status, e.param)
    else:
        raise AssertionError("an unknown parameter was accepted")
    location = v1.terminal.locations.create(params={
        "display_name": "HQ",
        "address": {"line1": "1 Main", "city": "SF", "state": "CA", "postal_code": "94110", "country": "US"},
    })
    registered = v1.terminal.readers.create(params={
        "registration_code": "simulated-wpe", "label": "Desk", "location": location.id,
    })
    assert registered.device_type == "simulated_wisepos_e", registered
    assert v1.terminal.connection_tokens.create().secret.startswith("pst_test_")
    wrong = stripe.StripeClient(
        "sk_live_51NotAKeyOfThisAccount0000", base_addresses={"api": f"http://127.0.0.1:{port}/stripe-sim"}
    )
    try:
        wrong.v1.payment_intents.create(params={"amount": 1, "currency": "usd"})
    except stripe.AuthenticationError as e:
        assert e.http_status == 401 and "NotAKey" not in str(e), str(e)
    else:
        raise AssertionError("a live key was accepted by the simulator")


def readme_block(heading):
    """The first ```python block under the README heading `heading`."""
    readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "README.md")).read()
    section = readme.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def run_readme(heading, port):
    code = readme_block(heading).replace("8069", str(port))
    namespace = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"README.md ({heading})", "exec"), namespace)
    return namespace, out.getvalue()


@check
def readme_payment_walkthrough(port):
    ns, out = run_readme("Take a card payment", port)
    assert ns["paid"]["status"] == "succeeded", ns["paid"]
    assert ns["paid"]["amount_received"] == 1250
    assert "succeeded 1250 visa" in out, out


@check
def readme_stripe_setup(port):
    ns, out = run_readme("Set up a Stripe terminal", port)
    lines = out.splitlines()
    assert lines[0] == "[['stripe', 'Stripe']]", lines
    assert lines[1].startswith("Terminal WSC513105099999 is already used"), lines
    assert "'valid': True" in lines[2] and "'mode': 'test'" in lines[2], lines
    assert lines[3:] == [
        "True",
        "Stripe readers WSC513105099999 not listed in your account",
        "True",
        "True",
    ], lines


@check
def readme_pos_shift(port):
    ns, out = run_readme("Run a POS shift over RPC", port)
    assert ns["saved"]["state"] == "paid", ns["saved"]
    assert ns["saved"]["amount_total"] == 5.87, ns["saved"]
    lines = out.splitlines()
    assert lines == [
        "paid 5.87 0.77 Order 00001-001-0001",
        "True",
        "[]",
        "[5.87]",
        "{'successful': True}",
    ], lines


def main():
    binary = sys.argv[1]
    proc, port = start(binary)
    passed = failed = 0
    try:
        for fn in CHECKS:
            try:
                fn(port)
                passed += 1
                print(f"ok   {fn.__name__}")
            except Exception:
                failed += 1
                print(f"FAIL {fn.__name__}")
                traceback.print_exc()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
