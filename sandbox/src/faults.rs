//! Fault injection (issue 7): a queue of faults, each bound to a path (or
//! every WeChat path) and a number of requests.

use std::time::Duration;

use serde_json::{json, Value as Json};

/// What happens to a request that meets a fault.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// HTTP `status` with an HTML page, as a load balancer answers.
    HttpStatus(u16),
    /// HTTP 200 with `{errcode, errmsg}`.
    Errcode(i64, Option<String>),
    /// The normal answer after a pause.
    Delay(Duration),
    /// Read the request, never answer.
    Hang,
    /// Headers with the full Content-Length, half the body, then a reset.
    Reset,
    /// 200 with a JSON body cut in the middle (Content-Length matches the cut).
    Truncated,
    /// 200 with 5 MiB of valid JSON.
    Huge,
    /// The normal body, one byte a second.
    Trickle,
    /// The normal body labelled `text/html`.
    ContentType,
    /// 200 with an empty body.
    Empty,
    /// The live token is invalidated as the request arrives (it answers 40001).
    InvalidateToken,
    /// The normal answer, processed, with members rewritten as raw JSON
    /// text: answers no WeChat sends (floats, numbers as text, duplicate
    /// names) for the verdict to refuse.
    Edit(Edit),
}

/// Rewrites of an answer's members, each value raw JSON text in which
/// `$value` stands for the member's own value as WeChat's JSON wrote it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Edit {
    /// Members whose value is replaced (appended if the answer lacks them).
    pub replace: Vec<(String, String)>,
    /// Members written before all others, duplicates included: a parser
    /// that keeps the first value reads these, one that keeps the last
    /// reads the answer's own.
    pub prepend: Vec<(String, String)>,
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::HttpStatus(_) => "http_status",
            Kind::Errcode(..) => "errcode",
            Kind::Delay(_) => "delay",
            Kind::Hang => "hang",
            Kind::Reset => "reset",
            Kind::Truncated => "truncated",
            Kind::Huge => "huge",
            Kind::Trickle => "trickle",
            Kind::ContentType => "content_type",
            Kind::Empty => "empty",
            Kind::InvalidateToken => "invalidate_token",
            Kind::Edit(_) => "edit",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Fault {
    /// A WeChat path, or `*` for every WeChat path.
    pub path: String,
    pub kind: Kind,
    /// Requests still to affect; `None` until the queue is cleared.
    pub remaining: Option<u64>,
}

impl Fault {
    /// Parses the control API's `POST /sandbox/faults` body.
    pub fn from_json(body: &Json) -> Result<Fault, String> {
        let path = body.get("path").and_then(Json::as_str).unwrap_or("*");
        if path != "*" && !path.starts_with('/') {
            return Err("path must be \"*\" or start with /".into());
        }
        if path.starts_with("/sandbox/") {
            return Err("faults apply to WeChat paths, not to the control API".into());
        }
        let kind_name = body
            .get("kind")
            .and_then(Json::as_str)
            .ok_or("kind is required")?;
        let int = |name: &str| body.get(name).and_then(Json::as_i64);
        let kind = match kind_name {
            "http_status" => {
                let status = int("status").unwrap_or(502);
                if !(200..=599).contains(&status) {
                    return Err("status must be between 200 and 599".into());
                }
                Kind::HttpStatus(status as u16)
            }
            "errcode" => Kind::Errcode(
                int("errcode").ok_or("errcode is required for kind errcode")?,
                body.get("errmsg").and_then(Json::as_str).map(str::to_owned),
            ),
            "delay" => {
                let ms = int("delay_ms").ok_or("delay_ms is required for kind delay")?;
                if !(0..=600_000).contains(&ms) {
                    return Err("delay_ms must be between 0 and 600000".into());
                }
                Kind::Delay(Duration::from_millis(ms as u64))
            }
            "hang" => Kind::Hang,
            "reset" => Kind::Reset,
            "truncated" => Kind::Truncated,
            "huge" => Kind::Huge,
            "trickle" => Kind::Trickle,
            "content_type" => Kind::ContentType,
            "empty" => Kind::Empty,
            "invalidate_token" => Kind::InvalidateToken,
            "edit" => {
                let members = |name: &str| -> Result<Vec<(String, String)>, String> {
                    match body.get(name) {
                        None | Some(Json::Null) => Ok(vec![]),
                        Some(Json::Object(o)) => o
                            .iter()
                            .map(|(k, v)| match v.as_str() {
                                Some(raw) => Ok((k.clone(), raw.to_owned())),
                                None => {
                                    Err(format!("{name}.{k} must be raw JSON text in a string"))
                                }
                            })
                            .collect(),
                        Some(_) => Err(format!("{name} must be an object")),
                    }
                };
                let edit = Edit {
                    replace: members("replace")?,
                    prepend: members("prepend")?,
                };
                if edit.replace.is_empty() && edit.prepend.is_empty() {
                    return Err("kind edit needs replace or prepend".into());
                }
                Kind::Edit(edit)
            }
            other => return Err(format!("unknown fault kind {other:?}")),
        };
        let remaining = match body.get("count") {
            None | Some(Json::Null) => Some(1),
            Some(v) => match v.as_u64() {
                Some(0) => None,
                Some(n) => Some(n),
                None => return Err("count must be a non-negative integer".into()),
            },
        };
        Ok(Fault {
            path: path.to_owned(),
            kind,
            remaining,
        })
    }

    pub fn to_json(&self) -> Json {
        json!({
            "path": self.path,
            "kind": self.kind.name(),
            "remaining": self.remaining.map_or(Json::from("until cleared"), Json::from),
        })
    }
}

/// Takes one use of the first queued fault that matches `path`.
pub fn take(queue: &mut Vec<Fault>, path: &str) -> Option<Kind> {
    let index = queue.iter().position(|f| f.path == "*" || f.path == path)?;
    let fault = &mut queue[index];
    let kind = fault.kind.clone();
    if let Some(n) = fault.remaining.as_mut() {
        *n -= 1;
        if *n == 0 {
            queue.remove(index);
        }
    }
    Some(kind)
}

/// The answer `body` with `edit` applied, written member by member so that
/// the raw texts reach the client exactly as given. A body that is not a
/// JSON object (the photo) is left alone.
pub fn edit_body(body: &[u8], edit: &Edit) -> Vec<u8> {
    let Ok(Json::Object(object)) = serde_json::from_slice::<Json>(body) else {
        return body.to_vec();
    };
    let name = |k: &str| Json::from(k).to_string();
    let mut members: Vec<String> = edit
        .prepend
        .iter()
        .map(|(k, raw)| format!("{}:{raw}", name(k)))
        .collect();
    let replacement = |k: &str| {
        edit.replace
            .iter()
            .find(|(r, _)| r == k)
            .map(|(_, raw)| raw)
    };
    for (k, v) in &object {
        let own = v.to_string();
        let text = replacement(k).map_or(own.clone(), |raw| raw.replace("$value", &own));
        members.push(format!("{}:{text}", name(k)));
    }
    for (k, raw) in &edit.replace {
        if !object.contains_key(k) {
            members.push(format!("{}:{raw}", name(k)));
        }
    }
    format!("{{{}}}", members.join(",")).into_bytes()
}

/// 5 MiB of valid JSON: a WeChat answer with a long padding field.
pub fn huge_body() -> Vec<u8> {
    const SIZE: usize = 5 * 1024 * 1024;
    let head = br#"{"errcode":0,"errmsg":"ok","padding":""#;
    let tail = br#""}"#;
    let mut body = Vec::with_capacity(SIZE);
    body.extend_from_slice(head);
    body.resize(SIZE - tail.len(), b'a');
    body.extend_from_slice(tail);
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_consumed_in_order_and_by_path() {
        let mut q = vec![
            Fault::from_json(&json!({"path": "/a", "kind": "empty", "count": 2})).unwrap(),
            Fault::from_json(&json!({"kind": "hang"})).unwrap(),
        ];
        assert_eq!(take(&mut q, "/b"), Some(Kind::Hang));
        assert_eq!(take(&mut q, "/a"), Some(Kind::Empty));
        assert_eq!(take(&mut q, "/a"), Some(Kind::Empty));
        assert_eq!(take(&mut q, "/a"), None);
    }

    #[test]
    fn count_zero_lasts_until_cleared() {
        let mut q =
            vec![Fault::from_json(&json!({"kind": "errcode", "errcode": -1, "count": 0})).unwrap()];
        for _ in 0..10 {
            assert_eq!(take(&mut q, "/x"), Some(Kind::Errcode(-1, None)));
        }
    }

    #[test]
    fn bad_fault_requests_are_refused() {
        for bad in [
            json!({}),
            json!({"kind": "nope"}),
            json!({"kind": "errcode"}),
            json!({"kind": "empty", "count": -1}),
            json!({"kind": "empty", "path": "/sandbox/stats"}),
            json!({"kind": "http_status", "status": 42}),
            json!({"kind": "edit"}),
            json!({"kind": "edit", "replace": {"errcode": 1}}),
            json!({"kind": "edit", "prepend": ["errcode"]}),
        ] {
            assert!(Fault::from_json(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn edit_rewrites_members_as_raw_text() {
        let fault = Fault::from_json(&json!({
            "kind": "edit",
            "replace": {"errcode": "84001.0", "finish_time": "\"$value\"", "extra": "true"},
            "prepend": {"identify_ret": "1"},
        }))
        .unwrap();
        let Kind::Edit(edit) = fault.kind else {
            panic!("not an edit")
        };
        let body = br#"{"errcode":0,"identify_ret":0,"finish_time":1700000000}"#;
        assert_eq!(
            String::from_utf8(edit_body(body, &edit)).unwrap(),
            r#"{"identify_ret":1,"errcode":84001.0,"identify_ret":0,"finish_time":"1700000000","extra":true}"#
        );
        assert_eq!(edit_body(b"\xFF\xD8\xFF", &edit), b"\xFF\xD8\xFF");
    }

    #[test]
    fn huge_body_is_five_mib_of_json() {
        let body = huge_body();
        assert_eq!(body.len(), 5 * 1024 * 1024);
        let parsed: Json = serde_json::from_slice(&body).unwrap();
        assert_eq!(parsed["errcode"], 0);
    }
}
