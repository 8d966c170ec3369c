//! The baseline: a bare jsonrpsee server (the same crate and version as ours) that
//! answers every JSON-RPC `call` with a constant result, set by the bench to a result
//! our server gave for the same body: the ceiling that HTTP, JSON and jsonrpsee set.

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use jsonrpsee::server::{RpcModule, Server, ServerHandle};
use serde_json::Value;

pub struct Baseline {
    pub addr: SocketAddr,
    result: Arc<RwLock<Value>>,
    _handle: ServerHandle,
}

impl Baseline {
    pub async fn start() -> Baseline {
        let result = Arc::new(RwLock::new(Value::Bool(true)));
        let mut module = RpcModule::new(result.clone());
        module
            .register_method("call", |_params, constant, _| {
                constant.read().map(|v| v.clone()).unwrap_or(Value::Null)
            })
            .expect("registering call");
        let server = Server::builder()
            .http_only()
            .max_connections(1024)
            .build("127.0.0.1:0")
            .await
            .expect("baseline bind");
        let addr = server.local_addr().expect("baseline address");
        let handle = server.start(module);
        Baseline {
            addr,
            result,
            _handle: handle,
        }
    }

    /// The result every call answers from now on.
    pub fn answer_with(&self, value: Value) {
        if let Ok(mut r) = self.result.write() {
            *r = value;
        }
    }
}
