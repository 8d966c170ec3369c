#!/usr/bin/env python3
"""Derives the small test-data files of this folder from the recordings of a real
Odoo 18.0 kept in the project's shared reference data (see README.md in this folder for
where). Run it from anywhere: `python3 tests/data/odoo18/derive.py RECORDINGS_DIR`.

Tests never read the shared folder: they read the files this script writes (and the
ones copied as they are, see README.md).
"""
import json
import pathlib
import shutil
import sys

HERE = pathlib.Path(__file__).resolve().parent
if len(sys.argv) != 2:
    sys.exit("usage: derive.py RECORDINGS_DIR (the odoo18 folder of the shared reference data)")
SHARED = pathlib.Path(sys.argv[1])

COPIED = ["load_data_models.json", "sync_from_ui.json", "stripe_payment_flow.json"]


def load(name):
    with open(SHARED / name, encoding="utf-8") as f:
        return json.load(f)


def dump(name, value):
    with open(HERE / name, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, ensure_ascii=True)
        f.write("\n")


def load_data_shape():
    """Per model, in the response's order: the `fields` list, the `relations` exactly
    as answered (key order kept), the record count and the keys of the first record
    (with their order): everything of `load_data` but the demo's values."""
    recorded = load("load_data.json")
    request = recorded["request"]["params"]
    result = recorded["response"]["result"]
    models = {}
    for model, answer in result.items():
        entry = {
            "keys": list(answer.keys()),
            "fields": answer["fields"],
            "record_count": len(answer["data"]),
            "first_record_keys": list(answer["data"][0].keys()) if answer["data"] else [],
            "relations": answer.get("relations", {}),
        }
        if "error" in answer:
            entry["error"] = answer["error"]
        models[model] = entry
    return {
        "source": "load_data.json of the shared Odoo 18.0 recordings, values dropped",
        "request": {"model": request["model"], "method": request["method"], "args": request["args"]},
        "model_order": list(result.keys()),
        "models": models,
    }


def other_reads():
    """The RPCs of the recorded shift other than load_data, sync_from_ui and the Stripe
    calls (kept in their own files): the backend's Open Register button, the barcode
    reads, the variants' search_read and the reads of new lines and payments."""
    recorded = load("other_calls.json")
    keep = {
        "barcode.nomenclature.read",
        "barcode.rule.search_read",
        "product.product.search_read",
        "pos.order.line.read",
        "pos.payment.read",
    }
    calls = [c for c in recorded["rpc_calls"] if c.get("rpc") in keep]
    return {
        "source": "other_calls.json of the shared Odoo 18.0 recordings (rpc_calls subset)",
        "backend_open_register": recorded["backend_open_register"],
        "rpc_calls": calls,
        "rpcs_in_the_client_code_not_made_in_this_sale": recorded["rpcs_in_the_client_code_not_made_in_this_sale"],
    }


def main():
    for name in COPIED:
        shutil.copyfile(SHARED / name, HERE / name)
    dump("load_data_shape.json", load_data_shape())
    dump("other_reads.json", other_reads())
    dump("web_routes.json", web_routes())


def web_routes():
    """What the web routes answered: `/pos/ui`'s status, headers, inline `odoo` object
    (keys, order, types; the session info's keys), the URLs the page references and the
    requests the browser made after it; the login form exchange; the translations
    answer; the bus websocket's frames; every non-RPC request of the sale (to list what
    is still unanswered)."""
    page = load("pos_ui_session.json")
    other = load("other_calls.json")
    requests = other["browser_sequence_from_pos_ui"]["requests"]
    return {
        "source": "pos_ui_session.json and other_calls.json of the shared Odoo 18.0 recordings",
        "pos_ui": {
            "request": page["request"],
            "http_status": page["response"]["http_status"],
            "headers": page["response"]["headers"],
            "title": page["response"]["title"],
            "inline_odoo_object": page["response"]["inline_odoo_object"],
            "inline_script_after_object": page["response"]["inline_script_after_object"],
            "referenced_urls": page["response"]["referenced_urls"],
            "body_class": page["response"]["body_class"],
        },
        "browser_requests_after_page": page["browser_requests_after_page"],
        "login_before_pos": other["login_before_pos"],
        "json_gets": other["json_gets"],
        "websocket": other["websocket"],
        "browser_sequence": [
            {k: r.get(k) for k in ("method", "url", "type", "status", "content_type", "size", "rpc")}
            for r in requests
        ],
    }


if __name__ == "__main__":
    main()
