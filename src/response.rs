//! A flat, ordered record of the fields WeChat sent (an API response or a push
//! event), readable by WeChat's own field names.
//!
//! Values stay as WeChat sent them; numbers also read as decimal text so a C
//! caller can treat every field as a string. Values are wiped when dropped:
//! responses carry verify_result, openid and user_id_key.

use serde_json::{Map, Value as Json};
use zeroize::Zeroize;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    /// Text, or any JSON that is not an integer (floats, booleans, objects,
    /// arrays) in compact JSON form.
    Text(String),
    /// Binary data: the verification photo of getimage.
    Bytes(Vec<u8>),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Response {
    fields: Vec<(String, Value)>,
}

impl Response {
    pub fn new() -> Response {
        Response::default()
    }

    /// The top-level members of a JSON object, in the order WeChat sent them.
    pub fn from_json_object(object: &Map<String, Json>) -> Response {
        let mut r = Response::new();
        for (k, v) in object {
            let value = match v {
                Json::Number(n) if n.is_i64() => Value::Int(n.as_i64().unwrap_or_default()),
                Json::String(s) => Value::Text(s.clone()),
                other => Value::Text(other.to_string()),
            };
            r.set(k, value);
        }
        r
    }

    /// Sets a field, replacing an earlier value of the same name.
    pub fn set(&mut self, name: &str, value: Value) {
        match self.fields.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value,
            None => self.fields.push((name.to_owned(), value)),
        }
    }

    pub fn set_text(&mut self, name: &str, value: impl Into<String>) {
        self.set(name, Value::Text(value.into()));
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The field as text; integers as decimal; None for binary fields.
    pub fn text(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            Value::Int(i) => Some(i.to_string()),
            Value::Text(s) => Some(s.clone()),
            Value::Bytes(_) => None,
        }
    }

    /// The field's bytes: binary data as is, text as UTF-8.
    pub fn bytes(&self, name: &str) -> Option<&[u8]> {
        match self.get(name)? {
            Value::Int(_) => None,
            Value::Text(s) => Some(s.as_bytes()),
            Value::Bytes(b) => Some(b),
        }
    }

    /// The field as an integer: a JSON integer, or text that is one (XML
    /// pushes carry every value as text).
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            Value::Int(i) => Some(*i),
            Value::Text(s) => s.trim().parse().ok(),
            Value::Bytes(_) => None,
        }
    }

    pub fn fields(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.fields.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

impl Drop for Response {
    fn drop(&mut self) {
        for (_, v) in &mut self.fields {
            match v {
                Value::Text(s) => s.zeroize(),
                Value::Bytes(b) => b.zeroize(),
                Value::Int(_) => {}
            }
        }
    }
}
