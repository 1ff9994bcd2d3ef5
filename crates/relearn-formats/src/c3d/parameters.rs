//! The C3D parameter section: groups (`POINT`, `ANALOG`, `EVENT`...) holding typed parameters
//! (`POINT:RATE`, `ANALOG:LABELS`...).
//!
//! Layout (C3D user guide, c3d.org, "The parameter section"): a 4-byte block header (two
//! reserved bytes, the number of 512-byte parameter blocks, the processor type), then a chain of
//! records. Each record starts with a signed name length (negative = locked) and a signed id
//! (negative = group, positive = parameter of that group), the name, and a signed 16-bit offset
//! from that offset word to the next record (0 = last record). A parameter then has a type
//! (-1 char, 1 byte, 2 int16, 4 float32), a dimension count, the dimensions and the values.

use super::numbers::{bytes2, bytes4, Processor};
use crate::{FormatError, Location, Result};

/// The storage type of a parameter's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Char,
    Byte,
    Int,
    Float,
}

impl Kind {
    fn from_code(code: i8) -> Option<Kind> {
        match code {
            -1 => Some(Kind::Char),
            1 => Some(Kind::Byte),
            2 => Some(Kind::Int),
            4 => Some(Kind::Float),
            _ => None,
        }
    }

    fn size(self) -> usize {
        match self {
            Kind::Char | Kind::Byte => 1,
            Kind::Int => 2,
            Kind::Float => 4,
        }
    }
}

/// One parameter with its raw values, decoded on request.
#[derive(Debug, Clone)]
pub(crate) struct Parameter {
    group: String,
    name: String,
    kind: Kind,
    dims: Vec<usize>,
    data: Vec<u8>,
}

impl Parameter {
    /// Numeric values as `f64` (empty for character parameters). Integers are signed 16-bit as
    /// the format defines them; use [`Parameter::counts`] for counts stored as unsigned.
    pub(crate) fn numbers(&self, p: Processor) -> Vec<f64> {
        match self.kind {
            Kind::Char => Vec::new(),
            Kind::Byte => self.data.iter().map(|b| f64::from(*b)).collect(),
            Kind::Int => self
                .data
                .chunks_exact(2)
                .filter_map(|c| bytes2(c, 0))
                .map(|b| f64::from(p.i16(b)))
                .collect(),
            Kind::Float => self
                .data
                .chunks_exact(4)
                .filter_map(|c| bytes4(c, 0))
                .map(|b| f64::from(p.f32(b)))
                .collect(),
        }
    }

    /// The first numeric value, if any.
    pub(crate) fn number(&self, p: Processor) -> Option<f64> {
        self.numbers(p).first().copied()
    }

    /// Non-negative counts (`USED`, `FRAMES`): 16-bit integers read as unsigned, because writers
    /// store counts above 32767 that way; floats rounded; `None` for characters or a negative or
    /// non-finite float.
    pub(crate) fn counts(&self, p: Processor) -> Vec<u64> {
        match self.kind {
            Kind::Char => Vec::new(),
            Kind::Byte => self.data.iter().map(|b| u64::from(*b)).collect(),
            Kind::Int => self
                .data
                .chunks_exact(2)
                .filter_map(|c| bytes2(c, 0))
                .map(|b| u64::from(p.u16(b)))
                .collect(),
            Kind::Float => self
                .numbers(p)
                .into_iter()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .map(|v| v.round() as u64)
                .collect(),
        }
    }

    /// The first count, if any.
    pub(crate) fn count(&self, p: Processor) -> Option<u64> {
        self.counts(p).first().copied()
    }

    /// Character values as strings: the first dimension is the string length, the others count
    /// the strings. Bytes are read as Latin-1 (every byte is a character, so no file is rejected
    /// for its text) and trimmed of spaces and NULs, which writers use as padding.
    pub(crate) fn strings(&self) -> Vec<String> {
        if self.kind != Kind::Char {
            return Vec::new();
        }
        let width = match self.dims.first() {
            None => 1,
            Some(0) => return Vec::new(),
            Some(w) => *w,
        };
        self.data
            .chunks(width)
            .map(|c| {
                c.iter()
                    .map(|b| char::from(*b))
                    .collect::<String>()
                    .trim_matches(|ch: char| ch == '\0' || ch.is_whitespace())
                    .to_string()
            })
            .collect()
    }

    /// The first string, if any.
    pub(crate) fn string(&self) -> Option<String> {
        self.strings().into_iter().next()
    }
}

/// All parameters of a file.
#[derive(Debug, Clone)]
pub(crate) struct Parameters {
    params: Vec<Parameter>,
}

impl Parameters {
    /// The parameter `group:name` (case-insensitive), the first one when a writer repeated it.
    pub(crate) fn get(&self, group: &str, name: &str) -> Option<&Parameter> {
        self.params
            .iter()
            .find(|p| p.group.eq_ignore_ascii_case(group) && p.name.eq_ignore_ascii_case(name))
    }

    /// A series split over `NAME`, `NAME2`, `NAME3`... (C3D stores more than 255 labels that
    /// way), as strings.
    pub(crate) fn strings_series(&self, group: &str, name: &str) -> Vec<String> {
        self.series(group, name)
            .flat_map(Parameter::strings)
            .collect()
    }

    /// A numeric series split over `NAME`, `NAME2`, `NAME3`...
    pub(crate) fn numbers_series(&self, group: &str, name: &str, p: Processor) -> Vec<f64> {
        self.series(group, name)
            .flat_map(|x| x.numbers(p))
            .collect()
    }

    fn series<'a>(&'a self, group: &'a str, name: &'a str) -> impl Iterator<Item = &'a Parameter> {
        let first = self.get(group, name);
        let rest = (2..).map_while(move |i| self.get(group, &format!("{name}{i}")));
        first.into_iter().chain(rest)
    }
}

/// Parses the parameter section. `section` starts at the 4-byte parameter header, which sits at
/// byte `base` of the file (for error locations).
pub(crate) fn parse(
    path: &str,
    section: &[u8],
    base: u64,
    processor: Processor,
) -> Result<Parameters> {
    let at = |pos: usize| base.saturating_add(pos as u64);
    let byte = |pos: usize, what: &str| -> Result<u8> {
        section.get(pos).copied().ok_or_else(|| {
            FormatError::at_byte(
                path,
                at(pos),
                format!(
                    "the parameter section ends inside {what} (section size {} bytes)",
                    section.len()
                ),
            )
        })
    };
    let mut group_ids: Vec<(i8, String)> = Vec::new();
    let mut raw: Vec<(i8, Parameter)> = Vec::new();
    let mut pos = 4usize;
    while pos < section.len() {
        let name_len = byte(pos, "a record header")? as i8;
        if name_len == 0 {
            break;
        }
        let id = byte(pos + 1, "a record header")? as i8;
        let n = usize::from(name_len.unsigned_abs());
        let name_bytes = section.get(pos + 2..pos + 2 + n).ok_or_else(|| {
            FormatError::at_byte(
                path,
                at(pos),
                format!("a name of {n} bytes runs past the end of the parameter section"),
            )
        })?;
        let name: String = name_bytes.iter().map(|b| char::from(*b)).collect();
        let name = name.trim().to_ascii_uppercase();
        let offset_pos = pos + 2 + n;
        let next = bytes2(section, offset_pos)
            .map(|b| processor.i16(b))
            .ok_or_else(|| {
                FormatError::at_byte(
                    path,
                    at(offset_pos),
                    format!("record {name:?} ends before its offset to the next record"),
                )
            })?;
        if id == 0 {
            return Err(FormatError::at_byte(
                path,
                at(pos + 1),
                format!(
                    "record {name:?} has id 0, expected a negative group id or a positive \
                     parameter id: the parameter section is garbled"
                ),
            ));
        }
        if id < 0 {
            group_ids.push((id.saturating_neg(), name));
        } else {
            let code = byte(offset_pos + 2, "a parameter type")? as i8;
            let kind = Kind::from_code(code).ok_or_else(|| {
                FormatError::at_byte(
                    path,
                    at(offset_pos + 2),
                    format!(
                        "parameter {name:?} has type {code}, expected -1 (char), 1 (byte), \
                         2 (integer) or 4 (float): the parameter section is garbled"
                    ),
                )
            })?;
            let ndims = usize::from(byte(offset_pos + 3, "a dimension count")?);
            let dims: Vec<usize> = section
                .get(offset_pos + 4..offset_pos + 4 + ndims)
                .ok_or_else(|| {
                    FormatError::at_byte(
                        path,
                        at(offset_pos + 3),
                        format!("the {ndims} dimensions of parameter {name:?} run past the end of the parameter section"),
                    )
                })?
                .iter()
                .map(|d| usize::from(*d))
                .collect();
            // At most 255^255 in principle, so multiply with a check.
            let values = dims.iter().try_fold(1usize, |acc, d| acc.checked_mul(*d));
            let len = values.and_then(|v| v.checked_mul(kind.size()));
            let start = offset_pos + 4 + ndims;
            let data = len
                .and_then(|l| section.get(start..start.checked_add(l)?))
                .ok_or_else(|| {
                    FormatError::at_byte(
                        path,
                        at(start),
                        format!(
                            "the values of parameter {name:?} (dimensions {dims:?}) run past the \
                             end of the parameter section"
                        ),
                    )
                })?
                .to_vec();
            raw.push((
                id,
                Parameter {
                    group: String::new(),
                    name,
                    kind,
                    dims,
                    data,
                },
            ));
        }
        if next == 0 {
            break;
        }
        if next < 0 {
            return Err(FormatError::at_byte(
                path,
                at(offset_pos),
                format!("offset to the next record is {next}, expected a positive number: the parameter section is garbled"),
            ));
        }
        // `next` counts from the offset word itself; a value that does not move past this
        // record would loop forever.
        let following = offset_pos + usize::from(next.unsigned_abs());
        if following <= offset_pos + 1 {
            return Err(FormatError::at_byte(
                path,
                at(offset_pos),
                format!(
                    "offset to the next record is {next}, which does not move past this record"
                ),
            ));
        }
        pos = following;
    }
    let params = raw
        .into_iter()
        .map(|(id, mut p)| {
            // A parameter of a group that was never declared keeps an empty group name, so it is
            // never found by name (a tolerated writer error, as in ezc3d and btk).
            if let Some((_, g)) = group_ids.iter().find(|(gid, _)| *gid == id) {
                p.group.clone_from(g);
            }
            p
        })
        .collect();
    Ok(Parameters { params })
}

/// Builds the error for a parameter whose value is unusable.
pub(crate) fn field_error(path: &str, field: &str, message: impl Into<String>) -> FormatError {
    FormatError::new(path, Some(Location::Field(field.to_string())), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One Intel parameter section with a POINT group, POINT:RATE = 100 and POINT:LABELS.
    fn section() -> Vec<u8> {
        let mut s = vec![1, 0x50, 1, 84];
        // group POINT, id -1
        s.extend([5u8, 0xff]);
        s.extend(b"POINT");
        s.extend(3i16.to_le_bytes()); // next: 2 (offset) + 1 (desc len)
        s.push(0);
        // POINT:RATE float scalar
        s.extend([4u8, 1]);
        s.extend(b"RATE");
        s.extend(9i16.to_le_bytes()); // 2 + type + ndims + 4 + desc
        s.push(4);
        s.push(0);
        s.extend(100f32.to_le_bytes());
        s.push(0);
        // POINT:LABELS char [4, 2]
        s.extend([6u8, 1]);
        s.extend(b"LABELS");
        s.extend(0i16.to_le_bytes());
        s.push(0xff);
        s.push(2);
        s.extend([4u8, 2]);
        s.extend(b"LASIRKJC");
        s.push(0);
        s
    }

    #[test]
    fn groups_parameters_and_values_are_found() {
        let p = parse("t.c3d", &section(), 512, Processor::Intel).unwrap();
        assert_eq!(
            p.get("POINT", "RATE").unwrap().number(Processor::Intel),
            Some(100.0)
        );
        assert_eq!(p.strings_series("POINT", "LABELS"), vec!["LASI", "RKJC"]);
    }

    #[test]
    fn a_value_running_past_the_section_names_its_byte() {
        let mut s = section();
        s.truncate(s.len() - 5);
        let e = parse("t.c3d", &s, 512, Processor::Intel).unwrap_err();
        assert!(e.to_string().starts_with("t.c3d: byte "), "{e}");
        assert!(e.message.contains("LABELS"), "{e}");
    }

    #[test]
    fn a_bad_type_code_is_garbled() {
        let mut s = section();
        // the RATE type byte sits after: header 4 + group 10 + rate header 2 + name 4 + offset 2
        s[4 + 10 + 2 + 4 + 2] = 3;
        let e = parse("t.c3d", &s, 512, Processor::Intel).unwrap_err();
        assert!(e.message.contains("type 3"), "{e}");
    }

    #[test]
    fn a_backwards_offset_is_garbled() {
        let mut s = section();
        s[4 + 2 + 5] = 0xfe;
        s[4 + 2 + 5 + 1] = 0xff;
        let e = parse("t.c3d", &s, 512, Processor::Intel).unwrap_err();
        assert!(e.message.contains("-2"), "{e}");
    }
}
