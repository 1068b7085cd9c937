//! The README's code table is the code list: every row's value has that
//! name through `wxface_code_name`, and every code has exactly one row.

use std::collections::BTreeMap;
use std::ffi::CStr;

use wxface::ffi::error::{wxface_code_description, wxface_code_name};

/// (value, name) of each row of the "Error codes" table.
fn readme_rows() -> BTreeMap<i32, String> {
    let readme = include_str!("../README.md");
    let table = readme
        .split("## Error codes")
        .nth(1)
        .expect("README has an Error codes section");
    let mut rows = BTreeMap::new();
    for line in table.lines().skip_while(|l| !l.starts_with('|')) {
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let Ok(value) = cells[1].parse::<i32>() else {
            continue; // the header and the separator
        };
        let name = cells[2].trim_matches('`').to_owned();
        assert!(rows.insert(value, name).is_none(), "value {value} twice");
    }
    rows
}

fn c_str(p: *const std::ffi::c_char) -> String {
    // SAFETY: both functions return static NUL-terminated strings.
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
}

#[test]
fn every_readme_row_is_the_code_wxface_code_name_gives() {
    let rows = readme_rows();
    for (value, name) in &rows {
        assert_eq!(&c_str(wxface_code_name(*value)), name, "README row {value}");
    }
}

#[test]
fn every_code_has_a_readme_row_and_a_description() {
    let rows = readme_rows();
    for code in wxface::Code::ALL {
        let value = code as i32;
        assert_eq!(rows.get(&value).map(String::as_str), Some(code.name()));
        assert_ne!(c_str(wxface_code_description(value)), "not a wxface code");
    }
    assert_eq!(
        rows.len(),
        wxface::Code::ALL.len(),
        "rows for values that are no code"
    );
}
