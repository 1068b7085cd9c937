//! A push message as bytes <-> a [`Response`] under WeChat's field names.
//!
//! The format is taken from the bytes themselves (`{` JSON, `<` XML), since
//! the mini program's console setting is not known here and WeChat sends
//! either. XML is read without DTDs: a `<!DOCTYPE` (and with it any
//! `<!ENTITY`) is refused, and only XML's five predefined entities and
//! character references are expanded, so no billion-laughs or external
//! entity can reach the parser.

use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{Map, Value as Json};

use crate::response::JsonError;
use crate::{Code, Error, Response, Result, Value};

/// Elements nest at most this deep below `<xml>`; WeChat uses two levels.
const MAX_DEPTH: usize = 8;

/// `MsgType` and `Event` of the 1.0 face verification result push.
pub const FACE_IDENTIFY: &str = "face_identify";

/// Whether `event` is the face verification result (`MsgType` `event`,
/// `Event` `face_identify`).
pub fn is_face_identify(event: &Response) -> bool {
    event.text("MsgType").as_deref() == Some("event")
        && event.text("Event").as_deref() == Some(FACE_IDENTIFY)
}

/// Parses a JSON object or an `<xml>` document into its fields.
///
/// JSON members keep their types (integers as [`Value::Int`]). XML leaves
/// become fields named by their element; a nested element is named by its
/// path below `<xml>` joined with `.` (`ScanCodeInfo.ScanType`). XML text
/// outside CDATA that is a canonical integer (`1703657835`, not `007`)
/// becomes [`Value::Int`], so JSON and XML pushes read the same.
pub fn parse(bytes: &[u8]) -> Result<Response> {
    let text = std::str::from_utf8(bytes).map_err(|_| format_error("the message is not UTF-8"))?;
    match text.trim_start().as_bytes().first() {
        Some(b'{') => parse_json(text),
        Some(b'<') => parse_xml(text),
        _ => Err(format_error("the message is neither a JSON object nor XML")),
    }
}

fn parse_json(text: &str) -> Result<Response> {
    // serde_json's messages hold only a position, never the input.
    Response::from_json(text.as_bytes()).map_err(|e| match e {
        JsonError::Malformed(e) => format_error(&format!(
            "the JSON message is malformed (line {}, column {})",
            e.line(),
            e.column()
        )),
        JsonError::NotObject => format_error("the JSON message is not an object"),
        JsonError::DuplicateKey(_) => format_error(&format!("the JSON message has a {e}")),
    })
}

/// One open element: its name, the text gathered so far, whether any of it
/// was CDATA, and whether it has child elements.
struct Open {
    name: String,
    text: String,
    cdata: bool,
    has_children: bool,
}

fn parse_xml(text: &str) -> Result<Response> {
    let mut reader = Reader::from_str(text);
    let mut fields = Response::new();
    // The root is stack[0]; fields come from elements below it.
    let mut stack: Vec<Open> = Vec::new();
    let mut root_done = false;
    loop {
        let at = reader.buffer_position();
        // quick-xml's errors can quote names from the input; report the offset only.
        let event = reader
            .read_event()
            .map_err(|_| format_error(&format!("the XML message is malformed near byte {at}")))?;
        match event {
            Event::DocType(_) => {
                return Err(format_error(
                    "the XML message has a DTD (<!DOCTYPE>), which WeChat never sends",
                ))
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Start(_) | Event::Empty(_) if root_done => {
                return Err(format_error(
                    "the XML message has more than one root element",
                ));
            }
            Event::Start(start) => {
                let name = element_name(start.name().as_ref())?;
                if stack.is_empty() && name != "xml" {
                    return Err(format_error("the XML root element is not <xml>"));
                }
                if stack.len() > MAX_DEPTH {
                    return Err(format_error("the XML message nests too deeply"));
                }
                if let Some(parent) = stack.last_mut() {
                    parent.has_children = true;
                }
                stack.push(Open {
                    name,
                    text: String::new(),
                    cdata: false,
                    has_children: false,
                });
            }
            Event::Empty(start) => {
                let name = element_name(start.name().as_ref())?;
                match stack.last_mut() {
                    None if name == "xml" => root_done = true,
                    None => return Err(format_error("the XML root element is not <xml>")),
                    Some(parent) => {
                        parent.has_children = true;
                        let path = field_path(&stack, &name);
                        fields.set(&path, Value::Text(String::new()));
                    }
                }
            }
            Event::Text(t) => {
                let unescaped = t.unescape().map_err(|_| {
                    format_error(
                        "the XML message has an unknown entity or a bad character reference",
                    )
                })?;
                match stack.last_mut() {
                    Some(open) => open.text.push_str(&unescaped),
                    None if unescaped.trim().is_empty() => {}
                    None => return Err(format_error("the XML message has text outside <xml>")),
                }
            }
            Event::CData(c) => {
                let inner = c.into_inner();
                let inner = std::str::from_utf8(&inner)
                    .map_err(|_| format_error("the message is not UTF-8"))?;
                match stack.last_mut() {
                    Some(open) => {
                        open.text.push_str(inner);
                        open.cdata = true;
                    }
                    None => return Err(format_error("the XML message has text outside <xml>")),
                }
            }
            Event::End(_) => {
                // The reader checks that end names match their start.
                let Some(open) = stack.pop() else {
                    return Err(format_error(
                        "the XML message closes an element it never opened",
                    ));
                };
                if stack.is_empty() {
                    root_done = true;
                    if !open.text.trim().is_empty() {
                        return Err(format_error("the XML root holds text besides its fields"));
                    }
                } else if open.has_children {
                    if !open.text.trim().is_empty() {
                        return Err(format_error("an XML element holds both text and elements"));
                    }
                } else {
                    let path = field_path(&stack, &open.name);
                    fields.set(&path, leaf_value(open.text, open.cdata));
                }
            }
            Event::Eof => break,
        }
    }
    if !root_done {
        return Err(format_error("the XML message ends before </xml>"));
    }
    Ok(fields)
}

fn element_name(raw: &[u8]) -> Result<String> {
    std::str::from_utf8(raw)
        .map(str::to_owned)
        .map_err(|_| format_error("the message is not UTF-8"))
}

/// `A.B.C` for `<xml><A><B><C>`: the names below the root.
fn field_path(stack: &[Open], leaf: &str) -> String {
    let mut path = String::new();
    for open in stack.iter().skip(1) {
        path.push_str(&open.name);
        path.push('.');
    }
    path.push_str(leaf);
    path
}

fn leaf_value(text: String, cdata: bool) -> Value {
    if !cdata && is_canonical_int(&text) {
        if let Ok(i) = text.parse() {
            return Value::Int(i);
        }
    }
    Value::Text(text)
}

/// Decimal as i64 prints it: an integer read this way writes back unchanged.
fn is_canonical_int(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && s != "-0"
}

fn base64_text(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// A JSON object: integers as numbers, everything else as strings.
pub fn to_json(fields: &Response) -> Vec<u8> {
    let mut object = Map::new();
    for (name, value) in fields.fields() {
        let v = match value {
            Value::Int(i) => Json::from(*i),
            Value::Text(s) => Json::from(s.as_str()),
            // Compact JSON as parsed; text if someone set it by hand.
            Value::Json(s) => serde_json::from_str(s).unwrap_or_else(|_| Json::from(s.as_str())),
            // No push carries binary data; base64 keeps the function total.
            Value::Bytes(b) => Json::from(base64_text(b)),
        };
        object.insert(name.to_owned(), v);
    }
    Json::Object(object).to_string().into_bytes()
}

/// `<xml><Name><![CDATA[text]]></Name><CreateTime>123</CreateTime></xml>`,
/// WeChat's layout: text in CDATA, integers bare.
pub fn to_xml(fields: &Response) -> Result<Vec<u8>> {
    let mut out = String::from("<xml>");
    for (name, value) in fields.fields() {
        if !is_xml_name(name) {
            return Err(Error::invalid_argument(
                "push field name",
                "not usable as an XML element name",
            ));
        }
        out.push('<');
        out.push_str(name);
        out.push('>');
        match value {
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::Text(s) | Value::Json(s) => {
                // "]]>" cannot appear inside CDATA: close and reopen around it.
                out.push_str("<![CDATA[");
                out.push_str(&s.replace("]]>", "]]]]><![CDATA[>"));
                out.push_str("]]>");
            }
            Value::Bytes(b) => out.push_str(&base64_text(b)),
        }
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
    out.push_str("</xml>");
    Ok(out.into_bytes())
}

/// ASCII XML names only: what WeChat's field names are.
fn is_xml_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && !name.to_ascii_lowercase().starts_with("xml")
}

fn format_error(why: &str) -> Error {
    Error::new(Code::PushFormat, why.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"{"ToUserName":"gh_1","FromUserName":"oU1","CreateTime":1703657835,"MsgType":"event","Event":"face_identify","openid":"oU1","out_seq_no":"test1234","verify_result":"XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60"}"#;
    const XML: &str = "<xml>\n  <ToUserName><![CDATA[gh_1]]></ToUserName>\n  <FromUserName><![CDATA[oU1]]></FromUserName>\n  <CreateTime>1703657835</CreateTime>\n  <MsgType><![CDATA[event]]></MsgType>\n  <Event><![CDATA[face_identify]]></Event>\n  <openid><![CDATA[oU1]]></openid>\n  <out_seq_no><![CDATA[test1234]]></out_seq_no>\n  <verify_result><![CDATA[XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60]]></verify_result>\n</xml>";

    #[test]
    fn json_and_xml_face_identify_read_the_same() {
        let from_json = parse(JSON.as_bytes()).unwrap();
        let from_xml = parse(XML.as_bytes()).unwrap();
        assert_eq!(from_json, from_xml);
        assert!(is_face_identify(&from_json));
        assert_eq!(from_xml.int("CreateTime"), Some(1_703_657_835));
        assert_eq!(from_xml.text("out_seq_no").as_deref(), Some("test1234"));
    }

    #[test]
    fn serializers_round_trip_through_parse() {
        let event = parse(JSON.as_bytes()).unwrap();
        assert_eq!(parse(&to_json(&event)).unwrap(), event);
        assert_eq!(parse(&to_xml(&event).unwrap()).unwrap(), event);
    }

    #[test]
    fn a_float_keeps_its_value_through_to_json_and_back() {
        // Found by the push_event fuzz target: serde_json's default float
        // parsing is not correctly rounded, so this number read as
        // 1.0000000000000001e+81, which read back as 1e+81.
        let long = format!("{}170.3657835", "9".repeat(78));
        let event = parse(format!(r#"{{"Tme":{long},"x":0.1}}"#).as_bytes()).unwrap();
        assert_eq!(event.get("Tme"), Some(&Value::Json("1e+81".into())));
        assert_eq!(parse(&to_json(&event)).unwrap(), event);
        let near = parse(br#"{"Tme":1.0000000000000001e+81}"#).unwrap();
        assert_eq!(parse(&to_json(&near)).unwrap(), near);
    }

    #[test]
    fn xml_cdata_survives_its_own_terminator_and_keeps_digits_as_text() {
        let mut r = Response::new();
        r.set_text("a", "x]]>y");
        r.set_text("zip", "007");
        r.set_text("n", "12");
        let back = parse(&to_xml(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn xml_nested_elements_are_named_by_path_and_entities_expand() {
        let xml = "<?xml version=\"1.0\"?><xml><!-- c --><Info><Type>qr</Type><Empty/></Info><T>a &amp; b &#x4e2d;</T><Zero>007</Zero></xml>";
        let r = parse(xml.as_bytes()).unwrap();
        assert_eq!(r.text("Info.Type").as_deref(), Some("qr"));
        assert_eq!(r.text("Info.Empty").as_deref(), Some(""));
        assert_eq!(r.text("T").as_deref(), Some("a & b 中"));
        assert_eq!(r.get("Zero"), Some(&Value::Text("007".into())));
    }

    #[test]
    fn xml_with_a_dtd_or_custom_entity_is_refused() {
        let dtd =
            "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY a \"aaaa\">]><xml><A>&a;</A></xml>";
        assert_eq!(parse(dtd.as_bytes()).unwrap_err().code, Code::PushFormat);
        let undeclared = "<xml><A>&a;</A></xml>";
        assert_eq!(
            parse(undeclared.as_bytes()).unwrap_err().code,
            Code::PushFormat
        );
        let external = "<!DOCTYPE xml SYSTEM \"file:///etc/passwd\"><xml/>";
        assert_eq!(
            parse(external.as_bytes()).unwrap_err().code,
            Code::PushFormat
        );
    }

    #[test]
    fn malformed_messages_are_format_errors() {
        for bad in [
            "",
            "   ",
            "[1,2]",
            "{\"a\":",
            "\"text\"",
            "<xml><A>1</B></xml>",
            "<xml><A>1</A>",
            "<root><A>1</A></root>",
            "<xml><A>1</A></xml><xml/>",
            "<xml>loose<A>1</A></xml>",
            "<xml><A>t<B>1</B></A></xml>",
            "<xml><a><a><a><a><a><a><a><a><a><a>1</a></a></a></a></a></a></a></a></a></a></xml>",
        ] {
            assert_eq!(
                parse(bad.as_bytes()).unwrap_err().code,
                Code::PushFormat,
                "{bad:?}"
            );
        }
        assert_eq!(
            parse(b"{\"a\":\"\xff\"}").unwrap_err().code,
            Code::PushFormat
        );
    }

    #[test]
    fn to_xml_refuses_names_that_are_not_element_names() {
        for bad in ["", "1a", "a b", "a<b", "xmlns", "中"] {
            let mut r = Response::new();
            r.set_text(bad, "v");
            assert_eq!(
                to_xml(&r).unwrap_err().code,
                Code::InvalidArgument,
                "{bad:?}"
            );
        }
    }
}
