#!/usr/bin/env python3
"""Cuts Stripe's OpenAPI spec down to what our contract checks read.

Usage:
    python3 tests/data/stripe/trim_openapi.py SPEC3_JSON > tests/data/stripe/openapi-2023-08-16-contract.json

SPEC3_JSON is Stripe's published OpenAPI 3 document for API version 2023-08-16
(`openapi/spec3.json` of github.com/stripe/openapi at that version), or any subset of
it that still holds the paths below. The output keeps:

- the operations in PATHS, each with its `operationId` and `responses` only (the
  contract checks validate response bodies; request bodies and parameters are unused);
- the schemas named in SCHEMAS (the tests check values against them by name) and every
  schema reachable from those or from the kept responses through `$ref`;
- no `description` text (annotations that JSON Schema validation ignores).

Nothing else is rewritten, so a value validates against the output exactly as it does
against the input. The script uses only the standard library and is deterministic: the
same input gives byte-for-byte the same output.
"""
import json
import sys

# Every Stripe API operation the simulator serves, by path template.
PATHS = {
    "/v1/charges/{charge}": ["get", "post"],
    "/v1/payment_intents": ["get", "post"],
    "/v1/payment_intents/{intent}": ["get", "post"],
    "/v1/payment_intents/{intent}/cancel": ["post"],
    "/v1/payment_intents/{intent}/capture": ["post"],
    "/v1/refunds": ["get", "post"],
    "/v1/refunds/{refund}": ["get", "post"],
    "/v1/terminal/connection_tokens": ["post"],
    "/v1/terminal/locations": ["get", "post"],
    "/v1/terminal/locations/{location}": ["delete", "get", "post"],
    "/v1/terminal/readers": ["get", "post"],
    "/v1/terminal/readers/{reader}": ["delete", "get", "post"],
    "/v1/terminal/readers/{reader}/cancel_action": ["post"],
    "/v1/terminal/readers/{reader}/process_payment_intent": ["post"],
    "/v1/test_helpers/terminal/readers/{reader}/present_payment_method": ["post"],
}

# Schemas the tests name directly (`Contract::validate("payment_intent", ...)`), besides
# those the operations reach: `account` answers `GET /v1/account`, which the subset has
# no path for, and `error` answers unknown URLs.
SCHEMAS = [
    "account",
    "charge",
    "error",
    "payment_intent",
    "refund",
    "terminal.connection_token",
    "terminal.location",
    "terminal.reader",
]

REF_PREFIX = "#/components/schemas/"


def refs(value):
    """Every schema name a `$ref` inside `value` points to."""
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            yield ref[len(REF_PREFIX):]
        for child in value.values():
            yield from refs(child)
    elif isinstance(value, list):
        for child in value:
            yield from refs(child)


def strip_descriptions(value):
    """`value` without `description` annotations. A property called `description`
    (a key of `properties`) holds a schema object, not a string, so it stays."""
    if isinstance(value, dict):
        return {
            key: strip_descriptions(child)
            for key, child in value.items()
            if not (key == "description" and isinstance(child, str))
        }
    if isinstance(value, list):
        return [strip_descriptions(child) for child in value]
    return value


def trim(spec):
    paths = {}
    for template, methods in PATHS.items():
        item = spec["paths"].get(template)
        if item is None:
            sys.exit(f"the input has no path {template}")
        kept = {}
        for method in methods:
            operation = item.get(method)
            if operation is None:
                sys.exit(f"the input has no operation {method.upper()} {template}")
            kept[method] = {
                "operationId": operation.get("operationId"),
                "responses": operation["responses"],
            }
        paths[template] = kept

    all_schemas = spec["components"]["schemas"]
    wanted = list(SCHEMAS) + list(refs(paths))
    reached = set()
    while wanted:
        name = wanted.pop()
        if name in reached:
            continue
        if name not in all_schemas:
            sys.exit(f"the input has no schema {name}")
        reached.add(name)
        wanted.extend(refs(all_schemas[name]))
    schemas = {name: all_schemas[name] for name in sorted(reached)}

    return strip_descriptions(
        {
            "openapi": spec["openapi"],
            "info": {
                "title": spec["info"]["title"],
                "version": spec["info"]["version"],
                "x-trimmed-by": "tests/data/stripe/trim_openapi.py",
            },
            "paths": paths,
            "components": {"schemas": schemas},
        }
    )


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as source:
        spec = json.load(source)
    json.dump(trim(spec), sys.stdout, indent=1, sort_keys=False, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
