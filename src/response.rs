//! A flat, ordered record of the fields WeChat sent (an API response or a push
//! event), readable by WeChat's own field names.
//!
//! Values stay as WeChat sent them: a JSON integer is an [`Value::Int`], a
//! JSON string a [`Value::Text`], anything else [`Value::Json`]. Readers of
//! a verdict take the exact type or reject the answer ([`Response::int_field`],
//! [`Response::text_field`]); display readers may see every field as text.
//! Values are wiped when dropped: responses carry verify_result, openid and
//! user_id_key.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value as Json};
use zeroize::Zeroize;

use crate::error::{Code, Error, Result};
use crate::mask;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A JSON integer (no fraction, no exponent) that fits in 64 bits.
    Int(i64),
    /// A JSON string, or an XML push's text.
    Text(String),
    /// Any other JSON (a float, an integer beyond 64 bits, true, false,
    /// null, an object, an array) in compact JSON form.
    Json(String),
    /// Binary data: the verification photo of getimage.
    Bytes(Vec<u8>),
}

/// The fields in WeChat's order. Every WeChat answer (ten-odd fields) is a
/// plain list read by comparing names: hashing each short name, as a map
/// does on every insert and lookup, was a fifth of a warm verification's
/// own work. Past [`FEW`] fields (a large push, a hostile answer) they move
/// into a map hashed with foldhash (randomly seeded), so building and
/// reading any response stay linear in its size.
#[derive(Clone, Debug, Default)]
pub struct Response {
    fields: Fields,
}

/// How many fields a response keeps in a list before it hashes names.
const FEW: usize = 32;

#[derive(Clone, Debug)]
enum Fields {
    Few(Vec<(Name, Value)>),
    Many(IndexMap<Name, Value, foldhash::fast::RandomState>),
}

impl Default for Fields {
    fn default() -> Fields {
        Fields::Few(Vec::new())
    }
}

impl Fields {
    fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Fields::Few(list) => list.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            Fields::Many(map) => map.get(name),
        }
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Fields::Few(list) => list.iter_mut().find(|(k, _)| k == name).map(|(_, v)| v),
            Fields::Many(map) => map.get_mut(name),
        }
    }

    /// Whether a name made by [`name_of`] is there already. A usual name
    /// has one static copy and any other name is owned (`name_of` makes
    /// sure), so a usual name is compared by address, an unusual one by
    /// text with the other unusual ones only.
    fn has(&self, name: &Name) -> bool {
        match (self, name) {
            (Fields::Few(list), Cow::Borrowed(usual)) => list
                .iter()
                .any(|(k, _)| matches!(k, Cow::Borrowed(k) if std::ptr::eq(*k, *usual))),
            (Fields::Few(list), Cow::Owned(other)) => list
                .iter()
                .any(|(k, _)| matches!(k, Cow::Owned(k) if k == other)),
            (Fields::Many(map), _) => map.contains_key(name.as_ref()),
        }
    }

    /// Adds a field the caller knows is not there yet.
    fn push(&mut self, name: Name, value: Value) {
        match self {
            Fields::Few(list) if list.len() < FEW => list.push((name, value)),
            Fields::Few(list) => {
                let mut map = IndexMap::with_capacity_and_hasher(2 * FEW, Default::default());
                map.extend(list.drain(..));
                map.insert(name, value);
                *self = Fields::Many(map);
            }
            Fields::Many(map) => {
                map.insert(name, value);
            }
        }
    }

    fn remove(&mut self, name: &str) -> Option<Value> {
        match self {
            Fields::Few(list) => {
                let at = list.iter().position(|(k, _)| k == name)?;
                Some(list.remove(at).1)
            }
            Fields::Many(map) => map.shift_remove(name),
        }
    }

    fn len(&self) -> usize {
        match self {
            Fields::Few(list) => list.len(),
            Fields::Many(map) => map.len(),
        }
    }

    fn iter(&self) -> FieldsIter<'_> {
        match self {
            Fields::Few(list) => FieldsIter::Few(list.iter()),
            Fields::Many(map) => FieldsIter::Many(map.iter()),
        }
    }
}

/// The fields in order, whichever form holds them.
enum FieldsIter<'a> {
    Few(std::slice::Iter<'a, (Name, Value)>),
    Many(indexmap::map::Iter<'a, Name, Value>),
}

impl<'a> Iterator for FieldsIter<'a> {
    type Item = (&'a str, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            FieldsIter::Few(it) => it.next().map(|(k, v)| (k.as_ref(), v)),
            FieldsIter::Many(it) => it.next().map(|(k, v)| (k.as_ref(), v)),
        }
    }
}

/// The fields by value, in order.
enum FieldsIntoIter {
    Few(std::vec::IntoIter<(Name, Value)>),
    Many(indexmap::map::IntoIter<Name, Value>),
}

impl Iterator for FieldsIntoIter {
    type Item = (Name, Value);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            FieldsIntoIter::Few(it) => it.next(),
            FieldsIntoIter::Many(it) => it.next(),
        }
    }
}

/// Two responses are equal when they hold the same names with equal
/// values, in whatever order (a map's equality, as before the list form).
impl PartialEq for Response {
    fn eq(&self, other: &Response) -> bool {
        self.len() == other.len()
            && self
                .fields
                .iter()
                .all(|(name, v)| other.fields.get(name) == Some(v))
    }
}

/// A field's name: WeChat's usual names point at one static copy, so
/// reading an answer allocates for its values only; any other name is owned.
type Name = Cow<'static, str>;

/// The static copy of a name WeChat's answers and pushes use, if it is one.
fn known_name(name: &str) -> Option<&'static str> {
    // A static, not a const: each name has one address, which
    // `Fields::has` compares.
    static KNOWN: [&str; 16] = [
        "errcode",
        "errmsg",
        "identify_ret",
        "identify_time",
        "validate_data",
        "openid",
        "user_id_key",
        "finish_time",
        "id_card_number_md5",
        "name_utf8_md5",
        "verify_ret",
        "verify_id",
        "expires_in",
        "access_token",
        "out_seq_no",
        "cert_hash",
    ];
    KNOWN.iter().copied().find(|k| *k == name)
}

fn name_of(name: &str) -> Name {
    known_name(name).map_or_else(|| Cow::Owned(name.to_owned()), Cow::Borrowed)
}

/// Why a body is not an answer [`Response::from_json`] accepts.
#[derive(Debug)]
pub enum JsonError {
    /// Not JSON; serde_json's error holds a position, never the input.
    Malformed(serde_json::Error),
    /// Valid JSON, but not an object.
    NotObject,
    /// A member name appears twice in one object, at any depth: parsers
    /// disagree on which one counts, so the answer means nothing.
    DuplicateKey(String),
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::Malformed(e) if e.is_eof() => f.write_str("truncated JSON"),
            JsonError::Malformed(_) => f.write_str("not valid JSON"),
            JsonError::NotObject => f.write_str("JSON is not an object"),
            JsonError::DuplicateKey(k) => write!(f, "duplicate member {}", mask::field_name(k)),
        }
    }
}

impl Response {
    pub fn new() -> Response {
        Response::default()
    }

    /// The members of a JSON object, in the order WeChat sent them. A
    /// duplicate member name anywhere in the document is an error, not
    /// "the last one wins".
    pub fn from_json(body: &[u8]) -> std::result::Result<Response, JsonError> {
        // serde_json checks the UTF-8 of a byte slice string by string (a
        // fifth of reading an answer); a whole body checked at once is
        // read as text. A body that is not UTF-8 is read as bytes, so that
        // its error is the one it always was.
        match std::str::from_utf8(body) {
            Ok(text) => Response::parse(serde_json::Deserializer::from_str(text)),
            Err(_) => Response::parse(serde_json::Deserializer::from_slice(body)),
        }
    }

    fn parse<'de, R: serde_json::de::Read<'de>>(
        mut de: serde_json::Deserializer<R>,
    ) -> std::result::Result<Response, JsonError> {
        let duplicate = RefCell::new(None);
        let parsed = TopSeed {
            duplicate: &duplicate,
        }
        .deserialize(&mut de)
        .and_then(|r| de.end().map(|()| r));
        match parsed {
            Ok(Some(r)) => Ok(r),
            Ok(None) => Err(JsonError::NotObject),
            Err(e) => Err(match duplicate.into_inner() {
                Some(name) => JsonError::DuplicateKey(name),
                None => JsonError::Malformed(e),
            }),
        }
    }

    /// Sets a field, replacing an earlier value of the same name in place.
    pub fn set(&mut self, name: &str, value: Value) {
        match self.fields.get_mut(name) {
            Some(v) => *v = value,
            None => self.fields.push(name_of(name), value),
        }
    }

    pub fn set_text(&mut self, name: &str, value: impl Into<String>) {
        self.set(name, Value::Text(value.into()));
    }

    /// Takes a field out, keeping the others in order. The value is the
    /// caller's to wipe: the response no longer does.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.fields.remove(name)
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// The field as text (integers as decimal, other JSON in compact form),
    /// for display; None for binary fields. Never for a verdict: see
    /// [`Response::int_field`] and [`Response::text_field`].
    pub fn text(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            Value::Int(i) => Some(i.to_string()),
            Value::Text(s) | Value::Json(s) => Some(s.clone()),
            Value::Bytes(_) => None,
        }
    }

    /// The field's bytes: binary data as is, text as UTF-8 (a NUL byte
    /// included), integers as decimal.
    pub fn bytes(&self, name: &str) -> Option<std::borrow::Cow<'_, [u8]>> {
        use std::borrow::Cow;
        match self.get(name)? {
            Value::Int(i) => Some(Cow::Owned(i.to_string().into_bytes())),
            Value::Text(s) | Value::Json(s) => Some(Cow::Borrowed(s.as_bytes())),
            Value::Bytes(b) => Some(Cow::Borrowed(b)),
        }
    }

    /// The field as an integer: a JSON integer, or text that is one (XML
    /// pushes carry every value as text). For display and pushes; a verdict
    /// reads [`Response::int_field`].
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            Value::Int(i) => Some(*i),
            Value::Text(s) => s.trim().parse().ok(),
            Value::Json(_) | Value::Bytes(_) => None,
        }
    }

    /// A field a verdict or a retry depends on, read strictly: `Ok(None)`
    /// if absent, the value if it is a JSON integer, and
    /// `WXFACE_ERR_BAD_RESPONSE` for anything else (`0.0`, `"0"`, `1e20`,
    /// `true`, `null`). `context` names the call in the message.
    pub fn int_field(&self, context: &str, name: &str) -> Result<Option<i64>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Int(i)) => Ok(Some(*i)),
            Some(_) => Err(bad_response(context, name, "is not a JSON integer")),
        }
    }

    /// [`Response::int_field`] for a field that must be present.
    pub fn require_int(&self, context: &str, name: &str) -> Result<i64> {
        self.int_field(context, name)?
            .ok_or_else(|| missing(context, name))
    }

    /// A text field a verdict depends on, read strictly: `Ok(None)` if
    /// absent, the text if it is a JSON string, `WXFACE_ERR_BAD_RESPONSE`
    /// for a number or any other JSON.
    pub fn text_field(&self, context: &str, name: &str) -> Result<Option<&str>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Text(s)) => Ok(Some(s)),
            Some(_) => Err(bad_response(context, name, "is not a JSON string")),
        }
    }

    /// [`Response::text_field`] for a field that must be present and not empty.
    pub fn require_text(&self, context: &str, name: &str) -> Result<&str> {
        match self.text_field(context, name)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(missing(context, name)),
        }
    }

    pub fn fields(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.fields.iter()
    }

    /// The fields by value, in order: the photo of getimage (up to 8 MiB)
    /// moves to its new owner instead of being copied. The new owner wipes
    /// the values, as this response would have.
    pub fn into_fields(mut self) -> impl Iterator<Item = (Cow<'static, str>, Value)> {
        match std::mem::take(&mut self.fields) {
            Fields::Few(list) => FieldsIntoIter::Few(list.into_iter()),
            Fields::Many(map) => FieldsIntoIter::Many(map.into_iter()),
        }
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.len() == 0
    }
}

impl Drop for Response {
    fn drop(&mut self) {
        match &mut self.fields {
            Fields::Few(list) => list.iter_mut().for_each(|(_, v)| wipe(v)),
            Fields::Many(map) => map.values_mut().for_each(wipe),
        }
    }
}

fn wipe(v: &mut Value) {
    match v {
        Value::Text(s) | Value::Json(s) => s.zeroize(),
        Value::Bytes(b) => b.zeroize(),
        Value::Int(_) => {}
    }
}

fn bad_response(context: &str, name: &str, why: &str) -> Error {
    Error::new(
        Code::BadResponse,
        format!("{context}: {name} {why} in the answer"),
    )
}

fn missing(context: &str, name: &str) -> Error {
    Error::new(
        Code::BadResponse,
        format!("{context}: no {name} in the answer"),
    )
}

// The parse: serde_json's tokenizer (and its nesting limit) with visitors
// that keep integers apart from floats and see every member name, so a
// duplicate is caught where a map would silently keep the last value.

/// Where a visitor leaves the duplicate name it met, so that the caller can
/// tell "duplicate" from "malformed" without reading error text.
type DuplicateSlot<'a> = &'a RefCell<Option<String>>;

struct TopSeed<'a> {
    duplicate: DuplicateSlot<'a>,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    /// None: valid JSON that is not an object.
    type Value = Option<Response>;
    fn deserialize<D: de::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_> {
    type Value = Option<Response>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        // Room for a whole WeChat answer (ten-odd fields): no regrowth
        // while it is read.
        let mut r = Response {
            fields: Fields::Few(Vec::with_capacity(16)),
        };
        while let Some(name) = map.next_key_seed(NameSeed)? {
            if r.fields.has(&name) {
                return Err(self.duplicate_found(name.into_owned()));
            }
            let value = map.next_value_seed(FieldSeed {
                duplicate: self.duplicate,
            })?;
            r.fields.push(name, value);
        }
        Ok(Some(r))
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        // Still walked to the end, so that a broken array is "malformed".
        while seq
            .next_element_seed(NestedSeed {
                duplicate: self.duplicate,
            })?
            .is_some()
        {}
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
}

trait ReportsDuplicates {
    fn slot(&self) -> DuplicateSlot<'_>;
    fn duplicate_found<E: de::Error>(&self, name: String) -> E {
        *self.slot().borrow_mut() = Some(name);
        E::custom("duplicate member name")
    }
}

impl ReportsDuplicates for TopSeed<'_> {
    fn slot(&self) -> DuplicateSlot<'_> {
        self.duplicate
    }
}

/// A member name of the top-level object, read without a copy when it is
/// one of WeChat's usual names.
struct NameSeed;

impl<'de> DeserializeSeed<'de> for NameSeed {
    type Value = Name;
    fn deserialize<D: de::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for NameSeed {
    type Value = Name;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Name, E> {
        Ok(name_of(v))
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Name, E> {
        Ok(known_name(&v).map_or(Cow::Owned(v), Cow::Borrowed))
    }
}

/// One member's value of the top-level object.
struct FieldSeed<'a> {
    duplicate: DuplicateSlot<'a>,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| Value::Json(v.to_string()), Value::Int))
    }
    // serde_json calls this for every number written with a fraction or an
    // exponent, and for integers beyond 64 bits: never an Int.
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(Value::Json(Json::from(v).to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::Text(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Json(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Value, E> {
        Ok(Value::Json("null".to_owned()))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Value, A::Error> {
        let nested = NestedSeed {
            duplicate: self.duplicate,
        };
        Ok(Value::Json(nested.visit_map(map)?.to_string()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Value, A::Error> {
        let nested = NestedSeed {
            duplicate: self.duplicate,
        };
        Ok(Value::Json(nested.visit_seq(seq)?.to_string()))
    }
}

/// A value inside a member: any JSON, with its objects checked for
/// duplicate names too.
struct NestedSeed<'a> {
    duplicate: DuplicateSlot<'a>,
}

impl ReportsDuplicates for NestedSeed<'_> {
    fn slot(&self) -> DuplicateSlot<'_> {
        self.duplicate
    }
}

impl<'de> DeserializeSeed<'de> for NestedSeed<'_> {
    type Value = Json;
    fn deserialize<D: de::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NestedSeed<'_> {
    type Value = Json;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Json, A::Error> {
        let mut object = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if object.contains_key(&name) {
                return Err(self.duplicate_found(name));
            }
            let value = map.next_value_seed(NestedSeed {
                duplicate: self.duplicate,
            })?;
            object.insert(name, value);
        }
        Ok(Json::Object(object))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(NestedSeed {
            duplicate: self.duplicate,
        })? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> std::result::Result<Response, JsonError> {
        Response::from_json(s.as_bytes())
    }

    #[test]
    fn usual_and_unusual_names_read_alike_and_an_escaped_repeat_is_a_duplicate() {
        let r = parse(r#"{"errcode":0,"x_new_field":"a","name_utf8_md5":"b"}"#).unwrap();
        let names: Vec<&str> = r.fields().map(|(k, _)| k).collect();
        assert_eq!(names, ["errcode", "x_new_field", "name_utf8_md5"]);
        assert_eq!(r.get("x_new_field"), Some(&Value::Text("a".into())));
        // The same name once plain and once escaped is still one name twice.
        let e = parse(r#"{"errcode":0,"err\u0063ode":1}"#).unwrap_err();
        assert!(
            matches!(e, JsonError::DuplicateKey(ref k) if k == "errcode"),
            "{e:?}"
        );
    }

    #[test]
    fn integers_floats_and_strings_keep_their_json_type() {
        let r = parse(
            r#"{"a":84001,"b":84001.0,"c":1e20,"d":"0","e":true,"f":null,"g":-7,"h":18446744073709551615,"i":[1,{"x":2}]}"#,
        )
        .unwrap();
        assert_eq!(r.get("a"), Some(&Value::Int(84001)));
        assert_eq!(r.get("b"), Some(&Value::Json("84001.0".into())));
        assert_eq!(r.get("c"), Some(&Value::Json("1e+20".into())));
        assert_eq!(r.get("d"), Some(&Value::Text("0".into())));
        assert_eq!(r.get("e"), Some(&Value::Json("true".into())));
        assert_eq!(r.get("f"), Some(&Value::Json("null".into())));
        assert_eq!(r.get("g"), Some(&Value::Int(-7)));
        assert_eq!(
            r.get("h"),
            Some(&Value::Json("18446744073709551615".into()))
        );
        assert_eq!(r.get("i"), Some(&Value::Json(r#"[1,{"x":2}]"#.into())));
        let names: Vec<&str> = r.fields().map(|(k, _)| k).collect();
        assert_eq!(names, ["a", "b", "c", "d", "e", "f", "g", "h", "i"]);
    }

    #[test]
    fn strict_readers_take_only_the_exact_json_type() {
        let r = parse(r#"{"n":0,"f":0.0,"s":"0","t":"text","z":""}"#).unwrap();
        assert_eq!(r.int_field("/p", "n").unwrap(), Some(0));
        assert_eq!(r.int_field("/p", "absent").unwrap(), None);
        for name in ["f", "s", "t"] {
            let e = r.int_field("/p", name).unwrap_err();
            assert_eq!(e.code, Code::BadResponse, "{name}");
        }
        assert_eq!(r.text_field("/p", "t").unwrap(), Some("text"));
        assert_eq!(r.text_field("/p", "n").unwrap_err().code, Code::BadResponse);
        assert_eq!(
            r.require_text("/p", "z").unwrap_err().code,
            Code::BadResponse
        );
        assert_eq!(
            r.require_int("/p", "absent").unwrap_err().code,
            Code::BadResponse
        );
    }

    #[test]
    fn a_duplicate_member_name_at_any_depth_is_refused() {
        for s in [
            r#"{"a":1,"a":1}"#,
            r#"{"a":1,"b":2,"a":3}"#,
            r#"{"identify_ret":1,"identify\u005fret":0}"#,
            r#"{"a":{"x":1,"x":2}}"#,
            r#"{"a":[{"x":1},{"y":[{"z":1,"z":1}]}]}"#,
            r#"[{"x":1,"x":2}]"#,
        ] {
            assert!(matches!(parse(s), Err(JsonError::DuplicateKey(_))), "{s}");
        }
        assert!(parse(r#"{"a":{"x":1},"b":{"x":1}}"#).is_ok());
    }

    #[test]
    fn only_a_whole_json_object_is_an_answer() {
        assert!(matches!(parse("[1]"), Err(JsonError::NotObject)));
        assert!(matches!(parse("7"), Err(JsonError::NotObject)));
        assert!(matches!(
            parse(r#"{"a":1} x"#),
            Err(JsonError::Malformed(_))
        ));
        let e = parse(r#"{"a":"#).unwrap_err();
        assert_eq!(e.to_string(), "truncated JSON");
    }

    #[test]
    fn a_duplicate_name_is_named_only_when_it_is_a_plain_word() {
        let e = parse(r#"{"errcode":1,"errcode":0}"#).unwrap_err();
        assert_eq!(e.to_string(), "duplicate member `errcode`");
        let e = parse(r#"{"张三":1,"张三":0}"#).unwrap_err();
        assert_eq!(e.to_string(), "duplicate member <2 chars hidden>");
    }

    #[test]
    fn a_body_that_is_not_utf8_is_malformed_and_text_in_any_script_reads() {
        let e = Response::from_json(b"{\"errmsg\":\"\xff\"}").unwrap_err();
        assert!(matches!(e, JsonError::Malformed(_)), "{e:?}");
        assert_eq!(e.to_string(), "not valid JSON");
        let r = parse(r#"{"errmsg":"张三 ok","n":1}"#).unwrap();
        assert_eq!(r.get("errmsg"), Some(&Value::Text("张三 ok".into())));
    }

    /// `{"f0":0,"f1":1,...}` with `n` members, then `tail`.
    fn many(n: usize, tail: &str) -> String {
        let members: Vec<String> = (0..n).map(|i| format!(r#""f{i}":{i}"#)).collect();
        format!("{{{}{tail}}}", members.join(","))
    }

    #[test]
    fn an_answer_of_many_fields_keeps_its_order_and_still_refuses_duplicates() {
        for n in [FEW - 1, FEW, FEW + 1, 3 * FEW] {
            let r = parse(&many(n, r#","errcode":0"#)).unwrap();
            assert_eq!(r.len(), n + 1, "{n}");
            let names: Vec<&str> = r.fields().map(|(k, _)| k).collect();
            assert_eq!(names[0], "f0");
            assert_eq!(names[n], "errcode");
            assert_eq!(
                r.get(&format!("f{}", n - 1)),
                Some(&Value::Int(n as i64 - 1))
            );
            for dup in [r#","f0":1"#, r#","errcode":0,"errcode":1"#] {
                let e = parse(&many(n, dup)).unwrap_err();
                assert!(matches!(e, JsonError::DuplicateKey(_)), "{n} {dup}: {e:?}");
            }
        }
    }

    #[test]
    fn many_fields_set_remove_and_compare_like_few() {
        let mut few = Response::new();
        let mut many = Response::new();
        for i in 0..3 * FEW {
            many.set(&format!("f{i}"), Value::Int(i as i64));
        }
        many.set("f1", Value::Int(-1));
        assert_eq!(many.len(), 3 * FEW);
        assert_eq!(many.get("f1"), Some(&Value::Int(-1)));
        for i in 2..3 * FEW {
            assert_eq!(many.remove(&format!("f{i}")), Some(Value::Int(i as i64)));
        }
        // Equality is a map's: the same names and values in any order.
        few.set("f1", Value::Int(-1));
        few.set("f0", Value::Int(0));
        assert_eq!(many, few);
        few.set("f0", Value::Int(7));
        assert_ne!(many, few);
        let names: Vec<&str> = many.fields().map(|(k, _)| k).collect();
        assert_eq!(names, ["f0", "f1"]);
    }

    #[test]
    fn set_replaces_in_place_and_keeps_the_order() {
        let mut r = Response::new();
        r.set("a", Value::Int(1));
        r.set("b", Value::Int(2));
        r.set("a", Value::Int(3));
        let v: Vec<(&str, &Value)> = r.fields().collect();
        assert_eq!(v, [("a", &Value::Int(3)), ("b", &Value::Int(2))]);
    }
}
