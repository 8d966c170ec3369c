// A simulated Stripe Terminal JS SDK, served by odoo-pos-stripe's Stripe simulator in place of
// https://js.stripe.com/terminal/v1/ (our own code, not Stripe's).
//
// It implements the part of the `StripeTerminal` API that Odoo 18's pos_stripe client uses:
// `StripeTerminal.create({onFetchConnectionToken, onUnexpectedReaderDisconnect})`, then
// discoverReaders, connectReader, getConnectionStatus, disconnectReader, collectPaymentMethod,
// processPayment and cancelCollectPaymentMethod, answering with Stripe's result shapes
// (`{discoveredReaders}`, `{reader}`, `{paymentIntent}`, `{}`) and error shape (`{error: {code,
// message, ...}}`). Results are plain objects; nothing is ever thrown at the caller.
//
// Underneath it uses the simulator's Stripe API with the connection token as credentials, through
// the server-driven reader actions: collectPaymentMethod starts `process_payment_intent` on the
// reader and waits until the reader's action ends. Whoever presents the card (this page's panel,
// `POST /v1/test_helpers/terminal/readers/{id}/present_payment_method` from a script or test,
// or the simulator's auto-present setting) completes it the same way.
(function () {
    "use strict";
    if (window.StripeTerminal && window.StripeTerminal.simulated) {
        return;
    }

    const SDK_PATH = "/terminal/v1/sdk.js";
    // The simulator's base URL: where this script came from, less its path.
    const scriptSrc = (document.currentScript && document.currentScript.src) || "";
    const BASE = scriptSrc.includes(SDK_PATH)
        ? scriptSrc.slice(0, scriptSrc.indexOf(SDK_PATH))
        : "/stripe-sim";
    // A version whose PaymentIntents embed `charges`, as the Terminal SDK's do (Odoo reads them).
    const API_VERSION = "2020-08-27";
    const POLL_MS = 250;
    const TEST_CARDS = /*TEST_CARDS*/[];
    const ZERO_DECIMAL = ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf",
        "ugx", "vnd", "vuv", "xaf", "xof", "xpf"];

    function sdkError(code, message, extra) {
        return Object.assign({ code: code, message: message }, extra || {});
    }

    function sleep(ms) {
        return new Promise((resolve) => setTimeout(resolve, ms));
    }

    function formatAmount(amount, currency) {
        const code = String(currency || "").toLowerCase();
        const value = ZERO_DECIMAL.includes(code) ? amount : amount / 100;
        try {
            return new Intl.NumberFormat(undefined, { style: "currency", currency: code.toUpperCase() })
                .format(value);
        } catch (_error) {
            return value + " " + code.toUpperCase();
        }
    }

    // The simulator's Stripe API, authenticated with the connection token. A rejected token
    // (expired, or from before a restart) is fetched anew once, as Stripe's SDK does.
    class Api {
        constructor(fetchConnectionToken) {
            this.fetchConnectionToken = fetchConnectionToken;
            this.secret = null;
        }

        async token(renew) {
            if (!this.secret || renew) {
                let secret;
                try {
                    secret = await this.fetchConnectionToken();
                } catch (error) {
                    throw sdkError("failed_fetch_connection_token",
                        "Could not fetch a connection token: " + ((error && error.message) || error));
                }
                if (typeof secret !== "string" || !secret) {
                    throw sdkError("failed_fetch_connection_token",
                        "onFetchConnectionToken did not return a connection token secret.");
                }
                this.secret = secret;
            }
            return this.secret;
        }

        async request(method, path, params) {
            for (let attempt = 0; ; attempt++) {
                const secret = await this.token(attempt > 0);
                const form = new URLSearchParams(params || {}).toString();
                const headers = { Authorization: "Bearer " + secret, "Stripe-Version": API_VERSION };
                let url = BASE + path;
                const init = { method: method, headers: headers, credentials: "omit" };
                if (method === "GET") {
                    url += form ? "?" + form : "";
                } else {
                    headers["Content-Type"] = "application/x-www-form-urlencoded";
                    init.body = form;
                }
                let response;
                try {
                    response = await fetch(url, init);
                } catch (error) {
                    throw sdkError("network_error", "Could not reach the simulated reader: " + error);
                }
                const body = await response.json().catch(() => ({}));
                if (response.status === 401 && attempt === 0) {
                    continue;
                }
                if (!response.ok) {
                    const error = body.error || {};
                    throw sdkError(error.code || "reader_error",
                        error.message || "The simulator answered HTTP " + response.status + ".",
                        { type: error.type, status: response.status });
                }
                return body;
            }
        }
    }

    // The simulated reader's panel: what the customer would do on the reader's screen.
    class Panel {
        constructor(terminal) {
            this.terminal = terminal;
            this.root = null;
        }

        build() {
            if (this.root || !document.body) {
                return;
            }
            const root = document.createElement("div");
            root.id = "stripe-sim-reader";
            root.setAttribute("role", "region");
            root.setAttribute("aria-label", "Simulated Stripe reader");
            root.style.cssText = "position:fixed;right:12px;bottom:12px;z-index:2147483000;"
                + "width:260px;padding:10px;border-radius:10px;background:#1a1f36;color:#fff;"
                + "font:13px/1.4 system-ui,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.35)";
            const title = document.createElement("div");
            title.style.cssText = "font-weight:600;margin-bottom:4px";
            title.textContent = "Simulated reader";
            this.readerLine = document.createElement("div");
            this.readerLine.style.cssText = "opacity:.75;font-size:12px";
            this.status = document.createElement("div");
            this.status.className = "stripe-sim-status";
            this.status.style.cssText = "margin:6px 0;min-height:18px";
            const buttons = document.createElement("div");
            buttons.style.cssText = "display:flex;flex-wrap:wrap;gap:4px";
            this.buttons = [];
            for (const card of TEST_CARDS) {
                buttons.appendChild(this.button(card.label, "data-test-card", card.name,
                    () => this.terminal.presentCard(card)));
            }
            buttons.appendChild(this.button("Cancel", "data-reader-cancel", "1",
                () => this.terminal.customerCancel()));
            root.append(title, this.readerLine, this.status, buttons);
            document.body.appendChild(root);
            this.root = root;
        }

        button(label, attribute, value, onClick) {
            const button = document.createElement("button");
            button.type = "button";
            button.textContent = label;
            button.setAttribute(attribute, value);
            button.style.cssText = "flex:1 1 45%;padding:5px 4px;border:0;border-radius:6px;"
                + "background:#635bff;color:#fff;cursor:pointer;font:inherit";
            button.addEventListener("click", onClick);
            this.buttons.push(button);
            return button;
        }

        show(reader, status, waiting) {
            this.build();
            if (!this.root) {
                return;
            }
            this.readerLine.textContent = reader
                ? (reader.label || "Reader") + " · " + reader.serial_number
                : "No reader connected";
            this.status.textContent = status;
            this.root.dataset.state = waiting ? "waiting" : "idle";
            for (const button of this.buttons) {
                button.disabled = !waiting;
                button.style.opacity = waiting ? "1" : ".45";
            }
        }
    }

    class Terminal {
        constructor(options) {
            options = options || {};
            if (typeof options.onFetchConnectionToken !== "function") {
                throw new TypeError("StripeTerminal.create needs an onFetchConnectionToken function.");
            }
            this.api = new Api(options.onFetchConnectionToken);
            this.onUnexpectedReaderDisconnect = options.onUnexpectedReaderDisconnect || (() => {});
            this.connectionStatus = "not_connected";
            this.reader = null;
            // The collection in progress: {intentId, clientSecret, canceled}.
            this.collection = null;
            // The card collected for a PaymentIntent, waiting for processPayment.
            this.collected = null;
            this.panel = new Panel(this);
        }

        getConnectionStatus() {
            return this.connectionStatus;
        }

        getPaymentStatus() {
            if (this.connectionStatus !== "connected") {
                return "not_ready";
            }
            return this.collection ? "waiting_for_input" : "ready";
        }

        async discoverReaders(_config) {
            try {
                const list = await this.api.request("GET", "/v1/terminal/readers", { limit: "100" });
                return { discoveredReaders: list.data };
            } catch (error) {
                return { error: error };
            }
        }

        async connectReader(reader, options) {
            if (this.connectionStatus === "connected") {
                return { error: sdkError("already_connected", "Already connected to a reader. Disconnect first.") };
            }
            if (!reader || !reader.id) {
                return { error: sdkError("reader_error", "connectReader needs a reader from discoverReaders.") };
            }
            this.connectionStatus = "connecting";
            try {
                const current = await this.api.request("GET", "/v1/terminal/readers/" + encodeURIComponent(reader.id));
                const busy = current.action && current.action.status === "in_progress";
                if (busy && options && options.fail_if_in_use) {
                    this.connectionStatus = "not_connected";
                    return { error: sdkError("reader_busy", "The reader is in use: it is collecting a payment.") };
                }
                this.reader = current;
                this.connectionStatus = "connected";
                this.panel.show(current, "Ready", false);
                return { reader: current };
            } catch (error) {
                this.connectionStatus = "not_connected";
                return { error: error };
            }
        }

        async disconnectReader() {
            if (this.collection) {
                await this.cancelCollectPaymentMethod();
            }
            this.reader = null;
            this.collected = null;
            this.connectionStatus = "not_connected";
            this.panel.show(null, "Disconnected", false);
            return {};
        }

        async collectPaymentMethod(clientSecret, _options) {
            if (this.connectionStatus !== "connected") {
                return { error: sdkError("no_established_connection", "No reader is connected: call connectReader first.") };
            }
            if (this.collection) {
                return { error: sdkError("command_already_in_progress", "A payment method is already being collected.") };
            }
            const secret = String(clientSecret || "");
            const intentId = secret.split("_secret_")[0];
            const collection = { intentId: intentId, clientSecret: secret, canceled: false };
            this.collection = collection;
            this.collected = null;
            const readerPath = "/v1/terminal/readers/" + encodeURIComponent(this.reader.id);
            try {
                const intent = await this.retrieveIntent(collection);
                await this.api.request("POST", readerPath + "/process_payment_intent", { payment_intent: intentId });
                this.panel.show(this.reader, "Present a card: " + formatAmount(intent.amount, intent.currency), true);
                const action = await this.waitForCard(collection, readerPath);
                if (!action) {
                    this.panel.show(this.reader, "Canceled", false);
                    return { error: sdkError("canceled", "The payment was canceled.") };
                }
                const collected = await this.retrieveIntent(collection);
                this.collected = { intentId: intentId, clientSecret: secret, action: action };
                this.panel.show(this.reader, action.status === "succeeded"
                    ? "Card read" : "Declined: " + (action.failure_message || action.failure_code), false);
                return { paymentIntent: collected };
            } catch (error) {
                this.panel.show(this.reader, "Error: " + error.message, false);
                return { error: error };
            } finally {
                if (this.collection === collection) {
                    this.collection = null;
                }
            }
        }

        async processPayment(paymentIntent, _options) {
            const collected = this.collected;
            if (!collected || !paymentIntent || collected.intentId !== paymentIntent.id) {
                return { error: sdkError("no_active_collect_payment_method_attempt",
                    "No payment method was collected for this PaymentIntent: call collectPaymentMethod first.") };
            }
            this.collected = null;
            try {
                const intent = await this.retrieveIntent(collected);
                if (collected.action.status !== "succeeded") {
                    const last = intent.last_payment_error || {};
                    return {
                        error: sdkError(collected.action.failure_code || "card_declined",
                            collected.action.failure_message || last.message || "The card was declined.",
                            { decline_code: last.decline_code, payment_intent: intent }),
                    };
                }
                return { paymentIntent: intent };
            } catch (error) {
                return { error: error };
            }
        }

        async cancelCollectPaymentMethod() {
            const collection = this.collection;
            if (!collection) {
                return { error: sdkError("no_active_collect_payment_method_attempt",
                    "There is no collectPaymentMethod in progress to cancel.") };
            }
            collection.canceled = true;
            try {
                await this.api.request("POST", "/v1/terminal/readers/" + encodeURIComponent(this.reader.id) + "/cancel_action");
            } catch (_error) {
                // The card was presented meanwhile, or the action already ended: nothing waits.
            }
            return {};
        }

        // The customer presents a test card on the panel: the same test helper scripts use.
        async presentCard(card) {
            if (!this.reader || !this.collection) {
                return;
            }
            const params = { type: card.type };
            params[card.type + "[number]"] = card.number;
            try {
                await this.api.request("POST", "/v1/test_helpers/terminal/readers/"
                    + encodeURIComponent(this.reader.id) + "/present_payment_method", params);
            } catch (error) {
                this.panel.show(this.reader, card.label + " refused: " + error.message, true);
            }
        }

        // The customer cancels on the reader.
        async customerCancel() {
            if (this.collection) {
                await this.cancelCollectPaymentMethod();
            }
        }

        async retrieveIntent(collection) {
            return this.api.request("GET", "/v1/payment_intents/" + encodeURIComponent(collection.intentId),
                { client_secret: collection.clientSecret });
        }

        // Polls the reader until its action for this PaymentIntent ends; null when it was
        // canceled (here, on the panel, or by anyone calling cancel_action).
        async waitForCard(collection, readerPath) {
            for (;;) {
                if (collection.canceled) {
                    return null;
                }
                let reader;
                try {
                    reader = await this.api.request("GET", readerPath);
                } catch (error) {
                    if (error.status === 404) {
                        this.reader = null;
                        this.connectionStatus = "not_connected";
                        this.onUnexpectedReaderDisconnect({ error: error });
                    }
                    throw error;
                }
                const action = reader.action;
                const ours = action && action.process_payment_intent
                    && action.process_payment_intent.payment_intent === collection.intentId;
                if (!ours) {
                    return null;
                }
                if (action.status !== "in_progress") {
                    return action;
                }
                await sleep(POLL_MS);
            }
        }
    }

    window.StripeTerminal = {
        simulated: true,
        create: function (options) {
            return new Terminal(options);
        },
    };
})();
