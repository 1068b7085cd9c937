//! The sandbox's shared state: configuration, tokens, sessions, counters,
//! faults and the push target, behind one lock.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{json, Value as Json};

use crate::faults::Fault;
use crate::push::Target;
use crate::sessions::Sessions;
use crate::tokens::Tokens;

/// Distinct paths counted or remembered; garbage paths beyond this share one
/// bucket so a scanner cannot grow the maps.
const MAX_PATHS: usize = 256;
const OTHER_PATHS: &str = "(other)";

pub struct Config {
    pub appid: String,
    pub secret: String,
    pub token_ttl: Duration,
}

#[derive(Default)]
pub struct Counters {
    pub requests: BTreeMap<String, u64>,
    pub token_fetches: u64,
    pub connections: u64,
    pub api_connections: u64,
    pub push_attempts: u64,
    pub push_delivered: u64,
    pub faults_applied: u64,
}

impl Counters {
    pub fn count_request(&mut self, path: &str) {
        let key = if self.requests.contains_key(path) || self.requests.len() < MAX_PATHS {
            path
        } else {
            OTHER_PATHS
        };
        *self.requests.entry(key.to_owned()).or_default() += 1;
    }

    pub fn to_json(&self) -> Json {
        json!({
            "requests": self.requests,
            "token_fetches": self.token_fetches,
            "connections": self.connections,
            "api_connections": self.api_connections,
            "push_attempts": self.push_attempts,
            "push_delivered": self.push_delivered,
            "faults_applied": self.faults_applied,
        })
    }
}

pub struct State {
    pub tokens: Tokens,
    pub sessions: Sessions,
    pub counters: Counters,
    pub faults: Vec<Fault>,
    pub last_bodies: HashMap<String, Vec<u8>>,
    pub push: Option<Target>,
    /// getverifyid's expires_in (WeChat: 3600 s); the control API shortens
    /// it so that tests can see a verify_id die.
    pub verify_id_life: Duration,
    /// The appid's IP whitelist (`POST /sandbox/whitelist`): when set, the
    /// token endpoints refuse other callers with 40164, as WeChat does.
    pub whitelist: Option<Vec<IpAddr>>,
}

impl State {
    pub fn remember_body(&mut self, path: &str, body: &[u8]) {
        if self.last_bodies.contains_key(path) || self.last_bodies.len() < MAX_PATHS {
            self.last_bodies.insert(path.to_owned(), body.to_vec());
        }
    }
}

pub struct Sandbox {
    pub config: Config,
    state: Mutex<State>,
}

impl Sandbox {
    pub fn new(config: Config) -> Sandbox {
        let state = State {
            tokens: Tokens::new(config.token_ttl),
            sessions: Sessions::default(),
            counters: Counters::default(),
            faults: Vec::new(),
            last_bodies: HashMap::new(),
            push: None,
            verify_id_life: Duration::from_secs(3600),
            whitelist: None,
        };
        Sandbox {
            config,
            state: Mutex::new(state),
        }
    }

    /// The state, even if a handler thread panicked while holding it: the
    /// sandbox keeps serving the other tests rather than failing them all.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
