"""Drives a real odoo-pos-stripe binary with real Odoo client libraries (OdooRPC).

Usage: run_clients.py PATH_TO_BINARY. Starts the server on a free port with a fresh
SQLite database and the demo data, runs the checks, prints "N passed, N failed".
"""
import os
import socket
import subprocess
import sys
import tempfile
import time
import traceback

import odoorpc


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
