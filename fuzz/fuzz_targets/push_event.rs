//! `push::event::parse` on any bytes, with the round trips `seal` relies
//! on: fields read from a message and written back as JSON (or, where the
//! names allow, as XML) read back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wxface::push::event;
use wxface::Code;

fuzz_target!(|data: &[u8]| {
    let fields = match event::parse(data) {
        Ok(fields) => fields,
        Err(e) => {
            assert_eq!(e.code, Code::PushFormat, "parse refused with {:?}", e.code);
            return;
        }
    };
    let _ = event::is_face_identify(&fields);

    let json = event::to_json(&fields);
    let back = event::parse(&json).expect("to_json output parses");
    assert_eq!(back, fields, "JSON round trip changed the fields");

    // XML carries text only: a JSON value that is neither an integer nor a
    // string (a float CreateTime, an object) comes back as text, so only
    // messages without one must survive the XML round trip unchanged.
    let xml_can_carry = fields
        .fields()
        .all(|(_, value)| !matches!(value, wxface::Value::Json(_)));
    if let (true, Ok(xml)) = (xml_can_carry, event::to_xml(&fields)) {
        let back = event::parse(&xml).expect("to_xml output parses");
        assert_eq!(back, fields, "XML round trip changed the fields");
    }
});
